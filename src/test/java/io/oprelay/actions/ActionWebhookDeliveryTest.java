package io.oprelay.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.TopicsConfig;
import io.oprelay.routing.DeadLetters;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.RoutingWebhookResource;
import io.oprelay.routing.SampleResults;
import io.oprelay.support.Api;
import io.oprelay.support.Meters;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Workflow and hint webhooks: signed, retried with a stable idempotency key, dead-lettered when they keep failing. */
@QuarkusTest
class ActionWebhookDeliveryTest {

    static final String SECRET = "test-signing-secret";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    TopicsConfig topics;

    @Inject
    MeterRegistry registry;

    ResultEvents events;
    WireMockServer wireMock;

    @BeforeEach
    void open() {
        events = new ResultEvents(kafka);
        wireMock = RoutingWebhookResource.server();
        wireMock.resetAll();
    }

    @AfterEach
    void close() {
        events.close();
    }

    private static void assertSigned(LoggedRequest request) throws Exception {
        assertThat(ActionSignatureTest.verify(SECRET, request.getHeader(WebhookSigner.TIMESTAMP_HEADER),
                request.getHeader(WebhookSigner.SIGNATURE_HEADER), request.getBody(),
                System.currentTimeMillis() / 1000)).as("signature verifies").isTrue();
    }

    @Test
    void endpointFailingThreeTimesThenSucceedingGetsOneSuccessfulDeliveryWithAStableKey() throws Exception {
        String path = "/workflow/flaky";
        String[] states = {Scenario.STARTED, "failed-1", "failed-2", "failed-3"};
        for (int i = 0; i < 3; i++) {
            wireMock.stubFor(post(urlEqualTo(path)).inScenario("flaky").whenScenarioStateIs(states[i])
                    .willReturn(aResponse().withStatus(503)).willSetStateTo(states[i + 1]));
        }
        wireMock.stubFor(post(urlEqualTo(path)).inScenario("flaky").whenScenarioStateIs("failed-3")
                .willReturn(aResponse().withStatus(202)).willSetStateTo("delivered"));
        wireMock.stubFor(post(urlEqualTo(path)).inScenario("flaky").whenScenarioStateIs("delivered")
                .willReturn(aResponse().withStatus(409)));

        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "flaky-endpoint");
        events.publish(topics.classification(), result);

        await().atMost(Waits.seconds(20))
                .until(() -> wireMock.findAll(postRequestedFor(urlEqualTo(path))).size() >= 4);
        // A later result on the same partition is routed only after this batch committed.
        events.publish(topics.classification(), SampleResults.classification(conversation, "angry"));
        await().atMost(Waits.seconds(20)).until(() -> events.readKey("agent-assist.hints", conversation).size() == 1);

