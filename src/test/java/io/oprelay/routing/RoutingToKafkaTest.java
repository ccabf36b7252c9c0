package io.oprelay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.actions.AgentAssistAction;
import io.oprelay.actions.WorkflowAction;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.TopicsConfig;
import io.oprelay.support.Api;
import io.oprelay.support.QuietApp;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Result events on the real broker fire the expected rules; hints and commands land with the right keys. */
@QuarkusTest
@TestProfile(QuietApp.class)
class RoutingToKafkaTest {

    static final String HINTS = "agent-assist.hints";
    static final String COMMANDS = "workflow.actions";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    TopicsConfig topics;

    @Inject
    MeterRegistry registry;

    @Inject
    io.oprelay.events.ResultEvents publisherEvents;

    @Inject
    ObjectMapper mapper;

    ResultEvents events;

    @BeforeEach
    void open() {
        events = new ResultEvents(kafka);
    }

    @AfterEach
    void close() {
        events.close();
    }

    static JsonNode json(ConsumerRecord<String, byte[]> record) throws Exception {
        return SampleResults.MAPPER.readTree(record.value());
    }

    @Test
    void angryCustomerLabelBecomesAHintKeyedByConversation() throws Exception {
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "angry");
        events.publish(topics.classification(), result);

        List<ConsumerRecord<String, byte[]>> hints = await().atMost(Waits.seconds(20))
                .until(() -> events.readKey(HINTS, conversation), list -> !list.isEmpty());
        assertThat(hints).hasSize(1);
        JsonNode hint = json(hints.get(0));
        assertThat(hint.get("rule").asText()).isEqualTo("angry-customer-hint");
        assertThat(hint.get("resultId").asText()).isEqualTo(result.get("id").asText());
        assertThat(hint.get("conversationId").asText()).isEqualTo(conversation);
        assertThat(hint.get("severity").asText()).isEqualTo("warning");
        assertThat(hint.get("title").asText()).isEqualTo("Customer is angry");
        assertThat(hint.get("message").asText()).isEqualTo("Slow down and acknowledge (" + conversation + ")");
        assertThat(hint.get("label").asText()).isEqualTo("angry");
        assertThat(hint.get("participants")).hasSize(2);
        assertThat(ResultEvents.header(hints.get(0), CloudEventHeaders.TYPE)).isEqualTo(AgentAssistAction.EVENT_TYPE);
        assertThat(ResultEvents.header(hints.get(0), CloudEventHeaders.ID))
                .isEqualTo(result.get("id").asText() + ":angry-customer-hint");
        assertThat(events.readKey(COMMANDS, conversation)).as("no workflow rule fires on a label").isEmpty();
    }

    @Test
    void lowScoreBecomesAWorkflowCommandAndACriticalHint() throws Exception {
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.scored(conversation, 0.12, "Customer asked twice to cancel");
        events.publish(topics.json(), result);

        List<ConsumerRecord<String, byte[]>> commands = await().atMost(Waits.seconds(20))
                .until(() -> events.readKey(COMMANDS, conversation), list -> !list.isEmpty());
        assertThat(commands).hasSize(1);
        JsonNode command = json(commands.get(0));
        assertThat(command.get("action").asText()).isEqualTo("escalate");
        assertThat(command.get("rule").asText()).isEqualTo("low-score-escalation");
        assertThat(command.get("resultId").asText()).isEqualTo(result.get("id").asText());
        assertThat(command.get("conversationId").asText()).isEqualTo(conversation);
        assertThat(command.get("payload").get("score").asDouble()).isEqualTo(0.12);
        assertThat(command.get("payload").get("why").asText()).isEqualTo("Customer asked twice to cancel");
        assertThat(ResultEvents.header(commands.get(0), CloudEventHeaders.TYPE)).isEqualTo(WorkflowAction.EVENT_TYPE);

        List<ConsumerRecord<String, byte[]>> hints = events.readKey(HINTS, conversation);
        assertThat(hints).hasSize(1);
        assertThat(json(hints.get(0)).get("severity").asText()).isEqualTo("critical");
        assertThat(json(hints.get(0)).get("title").asText()).isEqualTo("Low score 0.12");
        assertThat(json(hints.get(0)).get("score").asDouble()).isEqualTo(0.12);
    }

    @Test
    void nonMatchingResultsProduceNothingAndAreCounted() throws Exception {
        double unmatchedBefore = registry.counter("relay.routing.unmatched").count();
        String conversation = SampleResults.conversationId();
        // Same conversation, same partition: once the last (matching) result is routed, the others were too.
        events.publish(topics.classification(), SampleResults.classification(conversation, "neutral"));
        events.publish(topics.classification(), SampleResults.classification(conversation, "happy"));
        String other = SampleResults.conversationId();
        events.publish(topics.json(), SampleResults.scored(other, 0.95, "All good"));
        events.publish(topics.json(), SampleResults.scored(other, 0.05, "marker"));
        events.publish(topics.classification(), SampleResults.classification(conversation, "frustrated"));

        await().atMost(Waits.seconds(20)).until(() -> events.readKey(HINTS, conversation).size() == 1
                && events.readKey(COMMANDS, other).size() == 1);
        assertThat(json(events.readKey(HINTS, conversation).get(0)).get("label").asText()).isEqualTo("frustrated");
        assertThat(json(events.readKey(COMMANDS, other).get(0)).get("payload").get("why").asText()).isEqualTo("marker");
        assertThat(events.readKey(HINTS, other)).hasSize(1);
        // The quiet app routes only what this class publishes, so the meter moves by exactly the three that match
        // no rule (neutral, happy, the 0.95 score).
        await().atMost(Waits.seconds(5))
                .until(() -> registry.counter("relay.routing.unmatched").count() - unmatchedBefore >= 3);
        assertThat(registry.counter("relay.routing.unmatched").count() - unmatchedBefore).isEqualTo(3.0);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relay_routing_evaluated_total"))
                .body(containsString("relay_routing_rules_fired_total{rule=\"angry-customer-hint\"}"))
                .body(containsString("relay_routing_actions_total{action=\"workflow\",outcome=\"published\"}"))
                .body(containsString("relay_routing_action_duration_seconds_count{action=\"agent-assist\"}"));
    }

    @Test
    void deletionEventOfARoutedResultFiresNoRuleAgain() throws Exception {
        double skippedBefore = registry.counter("relay.routing.skipped", "reason", "deletion").count();
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.scored(conversation, 0.1, "to be deleted");
        String resultId = result.get("id").asText();
        events.publish(topics.json(), result);
        await().atMost(Waits.seconds(20)).until(() -> events.readKey(COMMANDS, conversation).size() == 1);

        // The event DELETE /api/operator-results/{id} publishes: same topic, key and value, a ...deleted.v1 type.
        byte[] json = result.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var deletion = publisherEvents.deleted(new io.oprelay.twilio.RawResult(
                mapper.readValue(json, io.oprelay.twilio.OperatorResult.class), json));
        assertThat(deletion.topic()).isEqualTo(topics.json());
        events.publishRaw(deletion);
        // A later result of the same conversation (same partition) is routed only after the deletion was.
        events.publish(topics.json(), SampleResults.scored(conversation, 0.2, "marker"));
        await().atMost(Waits.seconds(20)).until(() -> events.readKey(COMMANDS, conversation).size() >= 2);

        List<ConsumerRecord<String, byte[]>> commands = events.readKey(COMMANDS, conversation);
        List<ConsumerRecord<String, byte[]>> hints = events.readKey(HINTS, conversation);
        assertThat(commands).extracting(r -> json(r).get("payload").get("why").asText())
                .containsExactly("to be deleted", "marker");
        assertThat(hints).extracting(r -> json(r).get("resultId").asText()).filteredOn(resultId::equals).hasSize(1);
        assertThat(hints).hasSize(2);
        await().atMost(Waits.seconds(5)).until(() ->
                registry.counter("relay.routing.skipped", "reason", "deletion").count() - skippedBefore >= 1);
        assertThat(registry.counter("relay.routing.skipped", "reason", "deletion").count() - skippedBefore)
                .isEqualTo(1.0);
    }

    @Test
    void claimCheckEventOfAnOversizeResultFiresNoRule() throws Exception {
        double skippedBefore = registry.counter("relay.routing.skipped", "reason", "oversize").count();
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.scored(conversation, 0.1, "too large for its topic");
        byte[] json = result.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // What the publisher sends instead of a result its topic cannot take: {id, outputFormat, size}.
        var claim = io.oprelay.events.ResultEvents.claimCheck(publisherEvents.created(new io.oprelay.twilio.RawResult(
                mapper.readValue(json, io.oprelay.twilio.OperatorResult.class), json), "poll"));
        assertThat(claim.topic()).isEqualTo(topics.json());
        events.publishRaw(claim);
        // A later result of the same conversation (same partition) is routed only after the claim-check was.
        events.publish(topics.json(), SampleResults.scored(conversation, 0.2, "marker"));
        await().atMost(Waits.seconds(20)).until(() -> events.readKey(COMMANDS, conversation).size() >= 1);

        assertThat(events.readKey(COMMANDS, conversation)).extracting(r -> json(r).get("payload").get("why").asText())
                .containsExactly("marker");
        await().atMost(Waits.seconds(5)).until(() ->
                registry.counter("relay.routing.skipped", "reason", "oversize").count() - skippedBefore >= 1);
        assertThat(registry.counter("relay.routing.skipped", "reason", "oversize").count() - skippedBefore)
                .isEqualTo(1.0);
    }

    @Test
    void unreadableEventGoesToTheDeadLetterTopic() {
        String conversation = SampleResults.conversationId();
        ObjectNode broken = SampleResults.classification(conversation, "angry");
        var record = ResultEvents.record(topics.classification(), broken);
        events.publishRaw(new org.apache.kafka.clients.producer.ProducerRecord<>(record.topic(), null, conversation,
                "{\"id\": \"truncated".getBytes(), record.headers()));
        List<ConsumerRecord<String, byte[]>> dead = await().atMost(Waits.seconds(20))
                .until(() -> events.readKey("relay.routing.dead-letters", conversation), list -> !list.isEmpty());
        assertThat(ResultEvents.header(dead.get(0), DeadLetters.REASON)).startsWith("unreadable");
        assertThat(ResultEvents.header(dead.get(0), CloudEventHeaders.ID)).isEqualTo(broken.get("id").asText());
    }

    @Test
    void rulesEndpointListsTheLoadedRulesInOrder() {
        Api.given().get("/api/routing/rules").then().statusCode(200)
                .body("rules.name", contains("angry-customer-hint", "low-score-escalation", "flaky-workflow",
                        "dead-workflow", "hint-webhook", "secret-workflow", "replay-workflow", "traced-escalation"))
                .body("rules[0].when.type", equalTo("all"))
                .body("rules[1].actions.type", contains("workflow", "agent-assist"))
                .body("rules[1].actions[0].topic", equalTo(COMMANDS));
    }

    @Test
    void dryRunTellsWhichRulesAndActionsWouldFire() {
        String conversation = SampleResults.conversationId();
        Api.given().contentType("application/json").body(SampleResults.scored(conversation, 0.1, "why").toString())
                .post("/api/routing/evaluate").then().statusCode(200)
                .body("matched", equalTo(true))
                .body("rules.rule", contains("low-score-escalation"))
                .body("rules[0].actions.type", contains("workflow", "agent-assist"))
                .body("rules[0].actions[0].records[0].topic", equalTo(COMMANDS))
                .body("rules[0].actions[0].records[0].key", equalTo(conversation))
                .body("rules[0].actions[0].output.payload.why", equalTo("why"));
        Api.given().contentType("application/json").body(SampleResults.classification(conversation, "calm").toString())
                .post("/api/routing/evaluate").then().statusCode(200)
                .body("matched", equalTo(false)).body("rules", hasSize(0));
        await().during(Duration.ofMillis(300)).atMost(Waits.seconds(2))
                .until(() -> events.readKey(COMMANDS, conversation).isEmpty());
    }

    @Test
    void dryRunRejectsBadInputAsProblemJson() {
        Api.given().contentType("application/json").body("{not json").post("/api/routing/evaluate").then()
                .statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("title", equalTo("Invalid OperatorResult"))
                .body("type", containsString("invalid-operator-result")).body("detail", containsString("JSON"));
        Api.given().contentType("application/json").body("[1, 2]").post("/api/routing/evaluate").then()
                .statusCode(400).contentType("application/problem+json");
        Api.given().contentType("application/json").body("{\"id\": \"x\", \"outputFormat\": \"JSON\"}")
                .post("/api/routing/evaluate").then()
                .statusCode(400).body("detail", containsString("conversationId"));
    }
}
