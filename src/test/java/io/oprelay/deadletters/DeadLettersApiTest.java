package io.oprelay.deadletters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.actions.WebhookSigner;
import io.oprelay.events.TopicsConfig;
import io.oprelay.routing.DeadLetters;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.RoutingWebhookResource;
import io.oprelay.routing.SampleResults;
import io.oprelay.support.Api;
import io.oprelay.support.Meters;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Dead letters listed from the dead-letter topic and replayed through the current rules, against the real broker and
 * a webhook receiver that fails, then is fixed.
 */
@QuarkusTest
class DeadLettersApiTest {

    private static final String RECEIVER = "/workflow/replay";
    private static final String DEAD_LETTERS = "relay.routing.dead-letters";
    private static final String HINTS = "agent-assist.hints";
    private static final String REPLAYS = "relay.routing.dead-letter-replays";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    TopicsConfig topics;

    @Inject
    MeterRegistry registry;

    ResultEvents events;
    WireMockServer receiver;

    @BeforeEach
    void open() {
        events = new ResultEvents(kafka);
        receiver = RoutingWebhookResource.server();
        receiver.resetAll();
    }

    @AfterEach
    void close() {
        events.close();
    }

    /** Publishes a result whose rule's webhook fails, and waits for its letter in GET /api/dead-letters. */
    private JsonPath deadLetterOf(String conversation, ObjectNode result) {
        receiver.stubFor(post(urlEqualTo(RECEIVER)).willReturn(aResponse().withStatus(500)));
        events.publish(topics.classification(), result);
        return await().atMost(Waits.seconds(30)).until(() -> letterOf(conversation), letter -> letter != null);
    }

    private static JsonPath letterOf(String conversation) {
        JsonPath list = Api.given().get("/api/dead-letters?limit=500").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> letters = list.getList("deadLetters");
        for (int i = 0; i < letters.size(); i++) {
            if (conversation.equals(letters.get(i).get("key"))) {
                return new JsonPath(list.prettify()).setRootPath("deadLetters[" + i + "]");
            }
        }
        return null;
    }

    private static JsonPath replay(String id) {
        return Api.given().post("/api/dead-letters/" + id + "/replay").then().statusCode(200)
                .contentType(startsWith("application/json")).extract().jsonPath();
    }

    private double replays(String outcome) {
        return Meters.count(registry, "relay.dead-letters.replays", "outcome", outcome);
    }

    @Test
    void aFailedWebhookIsListedWithItsReasonAndFiltersAndLimitApply() {
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "replay-endpoint");
        JsonPath letter = deadLetterOf(conversation, result);

        assertThat(letter.getString("id")).isEqualTo(letter.getInt("partition") + "-" + letter.getLong("offset"));
        assertThat(letter.getString("reason")).isEqualTo("HTTP 500 after 5 attempts");
        assertThat(letter.getString("rule")).isEqualTo("replay-workflow");
        assertThat(letter.getString("action")).isEqualTo("workflow");
        assertThat(letter.getInt("attempts")).isEqualTo(5);
        assertThat(letter.getString("sourceTopic")).isEqualTo(topics.classification());
        assertThat(letter.getString("resultId")).isEqualTo(result.get("id").asText());
        assertThat(letter.getString("eventType")).isNotBlank();
        assertThat(letter.getString("time")).isNotBlank();
        assertThat(letter.getBoolean("valueOmitted")).isFalse();