        List<LoggedRequest> requests = wireMock.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(requests).hasSize(4);
        String key = result.get("id").asText() + ":flaky-workflow";
        assertThat(requests).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo(key));
        assertThat(requests).extracting(LoggedRequest::getBodyAsString).containsOnly(requests.get(0).getBodyAsString());
        for (LoggedRequest request : requests) {
            assertSigned(request);
        }
        var command = SampleResults.MAPPER.readTree(requests.get(0).getBody());
        assertThat(command.get("action").asText()).isEqualTo("open-ticket");
        assertThat(command.get("resultId").asText()).isEqualTo(result.get("id").asText());
        assertThat(events.readKey("relay.routing.dead-letters", conversation)).isEmpty();
        assertThat(events.readKey("workflow.actions", conversation)).as("kafka: false").isEmpty();
    }

    @Test
    void alwaysFailingEndpointEndsInTheDeadLetterTopicWithTheReasonAndRoutingMovesOn() throws Exception {
        String path = "/workflow/dead";
        double deadLetteredBefore = deadLettered();
        wireMock.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(500)));
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "dead-endpoint");
        events.publish(topics.classification(), result);
        events.publish(topics.classification(), SampleResults.classification(conversation, "angry"));

        List<ConsumerRecord<String, byte[]>> dead = await().atMost(Waits.seconds(30))
                .until(() -> events.readKey("relay.routing.dead-letters", conversation), list -> !list.isEmpty());
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo(result.toString());
        assertThat(ResultEvents.header(letter, CloudEventHeaders.ID)).isEqualTo(result.get("id").asText());
        assertThat(ResultEvents.header(letter, CloudEventHeaders.RELAY_PATH)).isEqualTo("poll");
        assertThat(ResultEvents.header(letter, DeadLetters.REASON)).isEqualTo("HTTP 500 after 5 attempts");
        assertThat(ResultEvents.header(letter, DeadLetters.RULE)).isEqualTo("dead-workflow");
        assertThat(ResultEvents.header(letter, DeadLetters.ACTION)).isEqualTo("workflow");
        assertThat(ResultEvents.header(letter, DeadLetters.ATTEMPTS)).isEqualTo("5");
        assertThat(ResultEvents.header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.classification());
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(path)))).hasSize(5);

        await().atMost(Waits.seconds(20)).until(() -> events.readKey("agent-assist.hints", conversation).size() == 1);
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("Routing webhooks"))
                .body(containsString("http://localhost:" + wireMock.port() + " (rule dead-workflow)"))
                .body(containsString("HTTP 500"));
        await().atMost(Waits.seconds(10)).untilAsserted(() -> assertThat(deadLettered() - deadLetteredBefore)
                .as("workflow actions dead-lettered by this test").isEqualTo(1.0));
    }

    private double deadLettered() {
        return Meters.count(registry, "relay.routing.actions", "action", "workflow", "outcome", "dead-lettered");
    }

    @Test
    void failingEndpointIsNamedByHostAndRuleNeverBySecretsInItsPathOrQuery() throws Exception {
        String path = "/services/T0SECRET/B0SECRET/pathsecret";
        wireMock.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(404)));
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger routerLog = java.util.logging.Logger.getLogger("io.oprelay.routing.WebhookWaits");
        routerLog.addHandler(capture);
        String reason;
        try {
            String conversation = SampleResults.conversationId();
            events.publish(topics.classification(), SampleResults.classification(conversation, "secret-endpoint"));
            List<ConsumerRecord<String, byte[]>> dead = await().atMost(Waits.seconds(20))
                    .until(() -> events.readKey("relay.routing.dead-letters", conversation), list -> !list.isEmpty());
            reason = ResultEvents.header(dead.get(0), DeadLetters.REASON);
            assertThat(reason).startsWith("HTTP 404");
            await().atMost(Waits.seconds(5))
                    .until(() -> warnings.stream().anyMatch(w -> w.contains("secret-workflow")));
        } finally {
            routerLog.removeHandler(capture);
        }
        String endpoint = "http://localhost:" + wireMock.port();
        String health = given().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertThat(health).contains(endpoint + " (rule secret-workflow)").contains("HTTP 404");
        String rules = Api.given().get("/api/routing/rules").then().statusCode(200).extract().asString();
        assertThat(rules).contains(endpoint);
        for (String output : List.of(health, rules, reason, String.join("\n", warnings))) {
            assertThat(output).doesNotContain("SECRET").doesNotContain("pathsecret").doesNotContain("querysecret");
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(endpoint).contains("secret-workflow"));
    }

    @Test
    void hintWebhookIsSignedAndCarriesTheHint() throws Exception {
        wireMock.stubFor(post(urlEqualTo("/hints")).willReturn(aResponse().withStatus(200)));
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "webhook-hint");
        events.publish(topics.classification(), result);

        await().atMost(Waits.seconds(20))
                .until(() -> wireMock.findAll(postRequestedFor(urlEqualTo("/hints"))).size() == 1);
        LoggedRequest request = wireMock.findAll(postRequestedFor(urlEqualTo("/hints"))).get(0);
        assertSigned(request);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        var hint = SampleResults.MAPPER.readTree(request.getBody());
        assertThat(hint.get("message").asText()).isEqualTo("webhook-hint for " + conversation);
        assertThat(hint.get("rule").asText()).isEqualTo("hint-webhook");
        await().atMost(Waits.seconds(20)).until(() -> events.readKey("agent-assist.hints", conversation).size() == 1);
        assertThat(events.readKey("agent-assist.hints", conversation).get(0).value()).isEqualTo(request.getBody());
    }
}
