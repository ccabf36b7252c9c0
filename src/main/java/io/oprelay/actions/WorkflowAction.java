package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.spi.ActionParams;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.RuleException;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.LinkedHashMap;
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
public class WorkflowAction extends OutputActionType {

    public static final String TYPE = "workflow";
    public static final String EVENT_TYPE = "io.oprelay.workflow.command.v1";
    private static final Set<String> FIELDS = Set.of("type", "action", "kafka", "url", "payload");
    private static final Pattern COMMAND = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$");

    private final WebhookPolicy policy;

    public WorkflowAction(ActionsConfig config, WebhookPolicy policy, ObjectMapper mapper, EventSchemas schemas) {
        super(TYPE, "commands", config.workflow().topic(), EVENT_TYPE, schemas, mapper);
        this.policy = policy;
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
                params.object("payload").map(node -> (JsonNode) node).orElseGet(WorkflowAction::defaultPayload));

        Map<String, Object> described = new LinkedHashMap<>();
        described.put("type", TYPE);
        described.put("action", command);
        if (kafka) {
            described.put("topic", outputs.topic());
        }
        if (url != null) {
            described.put("url", Delivery.endpointOf(url));
        }
        described.put("payload", payload.source());
        return outputs.bound(rule, described, kafka, url, result -> new WorkflowCommand(command,
                result.view().conversationId(), result.view().id(), rule, payload.render(result, rule)));
    }

    private static ObjectNode defaultPayload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("label", "{{label}}");
        payload.put("score", "{{score}}");
        payload.put("result", "{{result}}");
        return payload;
    }
}
