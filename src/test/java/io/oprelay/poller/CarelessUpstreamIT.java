package io.oprelay.poller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.CarelessResults;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay against what a careless upstream sends: in the middle of a backlog, a result dated in 2099 and a
 * 3 MB result (above the 2 MiB records this relay is set to write). Each is published exactly once, the large one as
 * its claim-check; the feed goes on with later results; the meters say what happened.
 */
class CarelessUpstreamIT {

    private static final List<String> TOPICS = List.of("intelligence.operator-results.classification",
            "intelligence.operator-results.json", "intelligence.operator-results.text",
            "intelligence.operator-results.extraction", "intelligence.operator-results.other");
    private static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
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
    void aFutureDatedAndAnOversizeResultAreEachPublishedOnceAndTheFeedGoesOn() throws Exception {
        broker = new LocalKafkaBroker(LocalBrokers.config(RelayTestProfiles.freePortPair(), data), Optional.empty());
        broker.start();
        String bootstrap = broker.bootstrapServers();
        try (RelayProcess simulator = new RelayProcess("careless-simulator", Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "relay.simulator.enabled", "true",
                "relay.simulator.backlog", "0",
                "relay.simulator.rate", "0",
                "relay.topics.max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES),
                "relay.poller.enabled", "false",
                "relay.routing.enabled", "false")).start().awaitReady(Duration.ofSeconds(60))) {
            SimulatorClient twilio = new SimulatorClient(simulator.baseUrl() + "/simulator");
            twilio.add(40);
            String templateId = twilio.addOne("TEXT");
            String template = twilio.result(templateId);
            String future = CarelessResults.datedAt(template, Instant.parse("2099-01-01T00:00:00Z"));
            twilio.addRaw(future);
            String huge = CarelessResults.withTextOfSize(template, 3 * 1024 * 1024);
            twilio.addRaw(huge);
            twilio.add(40);
            Set<String> backlog = twilio.allIds();
            assertThat(backlog).hasSize(83);

            try (RelayProcess relay = new RelayProcess("careless-relay", Map.of(
                    "kafka.bootstrap.servers", bootstrap,
                    "relay.twilio.base-url", twilio.baseUrl(),
                    "relay.twilio.username", "SKtest",
                    "relay.twilio.password", "test-secret",
                    "relay.topics.max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES),
                    "relay.poller.page-size", "25",
                    "relay.poller.interval", "1S",
                    "relay.routing.enabled", "false",
                    "relay.webhook.enabled", "false")).start().awaitReady(Duration.ofSeconds(60))) {
                Map<String, List<ConsumerRecord<String, byte[]>>> published =
                        awaitPublished(bootstrap, backlog, Duration.ofSeconds(90));
                assertThat(published.values()).as("every result once")
                        .allSatisfy(events -> assertThat(events).hasSize(1));
                String hugeId = CarelessResults.idOf(huge);
                ConsumerRecord<String, byte[]> claim = published.get(hugeId).get(0);
                assertThat(EventContract.header(claim, "ce_id")).isEqualTo(hugeId + ":oversize");
                assertThat(EventContract.header(claim, "ce_type"))
                        .isEqualTo("io.oprelay.operatorresult.text.oversize.v1");
                JsonNode value = EventContract.parse(claim.value());
                assertThat(value.path("id").asText()).isEqualTo(hugeId);
                assertThat(value.path("size").asLong()).isEqualTo(huge.getBytes(StandardCharsets.UTF_8).length);
                assertThat(relay.get("/api/operator-results/" + hugeId).statusCode()).isEqualTo(200);
                EventContract.assertValidResultEvent(published.get(CarelessResults.idOf(future)).get(0), "poll");

                // The feed goes on: a stale result listed among newer ones is counted and left out; later ones arrive.
                String stale = CarelessResults.datedAt(template, Instant.now().minus(Duration.ofDays(1)));
                twilio.addRaw(stale);
                twilio.add(20);
                Set<String> later = twilio.allIds();
                later.remove(CarelessResults.idOf(stale));
                Map<String, List<ConsumerRecord<String, byte[]>>> afterLater =
                        awaitPublished(bootstrap, later, Duration.ofSeconds(60));
                assertThat(afterLater).doesNotContainKey(CarelessResults.idOf(stale));
                assertThat(afterLater.values()).allSatisfy(events -> assertThat(events).hasSize(1));

                JsonNode feed = MAPPER.readTree(relay.get("/api/feeds/default").body());
                assertThat(feed.path("kafkaHealthy").asBoolean()).as(feed.toString()).isTrue();
                assertThat(feed.path("errors").asLong()).as(feed.toString()).isZero();
                String metrics = relay.get("/q/metrics").body();
                assertThat(counter(metrics, "relay_poller_future_dated_total", "feed=\"default\"")).isEqualTo(1);
                assertThat(counter(metrics, "relay_workers_running", "worker=\"feed\""))
                        .as("the worker gauge the alerts read").isEqualTo(1);
                assertThat(counter(metrics, "relay_results_oversize_total", "format=\"text\"")).isEqualTo(1);
                assertThat(counter(metrics, "relay_poller_skipped_total", "reason=\"older-than-window\""))
                        .isEqualTo(1);
                assertThat(maxMessageBytes(bootstrap)).as("the topics it created take what it sends")
                        .containsOnly(String.valueOf(MAX_MESSAGE_BYTES));
            }
        }
    }

    /** Waits until every id is on the topics; answers the events by result id (a claim-check counts for its result). */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> awaitPublished(String bootstrap,
                                                                                  Set<String> expected,
                                                                                  Duration within) {
        Map<String, List<ConsumerRecord<String, byte[]>>>[] last = new Map[1];
        await().atMost(Waits.scaled(within)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, List<ConsumerRecord<String, byte[]>>> byId = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(bootstrap, TOPICS)) {
                String id = EventContract.header(record, "ce_id").replaceFirst(":oversize$", "");
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(record);
            }
            last[0] = byId;
            assertThat(byId.keySet()).containsAll(expected);
        });
        return last[0];
    }

    /** The value of one counter in a Prometheus scrape, the one whose labels include {@code label}; 0 if absent. */
    private static double counter(String scrape, String name, String label) {
        // A sample may end with an OpenMetrics exemplar ("# {trace_id=...} 1.0 <time>") when it was counted in a span.
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)(?:\\s+#.*)?$")
                .matcher(scrape);
        while (line.find()) {
            if (line.group(1).contains(label)) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }

    private static List<String> maxMessageBytes(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<ConfigResource> resources = TOPICS.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            return admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS).values().stream()
                    .map(config -> config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()).toList();
        }
    }
}
