package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.HeldWebhook;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A router-only relay is SIGKILLed while a batch is inside its transaction (its hints written but not committed, held
 * there by a slow webhook). A replacement with a different instance id reuses the dead one's transactional-id slot,
 * so its {@code initTransactions()} aborts the open transaction at once: a {@code read_committed} reader gets every
 * hint, exactly once, within seconds instead of after the broker's transaction timeout (60 s by default).
 */
class RouterSigkillIT {

    private static final String RESULTS = "intelligence.operator-results.classification";
    private static final String HINTS = "agent-assist.hints";
    private static final int RESULT_COUNT = 40;
    private static final Duration BOUND = Duration.ofSeconds(15);

    @TempDir
    Path data;

    @RegisterExtension
    final LocalBrokers kafka = new LocalBrokers();

    @Test
    void aReplacementRouterAbortsTheTransactionOfAKilledOneAtOnceAndEveryHintArrivesOnce() throws Exception {
        String bootstrap = kafka.bootstrap();
        try (HeldWebhook webhook = new HeldWebhook(Duration.ofSeconds(60));
             RelayProcess first = router("router-a", bootstrap, webhook).start()
                     .awaitReady(Duration.ofSeconds(60))) {
            webhook.hold();
            Set<String> expected = new HashSet<>();
            try (ResultEvents results = new ResultEvents(Map.of("bootstrap.servers", bootstrap))) {
                ObjectNode[] batch = new ObjectNode[RESULT_COUNT];
                for (int i = 0; i < RESULT_COUNT; i++) {
                    batch[i] = SampleResults.classification(SampleResults.ttid("conv_conversation"), "angry");
                    expected.add(batch[i].get("id").asText());
                }
                results.publish(RESULTS, batch);
            }
            // The batch is inside its transaction: hints written (read_uncommitted sees them), none committed.
            await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(webhook.waiting()).isPositive();
                assertThat(CommittedReader.readAll(bootstrap, List.of(HINTS), "read_uncommitted")).isNotEmpty();
            });
            assertThat(CommittedReader.readAll(bootstrap, List.of(HINTS))).as("nothing committed yet").isEmpty();

            first.kill();
            webhook.release();

            try (RelayProcess second = router("router-b", bootstrap, webhook).start()
                    .awaitReady(Duration.ofSeconds(60))) {
                long readyAt = System.nanoTime();
                await().atMost(Waits.scaled(BOUND)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                        assertThat(CommittedReader.countByField(bootstrap, HINTS, "resultId").keySet())
                                .containsAll(expected));
                Duration took = Duration.ofNanos(System.nanoTime() - readyAt);
                assertThat(took).as("well under the 60 s transaction timeout").isLessThan(Waits.scaled(BOUND));

                Map<String, Integer> hints = CommittedReader.countByField(bootstrap, HINTS, "resultId");
                assertThat(hints.keySet()).isEqualTo(expected);
                assertThat(hints.values()).as("every hint exactly once").allMatch(count -> count == 1);
                assertThat(CommittedReader.readAll(bootstrap, List.of(HINTS), "read_uncommitted"))
                        .as("the killed router's hints are still in the log, aborted")
                        .hasSizeGreaterThan(hints.size());
                assertThat(second.get("/q/health/ready").body()).contains("relay-router-0");
            }
        }
    }

    /** A router-only relay (no poller, no simulator) whose one rule posts every hint to {@code webhook} too. */
    private RelayProcess router(String instance, String bootstrap, HeldWebhook webhook) throws Exception {
        Path rules = data.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - name: every-classification
                    when: { format: CLASSIFICATION }
                    actions:
                      - type: agent-assist
                        message: "{{resultId}}"
                        webhook: "%s"
                """.formatted(webhook.url("/hints")));
        return new RelayProcess(instance, Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", bootstrap),
                Map.entry("relay.poller.enabled", "false"),
                Map.entry("relay.webhook.enabled", "false"),
                Map.entry("relay.routing.instance-id", instance),
                Map.entry("relay.routing.rules-file", rules.toString()),
                Map.entry("relay.routing.poll.session-timeout", "6s"),
                Map.entry("relay.routing.slots.session-timeout", "6s"),
                Map.entry("relay.actions.require-https", "false"),
                Map.entry("relay.actions.webhook-allow-list", "localhost"),
                Map.entry("relay.actions.signing-secret", "sigkill-signing-secret"),
                Map.entry("relay.actions.http.timeout", "60s")));
    }
}
