package io.oprelay.bench;

import io.oprelay.events.TopicsConfig;
import io.oprelay.poller.FeedStatus;
import io.oprelay.poller.PollerService;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Api;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Drains a backlog from the simulator through the relay into Kafka (HTTP pages, parsing, diff, one transaction per
 * page with the checkpoint), next to a plain idempotent producer sending the same records to the same broker in the
 * same run. Not part of the test suite; run it with
 * {@code ./mvnw -B -ntp verify -DskipITs -Dtest=PublishBenchmark -Drelay.bench.results=200000}.
 */
@QuarkusTest
@TestProfile(PublishBenchmark.PollerOnly.class)
class PublishBenchmark {

    /** The poller alone, as in a poller-only Deployment: the router would read the same topics meanwhile. */
    public static class PollerOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.routing.enabled", "false", "relay.actions.agent-assist.stream-enabled", "false");
        }
    }

    @Inject
    Simulator simulator;
    @Inject
    PollerService poller;
    @Inject
    TopicsConfig topics;

    @Test
    void relayThroughputAgainstAPlainIdempotentProducer() {
        int count = Integer.getInteger("relay.bench.results", 200_000);
        drain(count / 4, true);
        List<ConsumerRecord<String, byte[]>> warmUp = CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(),
                Arrays.stream(OutputFormat.values()).map(topics::forFormat).toList());
        plainProducer(warmUp, "warm-up");

        double relaySeconds = drain(count, false);
        List<ConsumerRecord<String, byte[]>> all = CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(),
                Arrays.stream(OutputFormat.values()).map(topics::forFormat).toList());
        List<ConsumerRecord<String, byte[]>> records = all.subList(all.size() - count, all.size());
        double plainSeconds = plainProducer(records, "baseline");

        double relayRate = count / relaySeconds;
        double plainRate = records.size() / plainSeconds;
        System.out.printf("%nPublishBenchmark: %d results%n", count);
        System.out.printf("  relay (poll + diff + transactional publish): %,10.0f results/s  (%.1f s)%n", relayRate,
                relaySeconds);
        System.out.printf("  plain idempotent KafkaProducer, same records: %,10.0f records/s  (%.1f s)%n", plainRate,
                plainSeconds);
        System.out.printf("  ratio relay / plain: %.2f%n%n", relayRate / plainRate);
    }

    /**
     * Adds results (a backlog spread over the last day, or results created now and so newer than all published) and
     * waits until the relay has published all of them; returns the seconds it took.
     */
    private double drain(int count, boolean backlog) {
        long before = published();
        if (backlog) {
            simulator.addBacklog(count, Duration.ofDays(1));
        } else {
            simulator.add(count);
        }
        long began = System.nanoTime();
        Api.given().post("/api/feeds/default/sweep");
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> published() - before >= count);
        return (System.nanoTime() - began) / 1e9;
    }

    private long published() {
        return poller.statuses().stream().map(FeedStatus.View::publishedByFormat)
                .flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    /** Sends the records (value, key and headers as published) to fresh topics; returns the seconds it took. */
    private static double plainProducer(List<ConsumerRecord<String, byte[]>> records, String label) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        String suffix = "-" + label + "-" + UUID.randomUUID();
        long began = System.nanoTime();
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<String, byte[]> record : records) {
                producer.send(new ProducerRecord<>(record.topic() + suffix, null, record.key(), record.value(),
                        record.headers()));
            }
            producer.flush();
        }
        return (System.nanoTime() - began) / 1e9;
    }
}
