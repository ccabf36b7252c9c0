package io.oprelay.actions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.ResultFacts;
import io.oprelay.routing.RuleException;
import jakarta.inject.Singleton;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code workflow}: turns a result into a {@link WorkflowCommand}, published to the workflow topic (inside the
 * router's transaction) and/or POSTed to a signed webhook with retries (for example a Studio flow's REST trigger).
 *
 * <p>Settings: {@code action} (command name, required), {@code kafka} (publish to the topic, default true),
 * {@code url} (webhook, optional), {@code payload} (JSON shape with templates, default
 * {@code {label, score, result}}). At least one of {@code kafka} and {@code url}.
 */
@Singleton
public class WorkflowAction implements Action {

    public static final String TYPE = "workflow";
    public static final String EVENT_TYPE = "io.oprelay.workflow.command.v1";
    private static final Set<String> FIELDS = Set.of("type", "action", "kafka", "url", "payload");
    private static final Pattern COMMAND = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$");

    private final String topic;
    private final String dataSchema;
    private final WebhookPolicy policy;
    private final ObjectMapper mapper;

    public WorkflowAction(ActionsConfig config, WebhookPolicy policy, ObjectMapper mapper, EventSchemas schemas) {
        this.topic = config.workflow().topic();
        this.dataSchema = schemas.ofType(EVENT_TYPE);
        this.policy = policy;
        this.mapper = mapper;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public BoundAction bind(String rule, ActionParams params) {
        params.allowOnly(FIELDS);
        String command = params.requiredText("action");
        if (!COMMAND.matcher(command).matches()) {
            throw new RuleException(params.field("action"), "must be letters, digits, '.', '_', ':' or '-', got '"
                    + command + "'");
        }
        boolean kafka = params.bool("kafka", true);
        URI url = params.text("url").map(value -> policy.check(params.field("url"), value)).orElse(null);
        if (!kafka && url == null) {
            throw new RuleException(params.path(), "does nothing: set a url or kafka: true");
        }
        PayloadTemplate payload = PayloadTemplate.parse(params.field("payload"),
                params.object("payload").map(node -> (com.fasterxml.jackson.databind.JsonNode) node)
                        .orElseGet(WorkflowAction::defaultPayload));
        return new Bound(rule, command, kafka, url, payload);
    }

    private static ObjectNode defaultPayload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("label", "{{label}}");
        payload.put("score", "{{score}}");
        payload.put("result", "{{result}}");
        return payload;
    }

    private final class Bound implements BoundAction {
        private final String rule;
        private final String command;
        private final boolean kafka;
        private final URI url;
        private final PayloadTemplate payload;

        Bound(String rule, String command, boolean kafka, URI url, PayloadTemplate payload) {
            this.rule = rule;
            this.command = command;
            this.kafka = kafka;
            this.url = url;
            this.payload = payload;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String rule() {
            return rule;
        }

        @Override
        public Effects apply(ResultFacts result) {
            var view = result.view();
            WorkflowCommand workflowCommand = new WorkflowCommand(command, view.conversationId(), view.id(), rule,
                    payload.render(result, rule));
            byte[] body;
            try {
                body = mapper.writeValueAsBytes(workflowCommand);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            String key = OutputRecords.idempotencyKey(view.id(), rule);
            return new Effects(
                    kafka ? List.of(OutputRecords.record(topic, view.conversationId(), EVENT_TYPE, key, rule,
                            dataSchema, body)) : List.of(),
                    url == null ? List.of() : List.of(new Delivery(TYPE, rule, url, body, key)),
                    workflowCommand);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("type", TYPE);
            described.put("action", command);
            if (kafka) {
                described.put("topic", topic);
            }
            if (url != null) {
                described.put("url", EndpointHealth.endpointOf(url));
            }
            described.put("payload", payload.source());
            return described;
        }
    }
}
