package io.oprelay.poller;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How feeds are swept. */
@ConfigMapping(prefix = "relay.poller")
public interface PollerConfig {

    /** Runs the poller on this instance (switch off to run the router alone). */
    @WithDefault("true")
    boolean enabled();

    /** Pause between sweeps when the last one ended at the end of the list. */
    @WithDefault("5S")
    Duration interval();

    /** Results asked per page, 1..1000. */
    @WithDefault("1000")
    int pageSize();

    /** How far behind the newest published result late or reordered results are still caught. */
    @WithDefault("10M")
    Duration lookback();

    /**
     * How far ahead of this instance's clock a result's creation time may be before it counts as future-dated (counted
     * and logged; still published once). Whatever a result says, the complete-through mark never passes now, so later
     * results stay inside the window; a restored mark beyond now plus this is brought back to now.
     */
    @WithDefault("5M")
    Duration maxClockSkew();

    /**
     * Results per transaction: consecutive pages of a sweep share one transaction up to this many results (the
     * sweep's last page always commits). Fewer, larger transactions cost less; the guarantee is the same.
     */
    @WithDefault("5000")
    int maxTransactionResults();

    /**
     * How long a feed's producer holds a batch for more records ({@code linger.ms}) before sending it, unless the
     * batch is full or the transaction commits (a commit sends every batch at once, so a pushed result waits no
     * longer). Longer means fewer, fuller batches in a backfill: each compressed batch costs a set-up of its own.
     */
    @WithDefault("100MS")
    Duration publisherLinger();

    /**
     * Largest batch, in bytes, of a feed's producer ({@code batch.size}; never above the smallest
     * {@code max.message.bytes} of the topics it writes). The producer keeps a buffer of this size for every
     * partition a transaction writes to: large for fast backfills, small when a replica runs many feeds.
     */
    @WithDefault("262144")
    int publisherBatchSize();

    /** Pages in one sweep before it ends and resumes from its token in the next one (guards against endless lists). */
    @WithDefault("1000")
    int maxPagesPerSweep();

    /** Longest wait after consecutive failures (Twilio or Kafka); the wait doubles from one second up to this. */
    @WithDefault("60S")
    Duration maxBackoff();

    /** Consumer group through which replicas share out the feeds (one owner per feed). */
    @WithDefault("relay-poller")
    String groupId();

    /** How soon a replica that stopped answering loses its feeds to the others. */
    @WithDefault("6S")
    Duration sessionTimeout();

    /** Prefix of the per-feed transactional id; the id must stay the same across restarts so zombies are fenced. */
    @WithDefault("oprelay-")
    String transactionalIdPrefix();

    /** Checkpoint id segments kept before they are merged and pruned into fewer records. */
    @WithDefault("64")
    int maxCheckpointSegments();
}
