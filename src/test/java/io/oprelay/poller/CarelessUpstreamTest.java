package io.oprelay.poller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CarelessResults;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OperatorResultParser;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * What a careless upstream sends cannot stop or skew the feed: a result dated in 2099 and a result larger than its
 * topic takes, in the middle of a backlog. Every result is published exactly once (the large one as its claim-check),
 * later results still are, by the poll and by a push, and the meters count what happened. A result without a
 * conversation or a creation time is published too (keyed by its id, without {@code ce_subject} or {@code ce_time}).
 */
@QuarkusTest
@TestProfile(CarelessUpstreamTest.SmallRecords.class)
class CarelessUpstreamTest {

    static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
    static final String PREFIX = "careless.operator-results.";

    /** Records up to 2 MiB, and result topics of their own (created by this app with that limit). */
    public static class SmallRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("relay.topics.max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES));
            for (OutputFormat format : OutputFormat.values()) {
                config.put("relay.topics." + format.slug(), PREFIX + format.slug());
            }
            return config;
        }
    }

    @Inject
    Simulator simulator;
    @Inject
    MeterRegistry registry;
    @Inject
    KafkaClients clients;
    @Inject
    PollerService poller;

    private static List<String> resultTopics() {
        return List.of(OutputFormat.values()).stream().map(f -> PREFIX + f.slug()).toList();
    }

    private double count(String meter, String... tags) {
        Counter counter = registry.find(meter).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Published events by result id (a claim-check counts for its result). */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> publishedByResult() {
        Map<String, List<ConsumerRecord<String, byte[]>>> byId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(),
                resultTopics())) {
            String id = EventContract.header(record, "ce_id").replaceFirst(":oversize$", "");
            byId.computeIfAbsent(id, k -> new ArrayList<>()).add(record);
        }
        return byId;
    }

    private static Map<String, List<ConsumerRecord<String, byte[]>>> awaitPublished(Set<String> ids) {
        given().post("/api/feeds/default/sweep");
        Map<String, List<ConsumerRecord<String, byte[]>>>[] last = new Map[1];
        await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            last[0] = publishedByResult();
            assertThat(last[0].keySet()).containsAll(ids);
        });
        return last[0];
    }

    @Test
    void aFutureDatedAndAnOversizeResultInTheBacklogAreEachPublishedOnceAndTheFeedGoesOn() throws Exception {
        double futureBefore = count("relay.poller.future-dated", "feed", "default");
        double oversizeBefore = count("relay.results.oversize", "format", "text");
        double olderBefore = count("relay.poller.skipped", "feed", "default", "reason", "older-than-window");

        List<String> before = simulator.add(30);
        String template = new String(simulator.find(simulator.add(1, Set.of(OutputFormat.TEXT), null).get(0))
                .orElseThrow().json(), StandardCharsets.UTF_8);
        String future = simulator.put(CarelessResults.datedAt(template, Instant.parse("2099-01-01T00:00:00Z"))
                .getBytes(StandardCharsets.UTF_8));
        byte[] hugeJson = CarelessResults.withTextOfSize(template, 3 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);
        String huge = simulator.put(hugeJson);
        List<String> after = simulator.add(30);

        Set<String> all = Set.copyOf(simulator.ids());
        assertThat(all).contains(future, huge).containsAll(before).containsAll(after);
        Map<String, List<ConsumerRecord<String, byte[]>>> published = awaitPublished(all);

        assertThat(published.values()).as("every result once").allSatisfy(events -> assertThat(events).hasSize(1));
        ConsumerRecord<String, byte[]> claim = published.get(huge).get(0);
        assertThat(EventContract.header(claim, "ce_id")).isEqualTo(huge + ":oversize");
        assertThat(EventContract.header(claim, "ce_type")).isEqualTo("io.oprelay.operatorresult.text.oversize.v1");
        assertThat(EventContract.header(claim, "ce_dataschema"))
                .isEqualTo("https://schemas.oprelay.io/io.oprelay.operatorresult.oversize.v1.json");
        assertThat(claim.topic()).isEqualTo(PREFIX + "text");
        JsonNode value = EventContract.parse(claim.value());
        assertThat(value.path("id").asText()).isEqualTo(huge);
        assertThat(value.path("outputFormat").asText()).isEqualTo("TEXT");
        assertThat(value.path("size").asLong()).isEqualTo(hugeJson.length);
        assertThat(claim.key()).isEqualTo(EventContract.parse(hugeJson).path("conversationId").asText());
        EventContract.assertValidResultEvent(published.get(future).get(0), "poll");
        given().get("/api/operator-results/" + huge).then().statusCode(200);

        // The feed goes on: later results by the poll, a stale one counted and left out, a new one by a push.
        String stale = simulator.put(CarelessResults.datedAt(template, Instant.now().minus(Duration.ofDays(1)))
                .getBytes(StandardCharsets.UTF_8));
        List<String> later = simulator.add(10);
        Map<String, List<ConsumerRecord<String, byte[]>>> afterLater = awaitPublished(Set.copyOf(later));
        assertThat(afterLater).doesNotContainKey(stale);
        byte[] pushedJson = CarelessResults.datedAt(template, Instant.now()).getBytes(StandardCharsets.UTF_8);
        PollerService.PushResult pushed = poller.push(List.of(new OperatorResultParser().parseOne(pushedJson)),
                Duration.ofSeconds(10), Integer.MAX_VALUE);
        assertThat(pushed.published()).as("a new result pushed after the 2099 one is published").isEqualTo(1);

        Map<String, List<ConsumerRecord<String, byte[]>>> finalState = publishedByResult();
        assertThat(finalState.values()).allSatisfy(events -> assertThat(events).hasSize(1));
        assertThat(finalState).containsKey(CarelessResults.idOf(new String(pushedJson, StandardCharsets.UTF_8)));
        given().get("/api/feeds/default").then().statusCode(200)
                .body("kafkaHealthy", equalTo(true)).body("errors", equalTo(0));
        assertThat(count("relay.poller.future-dated", "feed", "default") - futureBefore).isEqualTo(1);
        assertThat(count("relay.results.oversize", "format", "text") - oversizeBefore).isEqualTo(1);
        assertThat(count("relay.poller.skipped", "feed", "default", "reason", "older-than-window") - olderBefore)
                .as("the stale result, listed among newer ones, is counted once").isEqualTo(1);
    }

    /** The one committed record of the result topics whose {@code ce_id} is {@code eventId}, once it is there. */
    private static ConsumerRecord<String, byte[]> awaitEvent(String eventId) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            found.clear();
            for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(
                    KafkaBrokerResource.bootstrapServers(), resultTopics())) {
                if (eventId.equals(EventContract.header(record, "ce_id"))) {
                    found.add(record);
                }
            }
            assertThat(found).as("events with ce_id %s", eventId).hasSize(1);
        });
        return found.get(0);
    }

    @Test
    void aResultWithoutConversationOrCreationTimeIsKeyedByItsIdWithoutSubjectOrTime() throws Exception {
        String template = new String(simulator.find(simulator.add(1, Set.of(OutputFormat.TEXT), null).get(0))
                .orElseThrow().json(), StandardCharsets.UTF_8);
        ObjectNode bare = (ObjectNode) EventContract.parse(CarelessResults.datedAt(template, Instant.now())
                .getBytes(StandardCharsets.UTF_8));
        bare.remove("conversationId");
        bare.remove("dateCreated");
        byte[] json = bare.toString().getBytes(StandardCharsets.UTF_8);
        String id = bare.path("id").asText();
        await().atMost(Waits.seconds(60)).until(() -> poller.runsHere("default"));

        PollerService.PushResult pushed = poller.push(List.of(new OperatorResultParser().parseOne(json)),
                Duration.ofSeconds(10), Integer.MAX_VALUE);

        assertThat(pushed.published()).isEqualTo(1);
        ConsumerRecord<String, byte[]> record = awaitEvent(id);
        assertThat(record.key()).as("keyed by its own id").isEqualTo(id);
        assertThat(record.headers().lastHeader("ce_subject")).as("no ce_subject").isNull();
        assertThat(record.headers().lastHeader("ce_time")).as("no ce_time").isNull();
        assertThat(EventContract.header(record, "ce_relaypath")).isEqualTo("webhook");
        assertThat(record.value()).as("the value as it came").isEqualTo(json);
    }

    @Test
    void aDeletionEventCarriesNoRelayPath() {
        String id = simulator.add(1, Set.of(OutputFormat.TEXT), null).get(0);
        JsonNode result = EventContract.parse(simulator.find(id).orElseThrow().json());

        given().delete("/api/operator-results/" + id).then().statusCode(204);

        ConsumerRecord<String, byte[]> deletion = awaitEvent(id + ":deleted");
        assertThat(deletion.headers().lastHeader("ce_relaypath")).as("no ce_relaypath").isNull();
        assertThat(deletion.key()).isEqualTo(result.path("conversationId").asText());
        assertThat(EventContract.header(deletion, "ce_subject")).isEqualTo(result.path("conversationId").asText());
        assertThat(Instant.parse(EventContract.header(deletion, "ce_time")))
                .isEqualTo(Instant.parse(result.path("dateCreated").asText()));
        assertThat(EventContract.header(deletion, "ce_type")).isEqualTo("io.oprelay.operatorresult.text.deleted.v1");
    }

    @Test
    void theResultTopicsTakeRecordsAsLargeAsTheProducerSends() throws Exception {
        try (Admin admin = clients.admin("test-topic-limits")) {
            List<ConfigResource> resources = resultTopics().stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            await().atMost(Waits.seconds(30)).untilAsserted(() -> {
                var configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
                assertThat(configs).hasSize(resources.size());
                configs.values().forEach(config -> assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
                        .isEqualTo(String.valueOf(MAX_MESSAGE_BYTES)));
            });
        }
        assertThat(clients.maxRecordBytes()).isEqualTo(MAX_MESSAGE_BYTES);
    }
}
