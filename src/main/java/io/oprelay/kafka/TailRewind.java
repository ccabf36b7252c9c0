package io.oprelay.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Positions a reader that keeps the tail of a topic in memory (a group of its own per instance, no committed
 * offsets): a partition seen for the first time starts {@code tail} records before its end, so the view holds the
 * latest records after a restart; a partition assigned again (the connector reopened its consumer) resumes after the
 * last record read, so nothing is read twice or skipped.
 */
public final class TailRewind {

    private final long tail;
    private final boolean spread;
    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();

    private TailRewind(long tail, boolean spread) {
        this.tail = Math.max(0, tail);
        this.spread = spread;
    }

    /** Reads back {@code tail} records of every partition: the latest {@code tail} of the topic are among them. */
    public static TailRewind perPartition(long tail) {
        return new TailRewind(tail, false);
    }

    /** Reads back {@code total} records spread evenly over the topic's partitions (at least one each). */
    public static TailRewind spread(long total) {
        return new TailRewind(total, true);
    }

    /** Notes a record read, so a later assignment of its partition resumes after it. */
    public void read(String topic, int partition, long offset) {
        next.merge(new TopicPartition(topic, partition), offset + 1, Math::max);
    }

    /** Seeks the newly assigned partitions (called on the consumer's own thread, from its rebalance listener). */
    public void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long resume = next.get(partition);
            if (resume != null) {
                consumer.seek(partition, resume);
            } else {
                fresh.add(partition);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(fresh);
        for (TopicPartition partition : fresh) {
            long back = spread ? Math.max(1, tail / partitionsOf(consumer, partition.topic(), partitions.size()))
                    : tail;
            consumer.seek(partition, Math.max(begins.getOrDefault(partition, 0L),
                    ends.getOrDefault(partition, 0L) - back));
        }
    }

    private static int partitionsOf(Consumer<?, ?> consumer, String topic, int otherwise) {
        var partitions = consumer.partitionsFor(topic);
        return partitions == null || partitions.isEmpty() ? Math.max(1, otherwise) : partitions.size();
    }
}
