package io.oprelay.cursor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What unfinished sweeps have walked, so that the ids they published need not be held one by one, and where an
 * oldest-first sweep starts again to catch late results.
 *
 * <p>A newest-first walk goes down the list from its top; every result it passed between its top and its lowest
 * point is published. A result of that span that is older than its top by more than the look-back is then known
 * without its id: it is either published or, if it appears later, older than the window (as it would be anyway once
 * the sweep ends and the mark moves to the top). So only ids within the look-back of a span's top are kept, and
 * memory stays bounded by the window even while a long backfill has not moved the mark yet.
 *
 * @param walk    the span of the current newest-first walk (from the top of the list down to its lowest point)
 * @param earlier spans of earlier walks that were cut short (a rejected or repeated token, a page without meta),
 *                until the mark moves past them all
 * @param rescan  oldest first: the token of a page that begins at or before the window's floor, from which a sweep
 *                that reached the end of the list starts again (absent: from the top)
 */
public record SweepCoverage(Optional<Span> walk, List<Span> earlier, Optional<String> rescan) {

    public static final SweepCoverage NONE = new SweepCoverage(Optional.empty(), List.of(), Optional.empty());

    public SweepCoverage {
        earlier = List.copyOf(earlier);
    }

    /**
     * Creation times after {@code low} up to {@code high} (epoch milliseconds), all walked: {@code high} is the newest
     * result at the top of the walk, {@code low} the newest result of the page the walk has reached. In a list sorted
     * newest first, every result still ahead of the walk is at or before {@code low}, whatever the pages hold.
     */
    public record Span(long low, long high) {

        /** Whether a result created at {@code time} is known published without its id. */
        boolean vouchesFor(long time, long lookbackMillis) {
            return time > low && time <= high - lookbackMillis;
        }
    }

    /** Whether some span vouches for a result created at {@code time} (see {@link Span#vouchesFor}). */
    public boolean vouchesFor(long time, Duration lookback) {
        long l = lookback.toMillis();
        if (walk.isPresent() && walk.get().vouchesFor(time, l)) {
            return true;
        }
        for (Span span : earlier) {
            if (span.vouchesFor(time, l)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return walk.isEmpty() && earlier.isEmpty();
    }

    /**
     * A new walk begins at the top of the list: the current one, if any, becomes an earlier span. Spans are never
     * merged: each vouches only up to its own top minus the look-back, as results listed late behind a walk are
     * judged against the top that walk had when it passed them, not against a newer one.
     */
    public SweepCoverage newWalk() {
        if (walk.isEmpty()) {
            return this;
        }
        List<Span> spans = new ArrayList<>(earlier);
        spans.add(walk.get());
        return new SweepCoverage(Optional.empty(), spans, rescan);
    }

    /**
     * The walk after it reached a page whose newest result was created at {@code pageNewest}: a new walk has that as
     * its top; a walk under way goes down to it. The top never rises: a result that looks newer further down is out
     * of place, and what lies between the walk's top and it has not been walked.
     */
    public SweepCoverage walked(long pageNewest) {
        Span span = walk.map(w -> new Span(Math.min(w.low(), pageNewest), w.high()))
                .orElse(new Span(pageNewest, pageNewest));
        return new SweepCoverage(Optional.of(span), earlier, rescan);
    }

    /** The spans dropped (the sweep ended and the mark covers them all); the rescan token stays. */
    public SweepCoverage spansCleared() {
        return new SweepCoverage(Optional.empty(), List.of(), rescan);
    }

    public SweepCoverage withRescan(Optional<String> token) {
        return new SweepCoverage(walk, earlier, token);
    }
}
