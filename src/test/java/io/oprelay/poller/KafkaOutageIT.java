package io.oprelay.poller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.SimulatorClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka goes away under a running relay and comes back on the same address with its data: meanwhile the relay stays
 * up, publishes nothing, and says in readiness and in the feed status why; afterwards it resumes by itself and every
 * result, including those created during the outage, is published exactly once.
 */
class KafkaOutageIT {

    private static final List<String> TOPICS = List.of("intelligence.operator-results.classification",
            "intelligence.operator-results.json", "intelligence.operator-results.text",
            "intelligence.operator-results.extraction", "intelligence.operator-results.other");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path data;

    private LocalKafkaBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void whileKafkaIsDownTheRelayHoldsItsPlaceSaysWhyAndResumesByItselfExactlyOnce() throws Exception {
        broker = new LocalKafkaBroker(LocalBrokers.config(RelayTestProfiles.freePortPair(), data), Optional.empty());
        broker.start();
        String bootstrap = broker.bootstrapServers();
        try (RelayProcess simulator = new RelayProcess("outage-simulator", Map.of(
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
                    "relay.routing.enabled", "false",
                    "relay.webhook.enabled", "false"));
            try (RelayProcess relay = new RelayProcess("outage-relay", settings).start()
                    .awaitReady(Duration.ofSeconds(60))) {
                Set<String> before = twilio.allIds();
                awaitPublishedExactlyOnce(bootstrap, before, Duration.ofSeconds(90));

                broker.stop();
                twilio.add(300);
                Set<String> all = twilio.allIds();
                assertThat(all).hasSize(1800);

                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    HttpResponse<String> ready = relay.get("/q/health/ready");
                    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                    assertThat(ready.body()).as("readiness names the failing part")
                            .containsPattern("(?s)\"name\"\\s*:\\s*\"Kafka\"\\s*,"
                                    + "\\s*\"status\"\\s*:\\s*\"DOWN\"");
                });
                assertThat(relay.alive()).as("the relay stays up while Kafka is away").isTrue();

                broker.start();
                relay.awaitReady(Duration.ofSeconds(120));
                awaitPublishedExactlyOnce(bootstrap, all, Duration.ofSeconds(120));
                JsonNode feed = MAPPER.readTree(relay.send("GET", "/api/feeds/default", null).body());
                assertThat(feed.path("kafkaHealthy").asBoolean()).as(feed.toString()).isTrue();
                assertThat(relay.alive()).isTrue();
            }
        }
    }

    private static void awaitPublishedExactlyOnce(String bootstrap, Set<String> expected, Duration within) {
        Map<String, Integer>[] counts = new Map[1];
        await().atMost(within).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
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