        Api.given().queryParam("rule", "replay-workflow").get("/api/dead-letters").then().statusCode(200)
                .body("deadLetters.rule", org.hamcrest.Matchers.everyItem(equalTo("replay-workflow")))
                .body("deadLetters.key", org.hamcrest.Matchers.hasItem(conversation));
        Api.given().queryParam("rule", "no-such-rule").get("/api/dead-letters").then().statusCode(200)
                .body("deadLetters.size()", equalTo(0));
        Api.given().queryParam("reason", "http 500").queryParam("rule", "replay-workflow")
                .get("/api/dead-letters").then().statusCode(200)
                .body("deadLetters.key", org.hamcrest.Matchers.hasItem(conversation));
        Api.given().queryParam("reason", "no letter has this reason").get("/api/dead-letters").then()
                .statusCode(200).body("deadLetters.size()", equalTo(0));
        // A second letter, newer: limit=1 lists it alone, newest first.
        String second = SampleResults.conversationId();
        deadLetterOf(second, SampleResults.classification(second, "replay-endpoint"));
        Api.given().queryParam("limit", 1).queryParam("rule", "replay-workflow").get("/api/dead-letters").then()
                .statusCode(200)
                .body("deadLetters.size()", equalTo(1)).body("deadLetters[0].key", equalTo(second));
        Api.given().queryParam("limit", 2).queryParam("rule", "replay-workflow").get("/api/dead-letters").then()
                .statusCode(200).body("deadLetters.key", org.hamcrest.Matchers.contains(second, conversation));
    }

    @Test
    void aLimitOutsideOneToFiveHundredIsABadRequest() {
        for (String limit : List.of("0", "501", "-1", "ten", "1.5")) {
            Api.given().queryParam("limit", limit).get("/api/dead-letters").then().statusCode(400)
                    .contentType(startsWith("application/problem+json"))
                    .body("status", equalTo(400)).body("detail", containsString("1 to 500"));
        }
        Api.given().queryParam("limit", "500").get("/api/dead-letters").then().statusCode(200);
    }

    @Test
    void onceTheReceiverIsFixedEachReplayDeliversTheWebhookExactlyOnceAndNothingElseAgain() throws Exception {
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "replay-endpoint");
        String id = deadLetterOf(conversation, result).getString("id");
        // The rule's hint was published the first time; only its webhook failed.
        await().atMost(Waits.seconds(10)).until(() -> events.readKey(HINTS, conversation).size() == 1);
        double delivered = replays("delivered");

        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo(RECEIVER)).willReturn(aResponse().withStatus(202)));
        JsonPath first = replay(id);
        assertThat(first.getString("id")).isEqualTo(id);
        assertThat(first.getString("outcome")).isEqualTo("delivered");
        assertThat(first.getString("rule")).isEqualTo("replay-workflow");
        assertThat(first.getString("action")).isEqualTo("workflow");
        assertThat(first.getString("detail")).contains("delivered");
        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo(RECEIVER)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Idempotency-Key"))
                .isEqualTo(result.get("id").asText() + ":replay-workflow");
        assertThat(requests.get(0).getHeader(WebhookSigner.SIGNATURE_HEADER)).isNotBlank();
        assertThat(SampleResults.MAPPER.readTree(requests.get(0).getBody()).get("resultId").asText())
                .isEqualTo(result.get("id").asText());

        JsonPath second = replay(id);
        assertThat(second.getString("outcome")).isEqualTo("delivered");
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(RECEIVER)))).as("a second replay, a second call")
                .hasSize(2);

        assertThat(events.readKey(HINTS, conversation)).as("the rule's hint is not published again").hasSize(1);
        assertThat(events.readKey(DEAD_LETTERS, conversation)).as("no new letter").hasSize(1);
        List<ConsumerRecord<String, byte[]>> recorded = events.readKey(REPLAYS, id);
        assertThat(recorded).hasSize(2);
        assertThat(new String(recorded.get(1).value(), StandardCharsets.UTF_8)).contains("\"outcome\":\"delivered\"");
        await().atMost(Waits.seconds(5)).untilAsserted(() -> assertThat(replays("delivered") - delivered)
                .isEqualTo(2.0));
    }

    @Test
    void twoConcurrentReplaysOfOneLetterAreTwoReplaysEachOnce() throws Exception {
        String conversation = SampleResults.conversationId();
        String id = deadLetterOf(conversation, SampleResults.classification(conversation, "replay-endpoint"))
                .getString("id");
        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo(RECEIVER)).willReturn(aResponse().withStatus(200)));

        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> replay(id).getString("outcome"));
            var second = pool.submit(() -> replay(id).getString("outcome"));
            assertThat(List.of(first.get(), second.get())).containsExactly("delivered", "delivered");
        } finally {
            pool.shutdownNow();
        }
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(RECEIVER)))).hasSize(2);
        assertThat(events.readKey(REPLAYS, id)).hasSize(2);
    }

    @Test
    void aReplayWhoseReceiverStillFailsAnswersFailedOnceAndWritesNoNewLetter() {
        String conversation = SampleResults.conversationId();
        String id = deadLetterOf(conversation, SampleResults.classification(conversation, "replay-endpoint"))
                .getString("id");
        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo(RECEIVER)).willReturn(aResponse().withStatus(503)));
        double failed = replays("failed");

        JsonPath answer = replay(id);
        assertThat(answer.getString("outcome")).isEqualTo("failed");
        assertThat(answer.getString("detail")).contains("HTTP 503");
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(RECEIVER)))).as("one delivery's retries, no loop")
                .hasSize(5);
        assertThat(events.readKey(DEAD_LETTERS, conversation)).hasSize(1);
        assertThat(events.readKey(REPLAYS, id)).hasSize(1);
        assertThat(replays("failed") - failed).isEqualTo(1.0);
    }

    @Test
    void replayingAKafkaActionLeavesExactlyOneCommittedRecordPerRequest() {
        // A letter of the hint action of angry-customer-hint, as an earlier definition of the rule left it.
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "angry");
        ProducerRecord<String, byte[]> original = ResultEvents.record(topics.classification(), result);
        ConsumerRecord<String, byte[]> source = new ConsumerRecord<>(original.topic(), 0, 41L, original.key(),
                original.value());
        original.headers().forEach(header -> source.headers().add(header));
        events.publishRaw(DeadLetters.of(DEAD_LETTERS, source, "action failed: template error", "angry-customer-hint",
                "agent-assist", 0));
        String id = await().atMost(Waits.seconds(20)).until(() -> letterOf(conversation), l -> l != null)
                .getString("id");
        assertThat(events.readKey(HINTS, conversation)).isEmpty();

        assertThat(replay(id).getString("outcome")).isEqualTo("delivered");
        assertThat(events.readKey(HINTS, conversation)).hasSize(1);
        assertThat(replay(id).getString("outcome")).isEqualTo("delivered");
        List<ConsumerRecord<String, byte[]>> hints = events.readKey(HINTS, conversation);
        assertThat(hints).as("one committed hint per replay request").hasSize(2);
        assertThat(events.read(HINTS, r -> conversation.equals(r.key()), false))
                .as("nothing else written, committed or not").hasSize(2);
        assertThat(events.readKey(REPLAYS, id)).hasSize(2);
    }

    @Test
    void aLetterWithoutRuleOrWhoseRuleIsGoneIsSkippedWithTheReason() {
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "angry");
        ProducerRecord<String, byte[]> original = ResultEvents.record(topics.classification(), result);
        ConsumerRecord<String, byte[]> source = new ConsumerRecord<>(original.topic(), 0, 42L, original.key(),
                original.value());
        original.headers().forEach(header -> source.headers().add(header));
        events.publishRaw(DeadLetters.of(DEAD_LETTERS, source, "HTTP 500 after 5 attempts", "retired-rule",
                "workflow", 5));
        String gone = await().atMost(Waits.seconds(20)).until(() -> letterOf(conversation), l -> l != null)
                .getString("id");
        JsonPath answer = replay(gone);
        assertThat(answer.getString("outcome")).isEqualTo("skipped");
        assertThat(answer.getString("detail")).contains("retired-rule").contains("no longer");

        String unreadable = SampleResults.conversationId();
        events.publishRaw(new ProducerRecord<>(topics.classification(), null, unreadable,
                "{\"id\": \"truncated".getBytes(StandardCharsets.UTF_8), original.headers()));
        String noRule = await().atMost(Waits.seconds(30)).until(() -> letterOf(unreadable), l -> l != null)
                .getString("id");
        JsonPath skipped = replay(noRule);
        assertThat(skipped.getString("outcome")).isEqualTo("skipped");
        assertThat(skipped.getString("detail")).contains("names no rule");
        assertThat(events.readKey(HINTS, conversation)).isEmpty();
    }

    @Test
    void anUnknownPositionIs404AndAnIdThatDoesNotParseIs400() {
        Api.given().post("/api/dead-letters/0-999999999/replay").then().statusCode(404)
                .contentType(startsWith("application/problem+json")).body("status", equalTo(404));
        Api.given().post("/api/dead-letters/99-0/replay").then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        for (String id : List.of("abc", "0-x", "-1-5", "0-", "1-2-3", "99999999999-1")) {
            Api.given().post("/api/dead-letters/" + id + "/replay").then().statusCode(400)
                    .contentType(startsWith("application/problem+json"))
                    .body("detail", containsString("<partition>-<offset>"));
        }
    }

    @Test
    void withoutTheKeyBothEndpointsAre401() {
        RestAssured.given().get("/api/dead-letters").then().statusCode(401)
                .contentType(startsWith("application/problem+json"));
        RestAssured.given().post("/api/dead-letters/0-0/replay").then().statusCode(401);
        RestAssured.given().header("X-API-Key", "wrong").get("/api/dead-letters?limit=5").then().statusCode(401);
    }
}
