package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.SampleResults;
import io.oprelay.routing.TestConfigs;
import io.oprelay.routing.spi.ActionParams;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.Effects;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.routing.spi.RuleException;
import io.oprelay.twilio.OperatorResult;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the two actions render from a result: hint and command content, keys, headers, idempotency key. */
class ActionOutputTest {

    private static final EventSchemas SCHEMAS = EventSchemas.defaults();

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    private final ActionsConfig config = TestConfigs.actions(Map.of(
            "relay.actions.webhook-allow-list", "hooks.example.com", "relay.actions.signing-secret", "s3cret"));
    private final WebhookPolicy policy = new WebhookPolicy(config);

    private static ResultFacts facts(ObjectNode json) throws Exception {
        return new ResultFacts(MAPPER.treeToValue(json, OperatorResult.class));
    }

    private static ActionParams params(String yaml) throws Exception {
        ObjectMapper yamlMapper = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        return new ActionParams("actions[0]", (ObjectNode) yamlMapper.readTree(yaml));
    }

    @Test
    void agentAssistHintCarriesTemplatedTextLabelScoreAndParticipants() throws Exception {
        BoundAction action = new AgentAssistAction(config, policy, MAPPER, SCHEMAS).bind("churn", params("""
                type: agent-assist
                severity: critical
                title: "Risk {{score}} ({{label}})"
                message: "{{result./explanation}} in {{conversationId}}, rule {{rule}}"
                webhook: https://hooks.example.com/hints
                """));
        ObjectNode json = SampleResults.scored("conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2", 0.2, "Wants to cancel");
        ((ObjectNode) json.get("result")).put("label", "churn");
        Effects effects = action.apply(facts(json));

        AgentAssistHint hint = (AgentAssistHint) effects.output();
        assertThat(hint.title()).isEqualTo("Risk 0.2 (churn)");
        assertThat(hint.message()).isEqualTo("Wants to cancel in conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2, rule churn");
        assertThat(hint.severity()).isEqualTo("critical");
        assertThat(hint.score()).isEqualTo(0.2);
        assertThat(hint.label()).isEqualTo("churn");
        assertThat(hint.resultId()).isEqualTo(json.get("id").asText());
        assertThat(hint.participants()).extracting(OperatorResult.Participant::type)
                .containsExactly("CUSTOMER", "HUMAN_AGENT");

        ProducerRecord<String, byte[]> record = effects.records().get(0);
        assertThat(record.topic()).isEqualTo("agent-assist.hints");
        assertThat(record.key()).isEqualTo("conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2");
        assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo(AgentAssistAction.EVENT_TYPE);
        assertThat(header(record, CloudEventHeaders.ID)).isEqualTo(hint.resultId() + ":churn");
        assertThat(MAPPER.readTree(record.value()).get("message").asText()).isEqualTo(hint.message());

        Delivery delivery = effects.deliveries().get(0);
        assertThat(delivery.url().toString()).isEqualTo("https://hooks.example.com/hints");
        assertThat(delivery.idempotencyKey()).isEqualTo(hint.resultId() + ":churn");
        assertThat(delivery.body()).isEqualTo(record.value());
    }

    @Test
    void workflowCommandRendersPayloadKeepingJsonTypes() throws Exception {
        BoundAction action = new WorkflowAction(config, policy, MAPPER, SCHEMAS).bind("escalation", params("""
                type: workflow
                action: escalate
                payload:
                  risk: "{{score}}"
                  note: "score={{score}}"
                  tags: ["{{label}}", fixed]
                  priority: 1
                """));
        ObjectNode json = SampleResults.scored("conv_conversation_01k1etk2y5f1y9fpe2epfdtvv3", 0.1, "x");
        Effects effects = action.apply(facts(json));
        WorkflowCommand command = (WorkflowCommand) effects.output();
        assertThat(command.action()).isEqualTo("escalate");
        assertThat(command.rule()).isEqualTo("escalation");
        assertThat(command.payload().get("risk").isNumber()).isTrue();
        assertThat(command.payload().get("note").asText()).isEqualTo("score=0.1");
        assertThat(command.payload().get("tags").get(0).isNull()).as("a JSON result has no label").isTrue();
        assertThat(command.payload().get("priority").asInt()).isEqualTo(1);
        assertThat(effects.records()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("workflow.actions");
            assertThat(r.key()).isEqualTo("conv_conversation_01k1etk2y5f1y9fpe2epfdtvv3");
        });
        assertThat(effects.deliveries()).isEmpty();
    }

    @Test
    void wholeNumberScoreRendersAsTheOperatorWroteIt() throws Exception {
        BoundAction action = new WorkflowAction(config, policy, MAPPER, SCHEMAS).bind("risk", params("""
                type: workflow
                action: open-retention-case
                payload:
                  risk: "{{score}}"
                  note: "Escalation risk {{score}}"
                """));
        ObjectNode json = SampleResults.scored("conv_conversation_01k1etk2y5f1y9fpe2epfdtvv4", 0, "x");
        ((ObjectNode) json.get("result")).put("score", 78);
        WorkflowCommand command = (WorkflowCommand) action.apply(facts(json)).output();
        assertThat(command.payload().get("note").asText()).isEqualTo("Escalation risk 78");
        assertThat(command.payload().get("risk").isIntegralNumber()).isTrue();
        assertThat(command.payload().get("risk").asLong()).isEqualTo(78);
    }

    @Test
    void workflowDefaultPayloadHoldsLabelScoreAndResult() throws Exception {
        BoundAction action = new WorkflowAction(config, policy, MAPPER, SCHEMAS)
                .bind("r", params("{type: workflow, action: a}"));
        JsonNode payload = ((WorkflowCommand) action.apply(facts(SampleResults.classification("c", "angry"))).output())
                .payload();
        assertThat(payload.get("label").asText()).isEqualTo("angry");
        assertThat(payload.get("score").isNull()).isTrue();
        assertThat(payload.get("result").get("label").asText()).isEqualTo("angry");
    }

    @Test
    void templatePlaceholdersAreCheckedWhenLoaded() {
        assertThatThrownBy(() -> Template.parse("f", "{{result.score}}")).isInstanceOf(RuleException.class)
                .hasMessageContaining("JSON pointer");
        assertThat(Template.parse("f", "plain {{ label }}!").source()).isEqualTo("plain {{ label }}!");
    }

    @Test
    void backoffGrowsWithJitterAndStaysUnderTheCap() {
        ActionsConfig http = TestConfigs.actions(Map.of("relay.actions.http.initial-backoff", "100ms",
                "relay.actions.http.max-backoff", "1s"));
        WebhookSender sender = new WebhookSender(http, new WebhookSigner("k"), new EndpointHealth(http));
        for (int i = 0; i < 50; i++) {
            assertThat(sender.backoffMillis(1)).isBetween(50L, 100L);
            assertThat(sender.backoffMillis(3)).isBetween(200L, 400L);
            assertThat(sender.backoffMillis(10)).isBetween(500L, 1000L);
        }
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
