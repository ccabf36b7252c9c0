package io.oprelay.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The records one drain published: the committed end of every partition of the result topics is noted before the
 * drain, and afterwards exactly the committed records from there to the new end are read back.
 */
final class DrainedRecords {

    private final String bootstrap;
    private final Map<TopicPartition, Long> start;

    private DrainedRecords(String bootstrap, Map<TopicPartition, Long> start) {
        this.bootstrap = bootstrap;
        this.start = start;
    }

    /** Notes where the topics end now (as {@code read_committed} sees them). */
    static DrainedRecords mark(String bootstrap, Collection<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return new DrainedRecords(bootstrap, Map.copyOf(consumer.endOffsets(partitions)));
        }
    }

    /** The committed records written since the mark. */
    List<ConsumerRecord<String, byte[]>> since() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(start.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (start.keySet().stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the drained records within 2 minutes");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-drained-" + UUID.randomUUID());
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
