package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a page of the list leaves the cursor's scalar state, in steps: the mark and the walk move with the page
 * ({@link #advance}), the sweep ends or goes on ({@link SweepEnd}), oldest first the rescan points move
 * ({@link #moveRescanPoints}), and a sweep that ends settles the mark ({@link #settle}). Pure: one plan per page,
 * thrown away after it.
 */
final class PagePlan {

    private final Duration lookback;
    private final SortOrder order;
    private final Bounds bounds;
    private Instant complete;
    private Optional<Instant> sweepMax;
    private SweepCoverage coverage;
    private List<RescanPoint> points;

    /**
     * The newest and oldest creation times of a page (epoch milliseconds), capped at now: a result dated ahead must
     * not push later ones out of the window.
     */
    record Bounds(boolean any, long min, long max) {

        static Bounds of(List<RawResult> items, Instant now) {
            long cap = now.toEpochMilli();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (RawResult item : items) {
                long time = Math.min(CreationTime.of(item, now), cap);
                min = Math.min(min, time);
                max = Math.max(max, time);
            }
            return new Bounds(!items.isEmpty(), min, max);
        }

        Optional<Instant> newest() {
            return any ? Optional.of(Instant.ofEpochMilli(max)) : Optional.empty();
        }
    }

    /** The plan's outcome: the scalar state after the page, and how the sweep goes on. */
    record Planned(Checkpoint next, Optional<String> nextToken, Optional<SweepEnd> end, List<RescanPoint> points) {
    }

    /**
     * @param before  the cursor's scalar state before the page
     * @param points  rescan points of the sweep so far (oldest first)
     * @param order   the order detected after the page
     * @param fromTop whether the page was read from the top of the list (a new walk)
     */
    private PagePlan(Checkpoint before, List<RescanPoint> points, Duration lookback, SortOrder order, Bounds bounds,
                     boolean fromTop) {
        this.lookback = lookback;
        this.order = order;
        this.bounds = bounds;
        this.complete = before.completeThrough();
        this.sweepMax = before.sweepMax();
        this.coverage = fromTop ? before.coverage().newWalk() : before.coverage();
        this.points = fromTop ? List.of() : points;
    }

    /** Plans a page fetched with {@code tokenUsed}; see {@link FeedCursor#plan}. */
    static Planned plan(Checkpoint before, List<RescanPoint> points, Duration lookback, SortOrder order,
                        Optional<String> tokenUsed, ResultPage page, Set<String> tokensSeen, Instant now) {
        PagePlan plan = new PagePlan(before, points, lookback, order, Bounds.of(page.items(), now),
                tokenUsed.isEmpty());
        plan.advance();
        Optional<String> next = page.metaPresent() ? page.nextToken().filter(t -> !t.isBlank()) : Optional.empty();
        Optional<SweepEnd> end = plan.end(page.metaPresent(), next, tokenUsed, tokensSeen);
        plan.moveRescanPoints(end.isEmpty() ? next : Optional.empty());
        Optional<String> resume = end.isEmpty() ? next : plan.settle(end.get());
        Checkpoint after = new Checkpoint(before.feed(), resume, plan.complete, plan.sweepMax, order, Map.of(),
                plan.coverage);
        return new Planned(after, end.isEmpty() ? next : Optional.empty(), end, plan.points);
    }

    /**
     * The page moves the sweep's newest time; oldest first it moves the mark too, and newest first it extends the
     * walk down to it.
     */
    private void advance() {
        Optional<Instant> newest = bounds.newest();
        sweepMax = latest(sweepMax, newest);
        if (order == SortOrder.OLDEST_FIRST && newest.isPresent()) {
            complete = latest(complete, newest.get());
        }
        if (order == SortOrder.NEWEST_FIRST && bounds.any()) {
            coverage = coverage.walked(bounds.max());
        }
    }

    /** Why the sweep ends with this page, if it does. */
    private Optional<SweepEnd> end(boolean metaPresent, Optional<String> next, Optional<String> tokenUsed,
                                   Set<String> tokensSeen) {
        if (!metaPresent) {
            return Optional.of(SweepEnd.NO_META);
        }
        if (next.isEmpty()) {
            return Optional.of(SweepEnd.END_OF_LIST);
        }
        if (next.equals(tokenUsed) || tokensSeen.contains(next.get())) {
            return Optional.of(SweepEnd.REPEATED_TOKEN);
        }
        if (order == SortOrder.NEWEST_FIRST && bounds.any() && bounds.min() <= Checkpoint.floor(complete, lookback)) {
            return Optional.of(SweepEnd.REACHED_PUBLISHED);
        }
        return Optional.empty();
    }

    /**
     * Oldest first, remembers where the next page starts ({@code next}, when the sweep goes on), and moves the rescan
     * token up to the newest such point that lies at or before the window's floor.
     */
    private void moveRescanPoints(Optional<String> next) {
        if (order == SortOrder.OLDEST_FIRST && bounds.any() && next.isPresent()) {
            List<RescanPoint> grown = new ArrayList<>(points);
            // The page's newest result, not its last one: a last result listed out of place would make the point
            // look further behind than it is.
            grown.add(new RescanPoint(next.get(), bounds.max()));
            points = grown;
        }
        long floor = Checkpoint.floor(complete, lookback);
        int due = -1;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).from() <= floor) {
                due = i;
            }
        }
        if (due >= 0) {
            coverage = coverage.withRescan(Optional.of(points.get(due).token()));
            points = List.copyOf(points.subList(due + 1, points.size()));
        }
    }

    /**
     * The sweep ends: the mark moves to the sweep's newest time when the sweep proved it (or oldest first, where the
     * mark follows the pages anyway), and the spans it covers are dropped.
     *
     * @return the token the next sweep starts from (empty: the top of the list)
     */
    private Optional<String> settle(SweepEnd end) {
        // The next sweep walks these pages again and finds their points anew.
        points = List.of();
        if (end.covers() || order == SortOrder.OLDEST_FIRST) {
            if (sweepMax.isPresent()) {
                complete = latest(complete, sweepMax.get());
            }
            sweepMax = Optional.empty();
        }
        if (end.covers()) {
            // The mark now covers every span walked since it last moved.
            coverage = coverage.spansCleared();
        }
        // Oldest first, at the end of the list or cut short (a repeated token, a page without meta): start again
        // behind the window, so that results listed late but created inside it are found wherever the list put
        // them, before the mark leaves them behind.
        return order == SortOrder.OLDEST_FIRST ? coverage.rescan() : Optional.empty();
    }

    private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(latest(a.get(), b.get()));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
