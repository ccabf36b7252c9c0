package io.oprelay.poller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.HeldWebhook;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka goes away under a running relay (routing on, a router batch held open by a slow webhook) for longer than the
 * router's {@code max.block.ms} and transaction timeout, and comes back on the same address with its data: meanwhile
 * the relay stays up, publishes nothing, says in readiness why and stays live; afterwards it resumes by itself, every
 * result, including those created during the outage, is published exactly once, and every expected hint and command
 * is on its topic exactly once.
 */
class KafkaOutageIT {

    private static final List<String> TOPICS = List.of("intelligence.operator-results.classification",
            "intelligence.operator-results.json", "intelligence.operator-results.text",
            "intelligence.operator-results.extraction", "intelligence.operator-results.other");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HINTS = "agent-assist.hints";
    private static final String COMMANDS = "workflow.actions";
    /** The router's producers give up on Kafka after this, and the broker aborts their transactions after that. */
    private static final Duration MAX_BLOCK = Duration.ofSeconds(3);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(8);

    @TempDir
    Path data;

    @RegisterExtension
    final LocalBrokers kafka = new LocalBrokers();

    @Test
    void whileKafkaIsDownTheRelayHoldsItsPlaceSaysWhyAndResumesByItselfExactlyOnce() throws Exception {
        LocalKafkaBroker broker = kafka.broker();
        String bootstrap = kafka.bootstrap();
        try (HeldWebhook webhook = new HeldWebhook(Duration.ofSeconds(30));
             RelayProcess simulator = new RelayProcess("outage-simulator", Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "relay.simulator.enabled", "true",
                "relay.simulator.backlog", "1500",
                "relay.simulator.rate", "0",
                "relay.poller.enabled", "false",
                "relay.routing.enabled", "false")).start().awaitReady(Duration.ofSeconds(60))) {
            SimulatorClient twilio = new SimulatorClient(simulator.baseUrl() + "/simulator");
            Map<String, String> settings = new HashMap<>(Map.of(
                    "kafka.bootstrap.servers", bootstrap,
                    "relay.twilio.base-url", twilio.baseUrl(),
                    "relay.twilio.username", "SKtest",
                    "relay.twilio.password", "test-secret",
                    "relay.poller.page-size", "250",
                    "relay.poller.interval", "1S",
                    "relay.webhook.enabled", "false"));
            settings.putAll(routing(webhook, data.resolve("rules.yaml")));
            try (RelayProcess relay = new RelayProcess("outage-relay", settings).start()
                    .awaitReady(Duration.ofSeconds(60))) {
                Set<String> before = twilio.allIds();
                awaitPublishedExactlyOnce(bootstrap, before, Duration.ofSeconds(90));
                awaitRoutedExactlyOnce(bootstrap, Duration.ofSeconds(60));

                // A router batch inside its transaction when Kafka goes: its webhooks wait until Kafka is gone.
                webhook.hold();
                twilio.add(100);
                await().atMost(Waits.seconds(30)).until(() -> webhook.waiting() > 0);
                broker.stop();
                long stoppedAt = System.nanoTime();
                twilio.add(300);
                Set<String> all = twilio.allIds();
                assertThat(all).hasSize(1900);

                await().atMost(Waits.seconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    HttpResponse<String> ready = relay.get("/q/health/ready");
                    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                    assertThat(ready.body()).as("readiness names the failing part")
                            .containsPattern("(?s)\"name\"\\s*:\\s*\"Kafka\"\\s*,"
                                    + "\\s*\"status\"\\s*:\\s*\"DOWN\"");
                });
                webhook.release();
                // Longer than the router's max.block.ms and its transaction timeout: the commit of the held batch
                // times out, initTransactions() times out, and the worker rides it out: liveness stays UP.
                Duration outage = TRANSACTION_TIMEOUT.plus(MAX_BLOCK);
                await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThan(outage);
                    assertThat(routerKafkaFailures(relay)).as("the router met Kafka's failures").isPositive();
                    HttpResponse<String> live = relay.get("/q/health/live");
                    assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
                });
                assertThat(relay.alive()).as("the relay stays up while Kafka is away").isTrue();

                broker.start();
                relay.awaitReady(Duration.ofSeconds(120));
                awaitPublishedExactlyOnce(bootstrap, all, Duration.ofSeconds(120));
                awaitRoutedExactlyOnce(bootstrap, Duration.ofSeconds(60));
                HttpResponse<String> live = relay.get("/q/health/live");
                assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
                assertThat(relay.get("/q/health/ready").body()).as("the router thread never died")
                        .doesNotContain("restarting after").doesNotContain("stopped:");
                JsonNode feed = MAPPER.readTree(relay.send("GET", "/api/feeds/default", null).body());
                assertThat(feed.path("kafkaHealthy").asBoolean()).as(feed.toString()).isTrue();
                assertThat(relay.alive()).isTrue();
            }
        }
    }

    /** Routing on: every CLASSIFICATION result gives a hint (also POSTed to the webhook), every JSON one a command. */
    private static Map<String, String> routing(HeldWebhook webhook, Path rules) throws java.io.IOException {
        java.nio.file.Files.writeString(rules, """
                rules:
                  - name: every-classification
                    when: { format: CLASSIFICATION }
                    actions:
                      - type: agent-assist
                        message: "{{resultId}}"
                        webhook: "%s"
                  - name: every-json
                    when: { format: JSON }
                    actions:
                      - type: workflow
                        action: review
                """.formatted(webhook.url("/hints")));
        return Map.of(
                "relay.routing.enabled", "true",
                "relay.routing.rules-file", rules.toString(),
                "relay.routing.producer.max-block", MAX_BLOCK.toMillis() + "ms",
                "relay.routing.producer.transaction-timeout", TRANSACTION_TIMEOUT.toMillis() + "ms",
                "relay.actions.require-https", "false",
                "relay.actions.webhook-allow-list", "localhost",
                "relay.actions.signing-secret", "outage-signing-secret",
                "relay.actions.http.timeout", "40s");
    }

    /** Each CLASSIFICATION result committed has one hint, each JSON result one command, read_committed. */
    private static void awaitRoutedExactlyOnce(String bootstrap, Duration within) {
        await().atMost(Waits.scaled(within)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<String> classification = idsOn(bootstrap, TOPICS.get(0));
            Set<String> json = idsOn(bootstrap, TOPICS.get(1));
            Map<String, Integer> hints = CommittedReader.countByField(bootstrap, HINTS, "resultId");
            Map<String, Integer> commands = CommittedReader.countByField(bootstrap, COMMANDS, "resultId");
            assertThat(hints.keySet()).isEqualTo(classification);
            assertThat(commands.keySet()).isEqualTo(json);
            assertThat(hints.values()).as("one hint per result").allMatch(count -> count == 1);
            assertThat(commands.values()).as("one command per result").allMatch(count -> count == 1);
        });
    }

    private static Set<String> idsOn(String bootstrap, String topic) {
        Set<String> ids = new java.util.HashSet<>();
        for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(bootstrap, List.of(topic))) {
            ids.add(EventContract.header(record, "ce_id"));
        }
        return ids;
    }

    private static double routerKafkaFailures(RelayProcess relay) throws Exception {
        double total = 0;
        for (String line : relay.get("/q/metrics").body().split("\n")) {
            if (line.startsWith("relay_routing_kafka_failures_total")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static void awaitPublishedExactlyOnce(String bootstrap, Set<String> expected, Duration within) {
        Map<String, Integer>[] counts = new Map[1];
        await().atMost(Waits.scaled(within)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            counts[0] = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(bootstrap, TOPICS)) {
                counts[0].merge(EventContract.header(record, "ce_id"), 1, Integer::sum);
            }
            assertThat(counts[0].keySet()).containsAll(expected);
        });
        assertThat(counts[0].values()).as("every result once").allMatch(count -> count == 1);
        assertThat(counts[0]).hasSameSizeAs(expected);
    }
}
