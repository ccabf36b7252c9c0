package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.actions.ActionsConfig;
import io.oprelay.actions.AgentAssistAction;
import io.oprelay.actions.WebhookPolicy;
import io.oprelay.actions.WorkflowAction;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.twilio.OperatorResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule language as documented in docs/routing.md, evaluated against results shaped like Twilio's. */
class RuleLanguageTest {

    static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

    static RulesParser parser() {
        ActionsConfig config = TestConfigs.actions(Map.of(
                "relay.actions.webhook-allow-list", "hooks.example.com,*.twil.io",
                "relay.actions.signing-secret", "s3cret"));
        WebhookPolicy policy = new WebhookPolicy(config);
        List<ActionType> actions = List.of(new AgentAssistAction(config, policy, MAPPER, EventSchemas.defaults()),
                new WorkflowAction(config, policy, MAPPER, EventSchemas.defaults()));
        return new RulesParser(Map.of(actions.get(0).type(), actions.get(0), actions.get(1).type(), actions.get(1)));
    }

    static ResultFacts facts(ObjectNode json) throws Exception {
        return new ResultFacts(MAPPER.treeToValue(json, OperatorResult.class));
    }

    private static List<String> fired(String yaml, ObjectNode result) throws Exception {
        RoutingEngine engine = new RoutingEngine(parser().parse("test.yaml", yaml), MAPPER, "dlq");
        return engine.evaluate(facts(result)).stream().map(m -> m.rule().name()).toList();
    }

    private static String rule(String name, String when) {
        return "  - name: " + name + "\n    when: " + when + "\n    actions:\n      - type: workflow\n        action: go\n";
    }

    @Test
    void labelEqualsAndOneOfIgnoreCase() throws Exception {
        String yaml = "rules:\n" + rule("one", "{label: Angry}") + rule("many", "{label: {oneOf: [sad, angry]}}")
                + rule("list", "{label: [happy]}");
        assertThat(fired(yaml, SampleResults.classification("c", "angry"))).containsExactly("one", "many");
        assertThat(fired(yaml, SampleResults.classification("c", "neutral"))).isEmpty();
    }

    @Test
    void scoreComparisonsAndBetween() throws Exception {
        String yaml = "rules:\n" + rule("low", "{score: {'<': 0.3}}") + rule("low-or-equal", "{score: {lte: 0.25}}")
                + rule("mid", "{number: {pointer: /score, between: [0.2, 0.6]}}")
                + rule("high", "{score: {'>': 0.6, '>=': 0.7}}");
        assertThat(fired(yaml, SampleResults.scored("c", 0.25, "x"))).containsExactly("low", "low-or-equal", "mid");
        assertThat(fired(yaml, SampleResults.scored("c", 0.65, "x"))).isEmpty();
        assertThat(fired(yaml, SampleResults.scored("c", 0.9, "x"))).containsExactly("high");
    }

    @Test
    void numberAtNestedPointerAndNumericText() throws Exception {
        ObjectNode result = SampleResults.scored("c", 0.5, "x");
        ((ObjectNode) result.get("result")).putObject("disclosure").put("confidence", "0.4");
        String yaml = "rules:\n" + rule("nested", "{number: {pointer: /disclosure/confidence, '<': 0.5}}")
                + rule("absent", "{number: {pointer: /missing, '<': 100}}");
        assertThat(fired(yaml, result)).containsExactly("nested");
    }

    @Test
    void operatorConfigurationTriggerChannelAndParticipantType() throws Exception {
        ObjectNode result = SampleResults.classification("c", "neutral");
        String yaml = "rules:\n"
                + rule("operator", "{operator: " + SampleResults.OPERATOR_SENTIMENT + "}")
                + rule("configuration", "{configuration: [" + SampleResults.CONFIGURATION + "]}")
                + rule("trigger", "{trigger: communication}")
                + rule("trigger-end", "{trigger: CONVERSATION_END}")
                + rule("channel", "{channel: [SMS, VOICE]}")
                + rule("participant", "{participantType: HUMAN_AGENT}")
                + rule("ai-agent", "{participantType: AI_AGENT}")
                + rule("format", "{format: [classification]}");
        assertThat(fired(yaml, result)).containsExactly("operator", "configuration", "trigger", "channel",
                "participant", "format");
    }

    @Test
    void allAnyNotCombineAndSeveralKeysMeanAll() throws Exception {
        String yaml = "rules:\n"
                + rule("all", "{all: [{format: CLASSIFICATION}, {label: angry}]}")
                + rule("any", "{any: [{label: happy}, {score: {'<': 0.5}}]}")
                + rule("not", "{not: {label: angry}}")
                + rule("keys", "{format: CLASSIFICATION, label: angry, participantType: CUSTOMER}")
                + rule("always", "{all: []}");
        assertThat(fired(yaml, SampleResults.classification("c", "angry"))).containsExactly("all", "keys", "always");
        assertThat(fired(yaml, SampleResults.scored("c", 0.1, "x"))).containsExactly("any", "not", "always");
    }

    @Test
    void labelOfAJsonResultCountsToo() throws Exception {
        ObjectNode result = SampleResults.scored("c", 0.5, "x");
        ((ObjectNode) result.get("result")).put("label", "churn");
        assertThat(fired("rules:\n" + rule("churn", "{label: churn}"), result)).containsExactly("churn");
    }

    @Test
    void unknownOutputFormatMatchesOtherAndItsOwnName() throws Exception {
        ObjectNode result = SampleResults.classification("c", "x");
        result.put("outputFormat", "SUMMARY");
        String yaml = "rules:\n" + rule("other", "{format: OTHER}") + rule("summary", "{format: SUMMARY}")
                + rule("classification", "{format: CLASSIFICATION}");
        assertThat(fired(yaml, result)).containsExactly("other", "summary");
    }

    @Test
    void resultWithMissingFieldsNeverThrows() throws Exception {
        ObjectNode sparse = MAPPER.createObjectNode().put("id", "r1").put("outputFormat", "JSON");
        String yaml = "rules:\n" + rule("a", "{channel: VOICE}") + rule("b", "{participantType: CUSTOMER}")
                + rule("c", "{trigger: COMMUNICATION}") + rule("d", "{score: {'<': 1}}") + rule("e", "{label: x}")
                + rule("f", "{operator: o}") + rule("g", "{configuration: c}");
        assertThat(fired(yaml, sparse)).isEmpty();
    }

    @Test
    void emptyRulesDocumentLoadsNoRules() {
        assertThat(parser().parse("empty.yaml", "rules: []\n")).isEmpty();
        assertThat(parser().parse("empty.yaml", "")).isEmpty();
    }
}
