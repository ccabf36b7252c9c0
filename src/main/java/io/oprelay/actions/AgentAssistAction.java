package io.oprelay.actions;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.ResultFacts;
import io.oprelay.routing.RuleException;
import jakarta.inject.Singleton;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code agent-assist}: turns a result into an {@link AgentAssistHint} published to the hints topic (inside the
 * router's transaction), from where every instance streams it over SSE, and optionally POSTed to a signed webhook.
 *
 * <p>Settings: {@code severity} (info, warning, critical; default info), {@code title} (template, default
 * {@code {{label}}}), {@code message} (template, required), {@code webhook} (URL, optional), {@code scorePointer}
 * (JSON pointer of the score in {@code result}, default {@code /score}).
 */
@Singleton
public class AgentAssistAction implements Action {

    public static final String TYPE = "agent-assist";
    public static final String EVENT_TYPE = "io.oprelay.agentassist.hint.v1";
    private static final Set<String> FIELDS = Set.of("type", "severity", "title", "message", "webhook", "scorePointer");
    private static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    private final String topic;
    private final String dataSchema;
    private final WebhookPolicy policy;
    private final ObjectMapper mapper;

    public AgentAssistAction(ActionsConfig config, WebhookPolicy policy, ObjectMapper mapper,
                             EventSchemas schemas) {
        this.topic = config.agentAssist().topic();
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
        String severity = params.text("severity").orElse("info").toLowerCase(Locale.ROOT);
        if (!SEVERITIES.contains(severity)) {
            throw new RuleException(params.field("severity"), "must be one of " + SEVERITIES + ", got '" + severity + "'");
        }
        Template title = Template.parse(params.field("title"), params.text("title").orElse("{{label}}"));
        Template message = Template.parse(params.field("message"), params.requiredText("message"));
        URI webhook = params.text("webhook").map(url -> policy.check(params.field("webhook"), url)).orElse(null);
        String pointer = params.text("scorePointer").orElse("/score");
        if (!pointer.startsWith("/")) {
            throw new RuleException(params.field("scorePointer"), "must be a JSON pointer starting with '/'");
        }
        return new Bound(rule, severity, title, message, webhook, JsonPointer.compile(pointer));
    }

    private final class Bound implements BoundAction {
        private final String rule;
        private final String severity;
        private final Template title;
        private final Template message;
        private final URI webhook;
        private final JsonPointer scorePointer;

        Bound(String rule, String severity, Template title, Template message, URI webhook, JsonPointer scorePointer) {
            this.rule = rule;
            this.severity = severity;
            this.title = title;
            this.message = message;
            this.webhook = webhook;
            this.scorePointer = scorePointer;
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
            AgentAssistHint hint = new AgentAssistHint(view.conversationId(), view.id(), rule, severity,
                    title.render(result, rule), message.render(result, rule), result.label(),
                    result.number(scorePointer),
                    view.executionDetails() == null || view.executionDetails().participants() == null ? List.of()
                            : view.executionDetails().participants());
            byte[] body = json(hint);
            String key = OutputRecords.idempotencyKey(view.id(), rule);
            return new Effects(
                    List.of(OutputRecords.record(topic, view.conversationId(), EVENT_TYPE, key, rule, dataSchema,
                            body)),
                    webhook == null ? List.of() : List.of(new Delivery(TYPE, rule, webhook, body, key)),
                    hint);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("type", TYPE);
            described.put("topic", topic);
            described.put("severity", severity);
            described.put("title", title.source());
            described.put("message", message.source());
            described.put("scorePointer", scorePointer.toString());
            if (webhook != null) {
                described.put("webhook", EndpointHealth.endpointOf(webhook));
            }
            return described;
        }

        private byte[] json(Object value) {
            try {
                return mapper.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
