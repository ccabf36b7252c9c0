package io.oprelay.actions;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.spi.ActionParams;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.routing.spi.RuleException;
import jakarta.inject.Singleton;

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
public class AgentAssistAction extends OutputActionType {

    public static final String TYPE = "agent-assist";
    public static final String EVENT_TYPE = "io.oprelay.agentassist.hint.v1";
    private static final Set<String> FIELDS = Set.of("type", "severity", "title", "message", "webhook", "scorePointer");
    private static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    private final WebhookPolicy policy;

    public AgentAssistAction(ActionsConfig config, WebhookPolicy policy, ObjectMapper mapper,
                             EventSchemas schemas) {
        super(TYPE, "hints", config.agentAssist().topic(), EVENT_TYPE, schemas, mapper);
        this.policy = policy;
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
        JsonPointer scorePointer = JsonPointer.compile(pointer);

        Map<String, Object> described = new LinkedHashMap<>();
        described.put("type", TYPE);
        described.put("topic", outputs.topic());
        described.put("severity", severity);
        described.put("title", title.source());
        described.put("message", message.source());
        described.put("scorePointer", scorePointer.toString());
        if (webhook != null) {
            described.put("webhook", Delivery.endpointOf(webhook));
        }
        return outputs.bound(rule, described, true, webhook,
                result -> hint(result, rule, severity, title, message, scorePointer));
    }

    private static AgentAssistHint hint(ResultFacts result, String rule, String severity, Template title,
                                        Template message, JsonPointer scorePointer) {
        var view = result.view();
        return new AgentAssistHint(view.conversationId(), view.id(), rule, severity,
                title.render(result, rule), message.render(result, rule), result.label(),
                result.number(scorePointer),
                view.executionDetails() == null || view.executionDetails().participants() == null ? List.of()
                        : view.executionDetails().participants());
    }
}
