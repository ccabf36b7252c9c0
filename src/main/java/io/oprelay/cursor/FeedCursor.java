package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * A feed's position in the list and the diff that keeps publishing exactly once, whatever the list's sort order and
 * whatever its page tokens do.
 *
 * <p>State: {@code completeThrough} C (every result created up to C minus the look-back has been published), the ids
 * published inside the window (creation time after C minus the look-back), the token to resume from, the detected
 * order, the newest time seen by an unfinished sweep, and the {@link SweepCoverage} of unfinished sweeps. A result is
 * new when it is not in the window, not older than the window, and not vouched for by a walked span
 * ({@link PageDiff}).
 *
 * <p>Newest first, each sweep starts at the top and walks down until results reach published ground; C moves to the
 * sweep's newest result when it gets there. The walk's span vouches for what it passed, so the ids it published
 * older than its top minus the look-back are let go: memory is bounded by the window even during a backfill that has
 * not moved C yet. Oldest first, C follows each page; once a sweep reaches the end of the list, the next one starts
 * again from a page that begins at or before the window's floor (or from the top when there is none yet), so a
 * result listed late but created inside the window is still found wherever the list puts it ({@link PagePlan}).
 *
 * <p>Input cannot move the mark out of reach: the times that move it (a page's newest result, a sweep's newest) are
 * capped at now, so the mark never passes the present and the look-back behind it stays whole. A result dated ahead
 * is still published once (its id is held in the window with its own time, so the window, not the clock, decides
 * that it is not published again), and later results stay inside the window. One dated beyond now plus the allowed
 * clock skew is named in {@link PageStep#futureDated()}. A checkpoint whose mark is already beyond now plus the skew
 * (written before the cap existed) is brought back to now when restored.
 *
 * <p>Not thread-safe: one feed loop owns it. {@link #plan} computes a page's effect without changing anything;
 * {@link #apply} makes it current once the page's transaction has committed.
 */
public final class FeedCursor {

    private static final Logger LOG = Logger.getLogger(FeedCursor.class);
    /** The clock skew allowed when none is given (tests, tools): the default of {@code relay.poller.max-clock-skew}. */
    static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Below this many held ids, a walk's narrowing of the window is not worth a pruning pass. */
    static final int PRUNE_AT_LEAST = 1024;

    private final String feed;
    private final Duration lookback;
    private final PageDiff differ;
    private Optional<String> resumeToken;
    private Instant completeThrough;
    private Optional<Instant> sweepMax;
    private SortOrder order;
    private SweepCoverage coverage;
    /** Oldest first: the pages walked in this sweep that may later become its rescan point, oldest first. */
    private List<RescanPoint> rescanPoints;
    private final Map<String, Long> published;
    /** Ids held after the last pruning; see {@link #apply}. */
    private int heldAfterPruning;

    public FeedCursor(Checkpoint checkpoint, Duration lookback) {
        this(checkpoint, lookback, DEFAULT_MAX_CLOCK_SKEW, Instant.now());
    }

    /**
     * @param maxClockSkew how far ahead of {@code now} a creation time may be before the result counts as
     *                     future-dated, and a restored mark as out of reach
     * @param now          the time of the restore: a mark beyond {@code now + maxClockSkew} is brought back to now
     */
    public FeedCursor(Checkpoint checkpoint, Duration lookback, Duration maxClockSkew, Instant now) {
        this.feed = checkpoint.feed();
        this.lookback = lookback;
        this.differ = new PageDiff(feed, lookback, maxClockSkew);
        this.resumeToken = checkpoint.resumeToken();
        Instant cap = now.plus(maxClockSkew);
        // Another replica's mark may be a little ahead of this clock: only a mark beyond the skew is repaired.
        if (checkpoint.completeThrough().isAfter(cap)) {
            // A result dated in the future moved the mark there before the cap existed: every later result would
            // fall behind the window. Results created within the look-back before that result was read may be
            // published again (their ids were let go when the mark jumped); without this the feed publishes nothing.
            LOG.warnf("feed %s: the checkpoint's complete-through mark %s is beyond now plus the allowed clock skew;"
                    + " bringing it back to %s", feed, checkpoint.completeThrough(), now);
            this.completeThrough = now;
        } else {
            this.completeThrough = checkpoint.completeThrough();
        }
        this.sweepMax = checkpoint.sweepMax().map(max -> max.isAfter(cap) ? now : max);
        this.order = checkpoint.order();
        this.coverage = checkpoint.coverage();
        this.rescanPoints = List.of();
        this.published = new LinkedHashMap<>(checkpoint.published());
    }

    /**
     * The effect of a page fetched with {@code tokenUsed}: its new results ({@link PageDiff}, against the order the
     * page tells, or the remembered one) and where it leaves the cursor ({@link PagePlan}).
     *
     * @param tokensSeen tokens already used in this sweep; a next token among them ends the sweep (no loop)
     */
    public PageStep plan(Optional<String> tokenUsed, ResultPage page, Set<String> tokensSeen, Instant now) {
        SortOrder detected = OrderDetection.after(order, page.items(), now);
        PageDiff.Diff diff = differ.diff(head(), published, page.items(), detected, now);
        PagePlan.Planned planned = PagePlan.plan(head(), rescanPoints, lookback, detected, tokenUsed, page,
                tokensSeen, now);
        return step(diff, planned.next(), planned.nextToken(), planned.end(), planned.points());
    }

    /**
     * The effect of results pushed by a webhook: fresh ones (not in the window and not older than it) join the
     * window; the resume token, the mark and the detected order stay as they are, since pushed results say nothing
     * about where the list stands.
     */
    public PageStep planPushed(List<RawResult> results, Instant now) {
        PageDiff.Diff diff = differ.diff(head(), published, results, SortOrder.UNKNOWN, now);
        return step(diff, head(), Optional.empty(), Optional.empty(), rescanPoints);
    }

    private PageStep step(PageDiff.Diff diff, Checkpoint next, Optional<String> nextToken, Optional<SweepEnd> end,
                          List<RescanPoint> points) {
        return new PageStep(List.copyOf(diff.fresh()), Collections.unmodifiableMap(diff.added()),
                next.withPublished(Collections.unmodifiableMap(published)), nextToken, end, points, diff.skipped(),
                diff.futureDated());
    }

    /**
     * Whether committing {@code step} changes what the checkpoint says: new results, another token, mark or order,
     * or the end of a sweep. A page that changes nothing need not be written.
     */
    public boolean changedBy(PageStep step) {
        return !step.fresh().isEmpty()
                || !step.next().resumeToken().equals(resumeToken)
                || !step.next().completeThrough().equals(completeThrough)
                || step.next().order() != order
                || step.endsSweep();
    }

    /** The ids of the window once {@code step} is applied (a fresh map; the cursor is not changed). */
    public Map<String, Long> windowAfter(PageStep step) {
        LongPredicate inWindow = step.next().window(lookback);
        Map<String, Long> window = new LinkedHashMap<>();
        keep(published, inWindow, window);
        keep(step.added(), inWindow, window);
        return window;
    }

    /** The checkpoint's scalar state (token, mark, order, coverage); the window goes with it as segments. */
    public Checkpoint head() {
        return new Checkpoint(feed, resumeToken, completeThrough, sweepMax, order, Map.of(), coverage);
    }

    /** A copy of the ids inside the window. */
    public Map<String, Long> window() {
        Map<String, Long> window = new LinkedHashMap<>();
        keep(published, head().window(lookback), window);
        return window;
    }

    private static void keep(Map<String, Long> ids, LongPredicate inWindow, Map<String, Long> into) {
        ids.forEach((id, time) -> {
            if (inWindow.test(time)) {
                into.put(id, time);
            }
        });
    }

    /**
     * Makes a page current (the feed loop commits it with the next transaction). Ids that left the window are let
     * go when the mark moved, and otherwise once the held ids doubled since the last pruning: a walk narrows the
     * window a little with every page, and pruning each time would cost a pass over the window per page.
     */
    public void apply(PageStep step) {
        Checkpoint next = step.next();
        boolean advanced = next.completeThrough().isAfter(completeThrough);
        resumeToken = next.resumeToken();
        completeThrough = next.completeThrough();
        sweepMax = next.sweepMax();
        order = next.order();
        coverage = next.coverage();
        rescanPoints = step.rescanPoints();
        published.putAll(step.added());
        if (advanced || published.size() >= 2 * Math.max(PRUNE_AT_LEAST, heldAfterPruning)) {
            LongPredicate inWindow = head().window(lookback);
            published.values().removeIf(time -> !inWindow.test(time));
            heldAfterPruning = published.size();
        }
    }

    /** Forgets the resume token (it was rejected as expired or invalid): the sweep starts again at the top. */
    public void dropResumeToken() {
        if (coverage.rescan().isPresent() && coverage.rescan().equals(resumeToken)) {
            coverage = coverage.withRescan(Optional.empty());
        }
        resumeToken = Optional.empty();
    }

    public Optional<String> resumeToken() {
        return resumeToken;
    }

    public Instant completeThrough() {
        return completeThrough;
    }

    public SortOrder order() {
        return order;
    }

    public int windowSize() {
        return published.size();
    }

    public boolean isPublished(String id) {
        return published.containsKey(id);
    }

    /** The current state as a checkpoint (the window is a read-only view). */
    public Checkpoint snapshot() {
        return head().withPublished(Collections.unmodifiableMap(new HashMap<>(published)));
    }
}
