package io.oprelay.publisher;

import io.oprelay.cursor.Checkpoint;
import io.oprelay.events.OversizeClaim;
import io.oprelay.events.ResultEvents;
import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.RecordLimits;
import io.oprelay.kafka.RecordSize;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Writes one feed's events and its checkpoint in one Kafka transaction (a page, or a few pages of a sweep).
 *
 * <p>The transactional id is stable per feed, so opening a publisher fences any other writer of the same feed (a
 * paused replica that lost ownership, the previous process after a crash) and completes or aborts its open
 * transaction. Only then is the checkpoint read back, with {@code read_committed}: what it says is exactly what
 * reached subscribers. This is the design of Kafka Connect's exactly-once sources (KIP-618).
 */
public final class FeedPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FeedPublisher.class);
    /** Ids per segment record when segments are merged, keeping each record well under a megabyte. */
    private static final int IDS_PER_SEGMENT = 5_000;

    private final String feed;
    private final KafkaClients clients;
    private final String checkpointTopic;
    private final String transactionalId;
    private final CheckpointReader reader;
    private final int maxSegments;
    private final Supplier<RecordLimits> limitsSource;
    private final Tuning tuning;
    private RecordLimits limits;
    private KafkaProducer<String, byte[]> producer;
    private int partition = -1;
    private int segments;

    public FeedPublisher(String feed, KafkaClients clients, TopicsConfig topics, String transactionalIdPrefix,
                         Duration lookback, int maxSegments) {
        this(feed, clients, topics, transactionalIdPrefix, lookback, maxSegments,
                () -> RecordLimits.producerOnly(clients.maxRecordBytes()), Tuning.DEFAULT);
    }

    /** With limits read by {@code limitsSource}, as below, and the default batch size and {@code linger.ms}. */
    public FeedPublisher(String feed, KafkaClients clients, TopicsConfig topics, String transactionalIdPrefix,
                         Duration lookback, int maxSegments, Supplier<RecordLimits> limitsSource) {
        this(feed, clients, topics, transactionalIdPrefix, lookback, maxSegments, limitsSource, Tuning.DEFAULT);
    }

    /**
     * @param limitsSource reads the largest record each topic takes, at every {@link #open()}; a result event larger
     *                     than that goes out as its claim-check
     * @param tuning       the producer's batch size and {@code linger.ms}
     */
    public FeedPublisher(String feed, KafkaClients clients, TopicsConfig topics, String transactionalIdPrefix,
                         Duration lookback, int maxSegments, Supplier<RecordLimits> limitsSource, Tuning tuning) {
        this.feed = feed;
        this.tuning = tuning;
        this.limitsSource = limitsSource;
        this.limits = RecordLimits.producerOnly(clients.maxRecordBytes());
        this.clients = clients;
        this.checkpointTopic = topics.checkpoints();
        this.transactionalId = transactionalIdPrefix + "feed-" + feed;
        this.reader = new CheckpointReader(feed, clients, lookback);
        this.maxSegments = maxSegments;
    }

    /**
     * A feed producer's batching: {@code batch.size} ({@code relay.poller.publisher-batch-size}) and {@code linger.ms}
     * ({@code relay.poller.publisher-linger}).
     */
    public record Tuning(int batchSize, Duration linger) {

        /** The defaults of both settings. */
        public static final Tuning DEFAULT = new Tuning(KafkaClients.BATCH_SIZE, KafkaClients.PUBLISHER_LINGER);
    }

    /** The checkpoint-topic partition that holds a feed's records, and whose owner runs the feed. */
    public static int partitionFor(String feed, int partitions) {
        return Utils.toPositive(Utils.murmur2(feed.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Fences every other writer of this feed, then restores the checkpoint as committed.
     *
     * @throws FencedException        when yet another instance fenced this one meanwhile
     * @throws PublishFailedException when Kafka could not be reached
     */
    public Checkpoint open() {
        closeProducer(Duration.ZERO);
        try {
            // Read at every open: after a transaction the broker refused, the feed reopens with the topics' limits now.
            // Batches are kept within the smallest limit, or a topic that takes less than a batch would make the
            // producer split its batches in a loop instead of failing the one record that is too large.
            limits = limitsSource.get();
            producer = clients.transactionalProducer(transactionalId, "relay-publisher-" + feed,
                    (int) Math.min(tuning.batchSize(), limits.smallest()), tuning.linger());
            producer.initTransactions();
            partition = partitionFor(feed, producer.partitionsFor(checkpointTopic).size());
            CheckpointReader.Restored restored = reader.restore(new TopicPartition(checkpointTopic, partition));
            segments = restored.segments();
            return restored.checkpoint();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            closeProducer(Duration.ZERO);
            throw new FencedException(feed, e);
        } catch (KafkaException e) {
            closeProducer(Duration.ZERO);
            throw new PublishFailedException("could not open the publisher of feed " + feed + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commits the page's events and the feed's new checkpoint atomically. A result event larger than its topic takes
     * goes out as its claim-check ({@link ResultEvents#claimCheck}) in its place: decided before sending where the
     * limit is known, and otherwise when the broker refuses it, by aborting and committing the batch again once with
     * the refused events replaced. Either way the batch commits once, with its checkpoint.
     *
     * @param events the events of the page's new results, in the page's order
     * @param next   the checkpoint after this page
     * @param added  ids published by this page, with their creation times
     * @param window all ids of the window after this page; asked for only when segments are merged
     * @return the claim-checks published in place of events too large for their topic (empty as a rule)
     */
    public List<OversizeClaim> commit(List<ProducerRecord<String, byte[]>> events, Checkpoint next,
                                      Map<String, Long> added, Supplier<Map<String, Long>> window) {
        if (producer == null) {
            throw new PublishFailedException("publisher of feed " + feed + " is not open", null);
        }
        List<OversizeClaim> claims = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> batch = new ArrayList<>(events);
        for (int i : oversize(batch)) {
            batch.set(i, claimCheck(batch.get(i), claims));
        }
        Set<Integer> refused = attempt(batch, next, added, window);
        if (refused.isEmpty()) {
            return claims;
        }
        // The broker refused events as too large (a topic limit not known before): the transaction was aborted. The
        // producer fails the batches it had not sent yet with the same error, so the limits are read again to tell
        // which events really are too large; only if they do not tell are the refused events taken at their word.
        try {
            limits = limitsSource.get();
        } catch (RuntimeException e) {
            LOG.debugf(e, "feed %s: could not read the topics' limits again", feed);
        }
        Set<Integer> replace = oversize(batch);
        if (replace.isEmpty()) {
            replace = refused;
        }
        for (int i : replace) {
            if (!ResultEvents.claimable(batch.get(i))) {
                closeProducer(Duration.ZERO);
                throw new PublishFailedException("transaction of feed " + feed + " failed: a record for "
                        + batch.get(i).topic() + " is larger than the topic takes", null);
            }
        }
        LOG.warnf("feed %s: the broker refused event(s) as too large; publishing %d claim-check(s) instead", feed,
                replace.size());
        for (int i : replace) {
            batch.set(i, claimCheck(batch.get(i), claims));
        }
        Set<Integer> refusedAgain = attempt(batch, next, added, window);
        if (!refusedAgain.isEmpty()) {
            throw new PublishFailedException("transaction of feed " + feed + " failed: the broker refused "
                    + refusedAgain.size() + " record(s) as too large even as claim-checks", null);
        }
        return claims;
    }

    /** The result events of the batch larger than their topic takes, as far as the limits know. */
    private Set<Integer> oversize(List<ProducerRecord<String, byte[]>> batch) {
        Set<Integer> indexes = new TreeSet<>();
        for (int i = 0; i < batch.size(); i++) {
            ProducerRecord<String, byte[]> event = batch.get(i);
            if (RecordSize.upperBound(event) > limits.forTopic(event.topic()) && ResultEvents.claimable(event)) {
                indexes.add(i);
            }
        }
        return indexes;
    }

    private ProducerRecord<String, byte[]> claimCheck(ProducerRecord<String, byte[]> event, List<OversizeClaim> claims) {
        claims.add(ResultEvents.claimOf(event));
        return ResultEvents.claimCheck(event);
    }

    /**
     * One transaction of the batch and the checkpoint.
     *
     * @return the indexes of events the broker or the producer refused as too large (the transaction was then
     *         aborted and nothing changed); empty when the transaction committed
     */
    private Set<Integer> attempt(List<ProducerRecord<String, byte[]>> events, Checkpoint next,
                                 Map<String, Long> added, Supplier<Map<String, Long>> window) {
        int segmentsAfter = segments;
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        try {
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> event : events) {
                sent.add(producer.send(event));
            }
            if (!added.isEmpty()) {
                if (segments + 1 > maxSegments) {
                    segmentsAfter = writeMerged(window.get());
                } else {
                    send(CheckpointCodec.segmentKey(feed, segments), CheckpointCodec.segment(added));
                    segmentsAfter = segments + 1;
                }
            }
            send(CheckpointCodec.headKey(feed), CheckpointCodec.head(next, segmentsAfter));
            producer.commitTransaction();
            segments = segmentsAfter;
            return Set.of();
        } catch (ProducerFencedException | InvalidProducerEpochException | TransactionalIdAuthorizationException e) {
            closeProducer(Duration.ZERO);
            throw new FencedException(feed, e);
        } catch (KafkaException e) {
            Set<Integer> tooLarge = tooLarge(sent);
            try {
                producer.abortTransaction();
                if (!tooLarge.isEmpty()) {
                    return tooLarge;
                }
            } catch (KafkaException | IllegalStateException abortFailure) {
                // A commit that timed out cannot be aborted: the producer is closed, and the feed reopens it.
                e.addSuppressed(abortFailure);
            }
            closeProducer(Duration.ZERO);
            throw new PublishFailedException("transaction of feed " + feed + " failed: " + e.getMessage(), e);
        }
    }

    /** The events whose send failed because the record was too large (each send has completed by now). */
    private static Set<Integer> tooLarge(List<Future<RecordMetadata>> sent) {
        Set<Integer> indexes = new TreeSet<>();
        for (int i = 0; i < sent.size(); i++) {
            Future<RecordMetadata> future = sent.get(i);
            if (!future.isDone()) {
                continue;
            }
            try {
                future.get();
            } catch (ExecutionException failure) {
                if (failure.getCause() instanceof RecordTooLargeException) {
                    indexes.add(i);
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return Set.of();
            } catch (RuntimeException ignored) {
                // cancelled: not a size problem
            }
        }
        return indexes;
    }

    private int writeMerged(Map<String, Long> window) {
        List<Map<String, Long>> chunks = CheckpointCodec.chunks(window, IDS_PER_SEGMENT);
        for (int i = 0; i < chunks.size(); i++) {
            send(CheckpointCodec.segmentKey(feed, i), CheckpointCodec.segment(chunks.get(i)));
        }
        for (int i = chunks.size(); i < segments; i++) {
            send(CheckpointCodec.segmentKey(feed, i), null);
        }
        return chunks.size();
    }

    private void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(checkpointTopic, partition, key, value));
    }

    public String feed() {
        return feed;
    }

    @Override
    public void close() {
        closeProducer(Duration.ofSeconds(5));
    }

    private void closeProducer(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (KafkaException e) {
                LOG.debugf(e, "closing the producer of feed %s", feed);
            }
            producer = null;
        }
    }
}
