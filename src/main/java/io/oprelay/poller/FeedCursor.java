package io.oprelay.poller;

import io.oprelay.publisher.Checkpoint;
import io.oprelay.publisher.SweepCoverage;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import io.oprelay.twilio.Ttid;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
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
 * new when it is not in the window, not older than the window, and not vouched for by a walked span.
 *
 * <p>Newest first, each sweep starts at the top and walks down until results reach published ground; C moves to the
 * sweep's newest result when it gets there. The walk's span vouches for what it passed, so the ids it published
 * older than its top minus the look-back are let go: memory is bounded by the window even during a backfill that has
 * not moved C yet. Oldest first, C follows each page; once a sweep reaches the end of the list, the next one starts
 * again from a page that begins at or before the window's floor (or from the top when there is none yet), so a
 * result listed late but created inside the window is still found wherever the list puts it.
 *
 * <p>Input cannot move the mark out of reach: the times that move it (a page's newest result, a sweep's newest) are
 * capped at now, so the mark never passes the present and the look-back behind it stays whole. A result dated ahead
 * is still published once (its id is held in the window with its own time, so the window, not the clock, decides
 * that it is not published again), and later results stay inside the window. One dated beyond now plus the allowed
 * clock skew is named in {@link PageStep#futureDated()}. A checkpoint whose mark is already beyond now plus the skew
 * (written before the cap existed) is brought back to now when restored.
 *
 * <p>Every result on a page that is neither published nor held as published says why in {@link PageStep#skipped()}
 * (see {@link Skip}), and future-dated ones are listed in {@link PageStep#futureDated()}.
 *
 * <p>Not thread-safe: one feed loop owns it. {@link #plan} computes a page's effect without changing anything;
 * {@link #apply} makes it current once the page's transaction has committed.
 */
public final class FeedCursor {

    private static final Logger LOG = Logger.getLogger(FeedCursor.class);
    /** The clock skew allowed when none is given (tests, tools): the default of {@code relay.poller.max-clock-skew}. */
    static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    /** Why a result on a page was not published although its id was not held as published. */
    public enum Skip {
        /**
         * Created at or before the window's floor, yet listed among newer results (or pushed): listed too late to be
         * told apart from one published long ago. Results a sweep re-reads behind published ground are not counted.
         */
        OLDER_THAN_WINDOW("older-than-window"),
        /** The result has no id, so it cannot be published exactly once. */
        NO_ID("no-id");

        private final String tag;

        Skip(String tag) {
            this.tag = tag;
        }

        /** The value of the {@code reason} tag of {@code relay.poller.skipped}. */
        public String tag() {
            return tag;
        }
    }

    static final String END_OF_LIST = "end of list";
    static final String REACHED_PUBLISHED = "reached published results";
    static final String REPEATED_TOKEN = "repeated page token";
    static final String NO_META = "page without meta";
    /** Below this many held ids, a walk's narrowing of the window is not worth a pruning pass. */
    static final int PRUNE_AT_LEAST = 1024;

    private final String feed;
    private final Duration lookback;
    private final Duration maxClockSkew;
    private Optional<String> resumeToken;
    private Instant completeThrough;
    private Optional<Instant> sweepMax;
    private SortOrder order;
    private SweepCoverage coverage;
    /** Oldest first: tokens of pages walked, with the creation time their page starts at or after, oldest first. */
    private List<RescanPoint> rescanPoints;
    private final Map<String, Long> published;
    /** Ids already reported as skipped, so a result listed in every sweep is counted and warned about once (bounded). */
    private final Set<String> reported = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1024;
        }
    });
    /** Ids held after the last pruning; see {@link #apply}. */
    private int heldAfterPruning;

    /** Oldest first: the token of a page, and {@code from}, the newest creation time on the page before it. */
    record RescanPoint(String token, long from) {
    }

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
        this.maxClockSkew = maxClockSkew;
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

    /** Creation time of a result: {@code dateCreated}, else the time in its id, else now (kept in the window). */
    static long timeOf(RawResult result, Instant now) {
        if (result.view().dateCreated() != null) {
            return result.view().dateCreated().toEpochMilli();
        }
        return Ttid.creationTime(result.id()).orElse(now).toEpochMilli();
    }

    /**
     * The effect of a page fetched with {@code tokenUsed}.
     *
     * @param tokensSeen tokens already used in this sweep; a next token among them ends the sweep (no loop)
     */
    public PageStep plan(Optional<String> tokenUsed, ResultPage page, Set<String> tokensSeen, Instant now) {
        // Every page that can tell says which order it is in; the remembered order serves pages that cannot.
        SortOrder detected = order(page.items(), now);
        Diff diff = diff(page.items(), detected, now);
        List<RawResult> fresh = diff.fresh();
        Map<String, Long> added = diff.added();
        long pageMin = Long.MAX_VALUE;
        long pageMax = Long.MIN_VALUE;
        // The times that move the mark are capped: a result dated ahead must not push later ones out of the window.
        long cap = now.toEpochMilli();
        for (RawResult item : page.items()) {
            long time = Math.min(timeOf(item, now), cap);
            pageMin = Math.min(pageMin, time);
            pageMax = Math.max(pageMax, time);
        }
        boolean anyItems = !page.items().isEmpty();
        Optional<Instant> max = anyItems ? Optional.of(Instant.ofEpochMilli(pageMax)) : Optional.empty();
        Optional<Instant> newSweepMax = latest(sweepMax, max);
        Instant newComplete = completeThrough;
        if (detected == SortOrder.OLDEST_FIRST && max.isPresent()) {
            newComplete = latest(newComplete, max.get());
        }
        // A page read from the top starts a new walk; one read with a token goes on with the walk of its sweep.
        SweepCoverage newCoverage = tokenUsed.isEmpty() ? coverage.newWalk() : coverage;
        if (detected == SortOrder.NEWEST_FIRST && anyItems) {
            newCoverage = newCoverage.walked(pageMax);
        }

        Optional<String> next = page.metaPresent() ? page.nextToken().filter(t -> !t.isBlank()) : Optional.empty();
        Optional<String> endReason = Optional.empty();
        if (!page.metaPresent()) {
            endReason = Optional.of(NO_META);
        } else if (next.isEmpty()) {
            endReason = Optional.of(END_OF_LIST);
        } else if (next.equals(tokenUsed) || tokensSeen.contains(next.get())) {
            endReason = Optional.of(REPEATED_TOKEN);
        } else if (detected == SortOrder.NEWEST_FIRST && anyItems && pageMin <= floor(newComplete)) {
            endReason = Optional.of(REACHED_PUBLISHED);
        }

        // Oldest first, remember where the next page starts, and move the rescan token up to the newest such point
        // that lies at or before the window's floor.
        List<RescanPoint> points = tokenUsed.isEmpty() ? List.of() : rescanPoints;
        if (detected == SortOrder.OLDEST_FIRST && anyItems && next.isPresent() && endReason.isEmpty()) {
            List<RescanPoint> grown = new ArrayList<>(points);
            // The page's newest result, not its last one: a last result listed out of place would make the point
            // look further behind than it is.
            grown.add(new RescanPoint(next.get(), pageMax));
            points = grown;
        }
        long newFloor = floor(newComplete);
        int due = -1;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).from() <= newFloor) {
                due = i;
            }
        }
        if (due >= 0) {
            newCoverage = newCoverage.withRescan(Optional.of(points.get(due).token()));
            points = List.copyOf(points.subList(due + 1, points.size()));
        }

        Optional<String> nextResume;
        if (endReason.isEmpty()) {
            nextResume = next;
        } else {
            String reason = endReason.get();
            // The next sweep walks these pages again and finds their points anew.
            points = List.of();
            if (detected == SortOrder.OLDEST_FIRST) {
                // At the end of the list, or cut short (a repeated token, a page without meta): start again behind
                // the window, so that results listed late but created inside it are found wherever the list put
                // them, before the mark leaves them behind.
                nextResume = newCoverage.rescan();
            } else {
                nextResume = Optional.empty();
            }
            // Only a sweep that really reached the end of the list or published ground proves everything up to its
            // newest result published. One cut short (a repeated token, a page without meta) does not: the next
            // sweep goes on down to the old mark, skipping what this one published.
            boolean covered = END_OF_LIST.equals(reason) || REACHED_PUBLISHED.equals(reason);
            if (covered || detected == SortOrder.OLDEST_FIRST) {
                if (newSweepMax.isPresent()) {
                    newComplete = latest(newComplete, newSweepMax.get());
                }
                newSweepMax = Optional.empty();
            }
            if (covered) {
                // The mark now covers every span walked since it last moved.
                newCoverage = newCoverage.spansCleared();
            }
        }
        Checkpoint after = new Checkpoint(feed, nextResume, newComplete, newSweepMax, detected,
                Collections.unmodifiableMap(published), newCoverage);
        return new PageStep(List.copyOf(fresh), Collections.unmodifiableMap(added), after,
                endReason.isEmpty() ? next : Optional.empty(), endReason, points, diff.skipped(), diff.futureDated());
    }

    /** The results of a page or a push that are new, why the others that are not held were left out, and which are future-dated. */
    private record Diff(List<RawResult> fresh, Map<String, Long> added, Map<Skip, Integer> skipped,
                        List<String> futureDated) {
    }

    /**
     * @param order the order of {@code items} as a page of the list, or {@link SortOrder#UNKNOWN} for pushed results
     */
    private Diff diff(List<RawResult> items, SortOrder order, Instant now) {
        LongPredicate inWindow = head().window(lookback);
        long floor = floor(completeThrough);
        long futureFrom = now.plus(maxClockSkew).toEpochMilli();
        long[] times = new long[items.size()];
        int firstInside = -1;
        int lastInside = -1;
        for (int i = 0; i < items.size(); i++) {
            times[i] = timeOf(items.get(i), now);
            if (times[i] > floor) {
                firstInside = firstInside < 0 ? i : firstInside;
                lastInside = i;
            }
        }
        List<RawResult> fresh = new ArrayList<>();
        Map<String, Long> added = new LinkedHashMap<>();
        Map<Skip, Integer> skipped = new EnumMap<>(Skip.class);
        List<String> futureDated = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            RawResult item = items.get(i);
            String id = item.id();
            long time = times[i];
            if (id == null) {
                skipped.merge(Skip.NO_ID, 1, Integer::sum);
                LOG.debugf("feed %s: skipped a result without an id", feed);
                continue;
            }
            if (published.containsKey(id) || added.containsKey(id)) {
                continue;
            }
            if (!inWindow.test(time)) {
                // Behind published ground (the tail of a newest-first page, the head of an oldest-first one) a sweep
                // reads results published long ago: expected. Anywhere else it is a result listed too late.
                boolean behindGround = (order == SortOrder.NEWEST_FIRST && i > lastInside)
                        || (order == SortOrder.OLDEST_FIRST && (firstInside < 0 || i < firstInside));
                if (time <= floor && !behindGround) {
                    // Counted and warned about once per result, not once per sweep that reads it again.
                    if (reported.add(id)) {
                        skipped.merge(Skip.OLDER_THAN_WINDOW, 1, Integer::sum);
                        LOG.warnf("feed %s: result %s (created %s) is listed among newer results but is older than"
                                + " the window behind the mark %s; it is not published", feed, id,
                                Instant.ofEpochMilli(time), completeThrough);
                    }
                } else {
                    LOG.tracef("feed %s: result %s is behind published ground", feed, id);
                }
                continue;
            }
            if (time > futureFrom) {
                futureDated.add(id);
            }
            fresh.add(item);
            added.put(id, time);
        }
        return new Diff(fresh, added, Collections.unmodifiableMap(skipped), List.copyOf(futureDated));
    }


    /**
     * The order after a page: the first pages that clearly tell set it; once known, it changes only when a page
     * contradicts it at every step. A few results listed out of place must not turn it: read oldest first while the
     * list is newest first, the mark would move past results not walked yet; read newest first while it is oldest
     * first, the sweep would stop at published ground and never reach the end of the list.
     */
    private SortOrder order(List<RawResult> items, Instant now) {
        Steps steps = steps(items, now);
        if (order == SortOrder.UNKNOWN) {
            return steps.clearOrder().orElse(SortOrder.UNKNOWN);
        }
        SortOrder opposite = order == SortOrder.NEWEST_FIRST ? SortOrder.OLDEST_FIRST : SortOrder.NEWEST_FIRST;
        return steps.unanimous().filter(opposite::equals).orElse(order);
    }

    /** How many steps from one result to the next go up in time and how many go down. */
    record Steps(int up, int down) {

        /** One direction at least twice as often as the other, plus one, and at least twice. */
        Optional<SortOrder> clearOrder() {
            if (up >= 2 && up >= 2 * down + 1) {
                return Optional.of(SortOrder.OLDEST_FIRST);
            }
            if (down >= 2 && down >= 2 * up + 1) {
                return Optional.of(SortOrder.NEWEST_FIRST);
            }
            return Optional.empty();
        }

        /** Every step, and at least two, in one direction. */
        Optional<SortOrder> unanimous() {
            if (up >= 2 && down == 0) {
                return Optional.of(SortOrder.OLDEST_FIRST);
            }
            if (down >= 2 && up == 0) {
                return Optional.of(SortOrder.NEWEST_FIRST);
            }
            return Optional.empty();
        }
    }

    /**
     * The steps of a page from each result to the next. The time compared is the one in the id where both ids carry
     * it (ids are time-ordered UUIDv7), else their creation times; equal times are no step.
     */
    static Steps steps(List<RawResult> items, Instant now) {
        int up = 0;
        int down = 0;
        for (int i = 1; i < items.size(); i++) {
            int step = compareInTime(items.get(i - 1), items.get(i), now);
            if (step < 0) {
                up++;
            } else if (step > 0) {
                down++;
            }
        }
        return new Steps(up, down);
    }

    private static int compareInTime(RawResult a, RawResult b, Instant now) {
        Optional<Instant> idTimeA = a.id() == null ? Optional.empty() : Ttid.creationTime(a.id());
        Optional<Instant> idTimeB = b.id() == null ? Optional.empty() : Ttid.creationTime(b.id());
        if (idTimeA.isPresent() && idTimeB.isPresent()) {
            int byIdTime = idTimeA.get().compareTo(idTimeB.get());
            // Within one millisecond the rest of a UUIDv7 id is random, not a sequence: it says nothing of order.
            return byIdTime != 0 ? byIdTime : Long.compare(timeOf(a, now), timeOf(b, now));
        }
        return Long.compare(timeOf(a, now), timeOf(b, now));
    }

    /**
     * The effect of results pushed by a webhook: fresh ones (not in the window and not older than it) join the
     * window; the resume token, the mark and the detected order stay as they are, since pushed results say nothing
     * about where the list stands.
     */
    public PageStep planPushed(List<RawResult> results, Instant now) {
        Diff diff = diff(results, SortOrder.UNKNOWN, now);
        Checkpoint after = new Checkpoint(feed, resumeToken, completeThrough, sweepMax, order,
                Collections.unmodifiableMap(published), coverage);
        return new PageStep(List.copyOf(diff.fresh()), Collections.unmodifiableMap(diff.added()), after,
                Optional.empty(), Optional.empty(), rescanPoints, diff.skipped(), diff.futureDated());
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
        return new Checkpoint(feed, resumeToken, completeThrough, sweepMax, order,
                Collections.unmodifiableMap(new HashMap<>(published)), coverage);
    }

    private long floor(Instant complete) {
        if (complete.equals(Instant.EPOCH)) {
            return Long.MIN_VALUE;
        }
        return complete.minus(lookback).toEpochMilli();
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
