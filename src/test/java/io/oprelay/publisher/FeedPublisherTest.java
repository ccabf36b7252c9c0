package io.oprelay.publisher;

import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.twilio.SortOrder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The transactional publisher against a real broker: atomic pages, restore, fencing, segment merging. */
@QuarkusTest
class FeedPublisherTest {

    @Inject
    KafkaClients clients;
    @Inject
    TopicsConfig topics;
    @Inject
    TopicProvisioner provisioner;

    private String eventsTopic;

    @BeforeEach
    void topics() throws Exception {
        eventsTopic = "publisher-test-" + UUID.randomUUID();
        provisioner.ensureTopics(List.of(new NewTopic(eventsTopic, Optional.of(3), Optional.empty())));
    }

    private FeedPublisher publisher(String feed, int maxSegments) {
        return new FeedPublisher(feed, clients, topics, "test-", Duration.ofMinutes(10), maxSegments);
    }

    private ProducerRecord<String, byte[]> event(String id) {
        return new ProducerRecord<>(eventsTopic, "conv", ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static Checkpoint checkpoint(String feed, String token, Instant complete) {
        return new Checkpoint(feed, Optional.ofNullable(token), complete, Optional.empty(), SortOrder.NEWEST_FIRST,
                Map.of());
    }

    private List<String> committedEventIds() {
        return CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), List.of(eventsTopic)).stream()
                .map(ConsumerRecord::value).map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void commitsEventsAndCheckpointTogetherAndRestoresTheCheckpoint() {
        String feed = "restore-" + UUID.randomUUID();
        Instant now = Instant.parse("2026-06-08T20:41:53.788Z");
        try (FeedPublisher first = publisher(feed, 64)) {
            assertThat(first.open()).isEqualTo(Checkpoint.initial(feed));
            first.commit(List.of(event("a"), event("b")), checkpoint(feed, "tok-1", now),
                    Map.of("a", now.toEpochMilli(), "b", now.toEpochMilli()), Map::of);
        }
        try (FeedPublisher second = publisher(feed, 64)) {
            Checkpoint restored = second.open();
            assertThat(restored.resumeToken()).contains("tok-1");
            assertThat(restored.completeThrough()).isEqualTo(now);
            assertThat(restored.published()).containsOnlyKeys("a", "b");
        }
        await().untilAsserted(() -> assertThat(committedEventIds()).hasSize(2));
    }

    @Test
    void aSecondWriterOfTheSameFeedFencesTheFirst() {
        String feed = "fence-" + UUID.randomUUID();
        Instant now = Instant.now();
        try (FeedPublisher zombie = publisher(feed, 64); FeedPublisher owner = publisher(feed, 64)) {
            zombie.open();
            owner.open();
            assertThatThrownBy(() -> zombie.commit(List.of(event("from-zombie")), checkpoint(feed, "z", now),
                    Map.of("from-zombie", now.toEpochMilli()), Map::of)).isInstanceOf(FencedException.class);
            owner.commit(List.of(event("from-owner")), checkpoint(feed, "o", now),
                    Map.of("from-owner", now.toEpochMilli()), Map::of);
        }
        await().untilAsserted(() -> assertThat(committedEventIds()).containsExactly("{\"id\":\"from-owner\"}"));
        try (FeedPublisher next = publisher(feed, 64)) {
            assertThat(next.open().resumeToken()).contains("o");
        }
    }

    @Test
    void aFailedTransactionPublishesNothingAndKeepsTheCheckpoint() {
        String feed = "abort-" + UUID.randomUUID();
        Instant now = Instant.now();
        byte[] tooLarge = new byte[9 * 1024 * 1024];
        try (FeedPublisher publisher = publisher(feed, 64)) {
            publisher.open();
            publisher.commit(List.of(event("kept")), checkpoint(feed, "t1", now), Map.of("kept", 1L), Map::of);
            assertThatThrownBy(() -> publisher.commit(
                    List.of(event("lost-1"), new ProducerRecord<>(eventsTopic, "conv", tooLarge)),
                    checkpoint(feed, "t2", now), Map.of("lost-1", 2L), Map::of))
                    .isInstanceOf(PublishFailedException.class);
            Checkpoint reopened = publisher.open();
            assertThat(reopened.resumeToken()).contains("t1");
        }
        await().untilAsserted(() -> assertThat(committedEventIds()).containsExactly("{\"id\":\"kept\"}"));
    }

    @Test
    void mergedSegmentsRestoreTheWholeWindow() {
        String feed = "merge-" + UUID.randomUUID();
        Instant now = Instant.now();
        Map<String, Long> window = new LinkedHashMap<>();
        try (FeedPublisher publisher = publisher(feed, 3)) {
            publisher.open();
            for (int page = 0; page < 8; page++) {
                Map<String, Long> added = Map.of("id-" + page, now.toEpochMilli());
                window.putAll(added);
                Map<String, Long> snapshot = new LinkedHashMap<>(window);
                publisher.commit(List.of(), checkpoint(feed, "p" + page, now), added, () -> snapshot);
            }
        }
        try (FeedPublisher publisher = publisher(feed, 3)) {
            Checkpoint restored = publisher.open();
            assertThat(restored.published()).containsOnlyKeys(window.keySet());
            assertThat(restored.resumeToken()).contains("p7");
        }
    }
}
