package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.actions.EndpointHealth;
import io.oprelay.actions.WebhookSender;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog routed while a second router thread joins the group: the first one's transactions span several full
 * polls, and a rebalance in the middle of one aborts it and rewinds its partitions instead of committing records of
 * partitions that the other thread routes again. A read_committed reader sees every hint exactly once.
 */
@QuarkusTest
class RoutingRebalanceTest {

    private static final int RESULTS = 3_000;

    @Inject
    RouterTestParts parts;

    @Test
    void aThreadJoiningDuringABacklogLeavesEveryHintExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "routing-rebalance-" + run + ".results";
        try (Admin admin = Admin.create(parts.kafka())) {
            admin.createTopics(List.of(new NewTopic(input, 4, (short) 1))).all().get();
        }
        List<Rule> rules = parts.rules("rebalance-test", """
                rules:
                  - name: every-result
                    when: {all: []}
                    actions:
                      - {type: agent-assist, message: "{{label}}"}
                """);
        RoutingEngine engine = new RoutingEngine(rules, parts.mapper(), "routing-rebalance-" + run + ".dead-letters");
        List<ObjectNode> results = new ArrayList<>();
        for (int i = 0; i < RESULTS; i++) {
            results.add(SampleResults.classification(SampleResults.conversationId(), "angry"));
        }
        try (ResultEvents events = new ResultEvents(parts.kafka())) {
            for (int from = 0; from < RESULTS; from += 500) {
                events.publish(input, results.subList(from, from + 500).toArray(ObjectNode[]::new));
            }
        }
        Set<String> ids = results.stream().map(r -> r.get("id").asText()).collect(Collectors.toSet());

        RouterWorker first = worker(engine, input, run, 0);
        RouterWorker second = worker(engine, input, run, 1);
        first.start();
        try {
            await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> first.routed() > 0);
            assertThat(first.routed()).as("the second thread joins while a backlog is left").isLessThan(RESULTS);
            second.start();
            // The first thread may finish the backlog before the group has rebalanced: wait for the hand-over itself.
            await("the second thread took partitions over").atMost(Waits.seconds(60))
                    .pollInterval(Duration.ofMillis(20)).until(() -> !second.assignment().isEmpty());
            await().atMost(Waits.seconds(120)).until(() -> first.routed() + second.routed() >= RESULTS);
        } finally {
            first.stop();
            second.stop();
            first.awaitStopped(Waits.seconds(15));
            second.awaitStopped(Waits.seconds(15));
        }
        assertThat(first.routed() + second.routed()).as("no input record counted as routed twice")
                .isEqualTo(RESULTS);
        try (ResultEvents reader = new ResultEvents(parts.kafka())) {
            List<ConsumerRecord<String, byte[]>> hints = reader.read("agent-assist.hints",
                    r -> ids.contains(resultId(r)), true);
            assertThat(hints.stream().map(RoutingRebalanceTest::resultId)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    private RouterWorker worker(RoutingEngine engine, String input, String run, int slot) {
        RouterClients clients = RouterClients.of(parts.clients(), "routing-rebalance-" + run, 20,
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60));
        var config = TestConfigs.actions(Map.of());
        WebhookSender sender = new WebhookSender(config, parts.signer(), new EndpointHealth(config));
        return new RouterWorker("routing-rebalance-" + slot, clients, "routing-rebalance-" + run + "-" + slot,
                List.of(input), engine, sender, new RoutingMetrics(new SimpleMeterRegistry()), Duration.ofMillis(100));
    }

    private static String resultId(ConsumerRecord<String, byte[]> record) {
        try {
            return SampleResults.MAPPER.readTree(record.value()).path("resultId").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
