package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record the router cannot handle goes to the dead-letter topic with the reason, and the records after it on the
 * same partition are routed: it neither stops the router thread nor makes the batch replay forever.
 */
@QuarkusTest
class RoutingPoisonRecordTest {

    static final String HINTS = "agent-assist.hints";
    static final Map<String, String> HTTP = Map.of("relay.actions.http.timeout", "1s",
            "relay.actions.http.initial-backoff", "20ms", "relay.actions.http.max-backoff", "100ms");
    static final String ANGRY_HINT = """
              - name: angry
                when: {label: angry}
                actions:
                  - {type: agent-assist, message: "{{label}}"}
            """;

    @Inject
    RouterTestParts parts;

    /** Publishes the poison record and then a result firing the hint rule; returns the dead letter and the hint. */
    private ConsumerRecord<String, byte[]> routeAndExpectDeadLetter(List<Rule> rules, ObjectNode poison)
            throws Exception {
        try (IsolatedRouter router = IsolatedRouter.start(parts, rules, HTTP);
             ResultEvents events = new ResultEvents(parts.kafka())) {
            String next = SampleResults.conversationId();
            events.publish(router.input, poison, SampleResults.classification(next, "angry"));

            await().atMost(Waits.seconds(20)).until(() -> events.readKey(HINTS, next).size() == 1);
            List<ConsumerRecord<String, byte[]>> dead = events.read(router.deadLetters, r -> true, true);
            assertThat(dead).hasSize(1);
            assertThat(ResultEvents.header(dead.get(0), CloudEventHeaders.ID)).isEqualTo(poison.get("id").asText());
            assertThat(ResultEvents.header(dead.get(0), DeadLetters.SOURCE_TOPIC)).isEqualTo(router.input);
            assertThat(router.worker.isRunning()).as("the router thread still runs").isTrue();
            assertThat(events.read(HINTS, r -> poison.get("conversationId").asText().equals(r.key()), true))
                    .as("nothing was published for the poison record").isEmpty();
            return dead.get(0);
        }
    }

    @Test
    void webhookRequestThatCannotBeBuiltIsDeadLetteredAndTheRouterKeepsRunning() throws Exception {
        WireMockServer wireMock = RoutingWebhookResource.server();
        wireMock.stubFor(post(urlEqualTo("/poison/header")).willReturn(aResponse().withStatus(200)));
        List<Rule> rules = parts.rules("isolated-router-test", """
                rules:
                  - name: header-webhook
                    when: {label: poison}
                    actions:
                      - {type: workflow, action: notify, kafka: false, url: "http://localhost:%d/poison/header"}
                """.formatted(wireMock.port()) + ANGRY_HINT);
        // The idempotency key is built from the result id: a CR/LF in it is an illegal header value.
        ObjectNode poison = SampleResults.classification(SampleResults.conversationId(), "poison");
        poison.put("id", poison.get("id").asText() + "\r\nX-Injected: yes");

        ConsumerRecord<String, byte[]> letter = routeAndExpectDeadLetter(rules, poison);
        assertThat(ResultEvents.header(letter, DeadLetters.RULE)).isEqualTo("header-webhook");
        assertThat(ResultEvents.header(letter, DeadLetters.ACTION)).isEqualTo("workflow");
        assertThat(ResultEvents.header(letter, DeadLetters.REASON)).contains("IllegalArgumentException");
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo("/poison/header")))).isEmpty();
    }

    @Test
    void recordWhoseConditionThrowsIsDeadLetteredAndTheRouterMovesOn() throws Exception {
        List<Rule> rules = new ArrayList<>(parts.rules("isolated-router-test", "rules:\n" + ANGRY_HINT));
        // A BETWEEN without its upper bound cannot come from a rules file; it stands for a condition that throws on
        // some records (here: those with a score).
        rules.add(0, new Rule("throwing-condition",
                new Condition.NumberAt("/score", Condition.Comparison.BETWEEN, 0.0, null),
                rules.get(0).actions()));
        ObjectNode poison = SampleResults.scored(SampleResults.conversationId(), 0.4, "has a score");

        ConsumerRecord<String, byte[]> letter = routeAndExpectDeadLetter(rules, poison);
        assertThat(ResultEvents.header(letter, DeadLetters.RULE)).isEqualTo("throwing-condition");
        assertThat(ResultEvents.header(letter, DeadLetters.REASON)).contains("NullPointerException");
    }

    @Test
    void outputAboveTheProducersMaxRequestSizeDeadLettersTheSourceInsteadOfReplayingTheBatch() throws Exception {
        List<Rule> rules = parts.rules("isolated-router-test", """
                rules:
                  - name: echo-twice
                    when: {format: JSON}
                    actions:
                      - {type: agent-assist, message: "{{result./explanation}} {{result./explanation}}"}
                """ + ANGRY_HINT);
        // 600 kB in, twice that in the hint: above the default max.request.size of 1 MiB, the source itself is not.
        ObjectNode poison = SampleResults.scored(SampleResults.conversationId(), 0.4, "x".repeat(600_000));

        ConsumerRecord<String, byte[]> letter = routeAndExpectDeadLetter(rules, poison);
        assertThat(ResultEvents.header(letter, DeadLetters.RULE)).isEqualTo("echo-twice");
        assertThat(ResultEvents.header(letter, DeadLetters.ACTION)).isEqualTo("agent-assist");
        assertThat(ResultEvents.header(letter, DeadLetters.REASON)).contains("max.request.size");
        assertThat(letter.value()).as("the dead letter keeps the original value").hasSizeGreaterThan(600_000);
    }
}
