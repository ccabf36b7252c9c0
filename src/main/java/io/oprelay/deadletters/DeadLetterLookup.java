package io.oprelay.deadletters;

import io.oprelay.kafka.KafkaClients;
import io.oprelay.routing.RoutingConfig;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the one record at a position of the dead-letter topic, {@code read_committed}, by assigning its partition
 * and seeking to it: a replay always routes the letter as the broker holds it, whether or not it is still in the
 * in-memory view, and never one of an aborted transaction.
 */
@Singleton
public class DeadLetterLookup {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaClients clients;
    private final String topic;

    public DeadLetterLookup(KafkaClients clients, RoutingConfig routing) {
        this.clients = clients;
        this.topic = routing.deadLetterTopic();
    }

    /** The dead-letter topic. */
    public String topic() {
        return topic;
    }

    /** The dead letter at {@code partition}/{@code offset}, or empty when there is none (or not a committed one). */
    public Optional<ConsumerRecord<String, byte[]>> read(int partition, long offset) {
        try (KafkaConsumer<String, byte[]> consumer = clients.committedReader(
                "relay-dead-letter-lookup-" + UUID.randomUUID(), null,
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READ_TIMEOUT.toMillis()))) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (partitions == null || partitions.stream().noneMatch(p -> p.partition() == partition)) {
                return Optional.empty();
            }
            TopicPartition position = new TopicPartition(topic, partition);
            Set<TopicPartition> one = Set.of(position);
            long begin = consumer.beginningOffsets(one, READ_TIMEOUT).get(position);
            long end = consumer.endOffsets(one, READ_TIMEOUT).get(position);
            if (offset < begin || offset >= end) {
                return Optional.empty();
            }
            consumer.assign(one);
            consumer.seek(position, offset);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                Iterator<ConsumerRecord<String, byte[]>> polled = consumer.poll(POLL).iterator();
                if (polled.hasNext()) {
                    // The first committed record at or after the offset: another one means there is none at it
                    // (a transaction marker, or a record of an aborted transaction).
                    ConsumerRecord<String, byte[]> record = polled.next();
                    return record.offset() == offset && DeadLetter.isDeadLetter(record) ? Optional.of(record)
                            : Optional.empty();
                }
                if (consumer.position(position) >= end) {
                    return Optional.empty();
                }
            }
            throw new IllegalStateException("the dead letter at " + partition + "-" + offset + " could not be read"
                    + " within " + READ_TIMEOUT.toSeconds() + " s");
        }
    }
}
