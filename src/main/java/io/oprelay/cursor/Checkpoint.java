package io.oprelay.cursor;

import io.oprelay.twilio.SortOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * Where a feed stands, as committed to Kafka together with the events it accounts for.
 *
 * @param feed            the feed's name
 * @param resumeToken     the page token to continue from; absent means "start at the top of the list"
 * @param completeThrough every result created at or before this instant, minus the look-back window, is published
 * @param sweepMax        newest creation time seen by the unfinished sweep (it becomes {@code completeThrough}
 *                        when that sweep ends); absent between sweeps
 * @param order           the list order detected so far
 * @param published       ids published with a creation time inside the window (id to epoch milliseconds)
 * @param coverage        spans walked by unfinished sweeps, and the oldest-first rescan token
 */
public record Checkpoint(String feed, Optional<String> resumeToken, Instant completeThrough,
                         Optional<Instant> sweepMax, SortOrder order, Map<String, Long> published,
                         SweepCoverage coverage) {

    public Checkpoint(String feed, Optional<String> resumeToken, Instant completeThrough, Optional<Instant> sweepMax,
                      SortOrder order, Map<String, Long> published) {
        this(feed, resumeToken, completeThrough, sweepMax, order, published, SweepCoverage.NONE);
    }

    /** The state of a feed that has never published anything. */
    public static Checkpoint initial(String feed) {
        return new Checkpoint(feed, Optional.empty(), Instant.EPOCH, Optional.empty(), SortOrder.UNKNOWN, Map.of());
    }

    /**
     * Which results (by creation time, epoch milliseconds) can be new: not older than the window behind the mark,
     * and not vouched for by a span an unfinished sweep walked. The ids of the window are those it keeps. The bounds
     * are worked out once, for testing many results.
     */
    public LongPredicate window(Duration lookback) {
        long floor = floor(completeThrough, lookback);
        if (coverage.isEmpty()) {
            return time -> time > floor;
        }
        return time -> time > floor && !coverage.vouchesFor(time, lookback);
    }

    /** The same state holding {@code ids} as the window's ids. */
    public Checkpoint withPublished(Map<String, Long> ids) {
        return new Checkpoint(feed, resumeToken, completeThrough, sweepMax, order, ids, coverage);
    }

    /**
     * The window's floor behind a mark (epoch milliseconds): results created at or before it are older than the
     * window. A feed that has never moved its mark has no floor.
     */
    public static long floor(Instant completeThrough, Duration lookback) {
        return completeThrough.equals(Instant.EPOCH) ? Long.MIN_VALUE : completeThrough.minus(lookback).toEpochMilli();
    }
}
