package io.oprelay.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** Reads whole topics the way downstream subscribers must: {@code read_committed}, from the beginning. */
public final class CommittedReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CommittedReader() {
    }

    /** Every committed record of the topics, up to their current end. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, Collection<String> topics) {
        return readAll(bootstrap, topics, "read_committed");
    }

    /**
     * Every record of the topics up to their end as {@code isolation} sees it: {@code read_uncommitted} also returns
     * the records of aborted (and still open) transactions, so comparing the two counts shows what was aborted.
     */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, Collection<String> topics,
                                                               String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Duration limit = Waits.seconds(60);
            long deadline = System.nanoTime() + limit.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the topics to their end within " + limit);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** How often each value of the top-level text {@code field} occurs in the committed JSON records of a topic. */
    public static Map<String, Integer> countByField(String bootstrap, String topic, String field) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : readAll(bootstrap, List.of(topic))) {
            try {
                counts.merge(MAPPER.readTree(record.value()).path(field).asText(), 1, Integer::sum);
            } catch (IOException e) {
                throw new AssertionError("not JSON at " + record.topic() + "-" + record.partition() + "@"
                        + record.offset(), e);
            }
        }
        return counts;
    }
}
