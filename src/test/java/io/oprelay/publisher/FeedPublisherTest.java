package io.oprelay.publisher;

import io.oprelay.cursor.Checkpoint;
import io.oprelay.events.OversizeClaim;
import io.oprelay.events.ResultEvents;
import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.twilio.OperatorResultParser;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.twilio.SortOrder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
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
import java.util.concurrent.TimeUnit;

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
    @Inject
    ResultEvents events;

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
    void aCommitSendsItsBatchesAtOnceHoweverLongTheProducerLingers() {
        String feed = "linger-" + UUID.randomUUID();
        Instant now = Instant.now();
        try (FeedPublisher publisher = new FeedPublisher(feed, clients, topics, "test-", Duration.ofMinutes(10), 64,
                provisioner::recordLimits,
                new FeedPublisher.Tuning(KafkaClients.BATCH_SIZE, Duration.ofSeconds(40)))) {
            publisher.open();
            long began = System.nanoTime();
            publisher.commit(List.of(event("pushed")), checkpoint(feed, null, now),
                    Map.of("pushed", now.toEpochMilli()), Map::of);
            assertThat(Duration.ofNanos(System.nanoTime() - began))
                    .as("a commit does not wait out linger.ms").isLessThan(Duration.ofSeconds(20));
        }
        assertThat(committedEventIds()).containsExactly("{\"id\":\"pushed\"}");
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

    /** A TEXT result event for the test topic, with the contract's headers, of about {@code textBytes} bytes. */
    private ProducerRecord<String, byte[]> resultEvent(String id, int textBytes) {
        byte[] noise = new byte[textBytes * 3 / 4];
        new java.security.SecureRandom().nextBytes(noise);
        String json = "{\"id\":\"" + id + "\",\"accountId\":\"AC1\",\"conversationId\":\"conv_" + id
                + "\",\"outputFormat\":\"TEXT\",\"dateCreated\":\"2026-06-08T20:00:00Z\",\"result\":{\"text\":\""
                + java.util.Base64.getEncoder().encodeToString(noise) + "\"}}";
        ProducerRecord<String, byte[]> created = events.created(
                new OperatorResultParser().parseOne(json.getBytes(StandardCharsets.UTF_8)), "poll");
        return new ProducerRecord<>(eventsTopic, null, created.key(), created.value(), created.headers());
    }

    @Test
    void aResultEventLargerThanTheTopicTakesGoesOutAsItsClaimCheckInTheSameTransaction() throws Exception {
        String limited = "limited-" + UUID.randomUUID();
        provisioner.ensureTopics(List.of(new NewTopic(limited, Optional.of(1), Optional.empty())));
        eventsTopic = limited;
        // First the topic's limit shrinks under an open publisher (the broker refuses; the publisher either redoes
        // the batch with claim-checks at once or fails, and a reopened publisher reads the new limit); then the
        // limit is known when the publisher opens, and the claim-check is decided before sending.
        for (boolean knownAtOpen : List.of(false, true)) {
            String feed = "oversize-" + knownAtOpen + "-" + UUID.randomUUID();
            String tag = "-" + knownAtOpen;
            // Larger than a producer batch, so it travels alone and the broker refuses that record, not a batch.
            ProducerRecord<String, byte[]> big = resultEvent("big" + tag, 300 * 1024);
            List<ProducerRecord<String, byte[]>> page = List.of(resultEvent("a" + tag, 100), big,
                    resultEvent("b" + tag, 100));
            Map<String, Long> added = Map.of("a" + tag, 1L, "big" + tag, 2L, "b" + tag, 3L);
            try (FeedPublisher publisher = new FeedPublisher(feed, clients, topics, "test-", Duration.ofMinutes(10),
                    64, () -> provisioner.recordLimits(List.of(limited)))) {
                publisher.open();
                if (!knownAtOpen) {
                    shrink(limited, 64 * 1024);
                }
                List<OversizeClaim> claims;
                try {
                    claims = publisher.commit(page, checkpoint(feed, "t1", Instant.now()), added, Map::of);
                } catch (PublishFailedException refused) {
                    assertThat(knownAtOpen).as("only a limit not known at open can fail a commit").isFalse();
                    publisher.open();
                    claims = publisher.commit(page, checkpoint(feed, "t1", Instant.now()), added, Map::of);
                }
                assertThat(claims).containsExactly(new OversizeClaim("big" + tag, "TEXT", big.value().length));
                assertThat(publisher.open().resumeToken()).as("the checkpoint committed with them").contains("t1");
            }
            await().untilAsserted(() -> {
                List<ConsumerRecord<String, byte[]>> committed = CommittedReader
                        .readAll(KafkaBrokerResource.bootstrapServers(), List.of(limited)).stream()
                        .filter(r -> EventContract.header(r, "ce_id").replace(":oversize", "").endsWith(tag))
                        .toList();
                assertThat(committed).extracting(r -> EventContract.header(r, "ce_id"))
                        .containsExactly("a" + tag, "big" + tag + ":oversize", "b" + tag);
                ConsumerRecord<String, byte[]> claim = committed.get(1);
                assertThat(EventContract.header(claim, "ce_type"))
                        .isEqualTo("io.oprelay.operatorresult.text.oversize.v1");
                assertThat(claim.key()).isEqualTo(big.key());
                assertThat(EventContract.parse(claim.value()).path("size").asLong()).isEqualTo(big.value().length);
            });
        }
    }

    @Test
    void resultsThatFitATopicTogetherLargerThanItTakesAreCommittedInBatchesItTakes() throws Exception {
        String limited = "small-batches-" + UUID.randomUUID();
        provisioner.ensureTopics(List.of(new NewTopic(limited, Optional.of(1), Optional.empty())));
        shrink(limited, 64 * 1024);
        eventsTopic = limited;
        String feed = "small-batches-" + UUID.randomUUID();
        List<ProducerRecord<String, byte[]>> page = new java.util.ArrayList<>();
        Map<String, Long> added = new java.util.HashMap<>();
        for (int i = 0; i < 8; i++) {
            page.add(resultEvent("fits-" + i, 24 * 1024));
            added.put("fits-" + i, (long) i);
        }
        try (FeedPublisher publisher = new FeedPublisher(feed, clients, topics, "test-", Duration.ofMinutes(10),
                64, () -> provisioner.recordLimits(List.of(limited)))) {
            publisher.open();
            // Each result fits; together they are three times what the topic takes in one batch.
            assertThat(publisher.commit(page, checkpoint(feed, "t1", Instant.now()), added, Map::of)).isEmpty();
        }
        assertThat(CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), List.of(limited)))
                .extracting(r -> EventContract.header(r, "ce_id"))
                .containsExactly("fits-0", "fits-1", "fits-2", "fits-3", "fits-4", "fits-5", "fits-6", "fits-7");
    }

    private void shrink(String topic, int maxMessageBytes) throws Exception {
        try (Admin admin = clients.admin("test-shrink")) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes)),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            await().untilAsserted(() -> assertThat(provisioner.recordLimits(List.of(topic)).forTopic(topic))
                    .isEqualTo(maxMessageBytes));
        }
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
