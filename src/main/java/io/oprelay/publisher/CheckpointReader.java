package io.oprelay.publisher;

import io.oprelay.cursor.Checkpoint;
import io.oprelay.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads a feed's checkpoint back from its partition of the checkpoint topic, as committed. */
final class CheckpointReader {

    private static final Logger LOG = Logger.getLogger(CheckpointReader.class);

    private final String feed;
    private final KafkaClients clients;
    private final Duration lookback;

    /**
     * The checkpoint as restored, and the number of id segments its head record counts.
     */
    record Restored(Checkpoint checkpoint, int segments) {
    }

    CheckpointReader(String feed, KafkaClients clients, Duration lookback) {
        this.feed = feed;
        this.clients = clients;
        this.lookback = lookback;
    }

    /** Reads the feed's head and segment records up to the partition's end; ids outside the window are dropped. */
    Restored restore(TopicPartition tp) {
        CheckpointCodec.Head head = null;
        Map<Integer, Map<String, Long>> segmentIds = new HashMap<>();
        try (KafkaConsumer<String, byte[]> reader = clients.committedReader("relay-checkpoint-reader-" + feed, null,
                Map.of())) {
            reader.assign(List.of(tp));
            reader.seekToBeginning(List.of(tp));
            long end = highWatermark(tp);
            while (reader.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || !feed.equals(CheckpointCodec.feedOf(record.key()))) {
                        continue;
                    }
                    if (record.key().equals(CheckpointCodec.headKey(feed))) {
                        head = record.value() == null ? null : CheckpointCodec.readHead(record.value());
                    } else {
                        readSegment(record, segmentIds);
                    }
                }
            }
        }
        Checkpoint checkpoint = CheckpointCodec.checkpoint(feed, head, segmentIds, lookback);
        LOG.debugf("feed %s restored: completeThrough=%s token=%s window=%d", feed, checkpoint.completeThrough(),
                checkpoint.resumeToken().isPresent(), checkpoint.published().size());
        return new Restored(checkpoint, head == null ? 0 : head.segments());
    }

    private void readSegment(ConsumerRecord<String, byte[]> record, Map<Integer, Map<String, Long>> segmentIds) {
        int index = Integer.parseInt(record.key().substring(feed.length() + 1));
        if (record.value() == null) {
            segmentIds.remove(index);
        } else {
            segmentIds.put(index, CheckpointCodec.readSegment(record.value()));
        }
    }

    /**
     * The end of the partition including open transactions. Reading with {@code read_committed} up to the last stable
     * offset is not enough: another feed's transaction that is still open on the same partition holds the last stable
     * offset below records this feed already committed. Reading up to the high watermark waits for such transactions
     * to end (they are this instance's own, or a dead writer's that the broker aborts) and sees every commit.
     */
    private long highWatermark(TopicPartition tp) {
        try (Admin admin = clients.admin("relay-checkpoint-offsets-" + feed)) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while restoring feed " + feed, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishFailedException("could not read the checkpoint of feed " + feed + ": " + e.getMessage(), e);
        }
    }
}
