package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A webhook receiver that answers its headers and never finishes its body cannot hold a partition. */
@QuarkusTest
class RoutingSlowWebhookTest {

    @Inject
    RouterTestParts parts;

    @Test
    void endpointThatStallsItsBodyIsDeadLetteredAndThePartitionMovesOn() throws Exception {
        try (StallingEndpoint endpoint = new StallingEndpoint()) {
            List<Rule> rules = parts.rules("isolated-router-test", """
                    rules:
                      - name: slow-receiver
                        when: {label: slow}
                        actions:
                          - {type: workflow, action: notify, kafka: false, url: "%s"}
                      - name: angry
                        when: {label: angry}
                        actions:
                          - {type: agent-assist, message: "{{label}}"}
                    """.formatted(endpoint.url("/slow")));
            try (IsolatedRouter router = IsolatedRouter.start(parts, rules,
                    Map.of("relay.actions.http.timeout", "1s", "relay.actions.http.max-attempts", "2",
                            "relay.actions.http.initial-backoff", "20ms", "relay.actions.http.max-backoff", "100ms"));
                 ResultEvents events = new ResultEvents(parts.kafka())) {
                ObjectNode slow = SampleResults.classification(SampleResults.conversationId(), "slow");
                String next = SampleResults.conversationId();
                events.publish(router.input, slow, SampleResults.classification(next, "angry"));

                // Two attempts of at most 1 s each and a short back-off: well within 15 s.
                List<ConsumerRecord<String, byte[]>> dead = await().atMost(Waits.seconds(15))
                        .until(() -> events.read(router.deadLetters, r -> true, true), list -> !list.isEmpty());
                assertThat(dead).hasSize(1);
                assertThat(ResultEvents.header(dead.get(0), DeadLetters.RULE)).isEqualTo("slow-receiver");
                assertThat(ResultEvents.header(dead.get(0), DeadLetters.ATTEMPTS)).isEqualTo("2");
                assertThat(ResultEvents.header(dead.get(0), DeadLetters.REASON)).contains("1s").contains("2 attempts");
                assertThat(ResultEvents.header(dead.get(0), io.oprelay.events.CloudEventHeaders.ID))
                        .isEqualTo(slow.get("id").asText());
                assertThat(events.readKey("agent-assist.hints", next)).as("the next record was routed").hasSize(1);
                assertThat(endpoint.requests()).isEqualTo(2);
                await().atMost(Waits.seconds(5)).untilAsserted(() -> assertThat(endpoint.closedByClient())
                        .as("each stalled connection is closed by the relay, not left reading").isEqualTo(2));
                assertThat(router.worker.isRunning()).isTrue();
            }
        }
    }
}
