package io.oprelay.poller;

import io.oprelay.publisher.Checkpoint;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import io.oprelay.twilio.Ttid;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A feed's position in the list and the diff that keeps publishing exactly once, whatever the list's sort order and
 * whatever its page tokens do.
 *
 * <p>State: {@code completeThrough} C (every result created up to C minus the look-back has been published), the ids
 * published inside the window (creation time after C minus the look-back), the token to resume from, the detected
 * order, and the newest time seen by an unfinished sweep. A result is new when it is not in the window and not
 * older than the window. When results come oldest first, C follows each page and the tail page's token is kept to
 * pick up what is appended; newest first, each sweep starts at the top and stops where results reach published
 * ground, and C moves at the end of the sweep. Memory is bounded by the window, not by history.
 *
 * <p>Not thread-safe: one feed loop owns it. {@link #plan} computes a page's effect without changing anything;
 * {@link #apply} makes it current once the page's transaction has committed.
 */
public final class FeedCursor {

    static final String END_OF_LIST = "end of list";
    static final String REACHED_PUBLISHED = "reached published results";
    static final String REPEATED_TOKEN = "repeated page token";
    static final String NO_META = "page without meta";

    private final String feed;
    private final Duration lookback;
    private Optional<String> resumeToken;
    private Instant completeThrough;
    private Optional<Instant> sweepMax;
    private SortOrder order;
    private final Map<String, Long> published;

    public FeedCursor(Checkpoint checkpoint, Duration lookback) {
        this.feed = checkpoint.feed();
        this.lookback = lookback;
        this.resumeToken = checkpoint.resumeToken();
        this.completeThrough = checkpoint.completeThrough();
        this.sweepMax = checkpoint.sweepMax();
        this.order = checkpoint.order();
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
        long floor = floor(completeThrough);
        List<RawResult> fresh = new ArrayList<>();
        Map<String, Long> added = new LinkedHashMap<>();
        long pageMin = Long.MAX_VALUE;
        long pageMax = Long.MIN_VALUE;
        for (int i = 0; i < page.items().size(); i++) {
            RawResult item = page.items().get(i);
            long time = timeOf(item, now);
            pageMin = Math.min(pageMin, time);
            pageMax = Math.max(pageMax, time);
            String id = item.id();
            if (id == null || time <= floor || published.containsKey(id) || added.containsKey(id)) {
                continue;
            }
            fresh.add(item);
            added.put(id, time);
        }
        // Every page that can tell says which order it is in; the remembered order serves pages that cannot.
        SortOrder detected = orderOf(page.items(), now).orElse(order);
        boolean anyItems = !page.items().isEmpty();
        Optional<Instant> max = anyItems ? Optional.of(Instant.ofEpochMilli(pageMax)) : Optional.empty();
        Optional<Instant> newSweepMax = latest(sweepMax, max);
        Instant newComplete = completeThrough;
        if (detected == SortOrder.OLDEST_FIRST && max.isPresent()) {
            newComplete = latest(newComplete, max.get());
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

        Optional<String> nextResume;
        if (endReason.isEmpty()) {
            nextResume = next;
        } else {
            // Oldest first, the tail page's token shows what is appended later; otherwise the next sweep starts at the top.
            boolean keepTail = detected == SortOrder.OLDEST_FIRST && !REACHED_PUBLISHED.equals(endReason.get());
            nextResume = keepTail ? tokenUsed : Optional.empty();
            // Only a sweep that really reached the end of the list or published ground proves everything up to its
            // newest result published. One cut short (a repeated token, a page without meta) does not: the next
            // sweep goes on down to the old mark, skipping what this one published.
            boolean covered = END_OF_LIST.equals(endReason.get()) || REACHED_PUBLISHED.equals(endReason.get());
            if (covered || detected == SortOrder.OLDEST_FIRST) {
                if (newSweepMax.isPresent()) {
                    newComplete = latest(newComplete, newSweepMax.get());
                }
                newSweepMax = Optional.empty();
            }
        }
        Checkpoint after = new Checkpoint(feed, nextResume, newComplete, newSweepMax, detected,
                Collections.unmodifiableMap(published));
        return new PageStep(List.copyOf(fresh), Collections.unmodifiableMap(added), after,
                endReason.isEmpty() ? next : Optional.empty(), endReason);
    }

    /**
     * The order a page is in, by a vote of its neighbouring results: most steps from one result to the next go up in
     * time (oldest first) or down (newest first). One late or early result cannot turn the order around, as it
     * could if only the first and the last result were compared. The time is the one in the id where both ids carry
     * it (ids are time-ordered UUIDv7), else their creation times. Empty when the page cannot tell (fewer than two
     * results, all at one time, or a tie).
     */
    static Optional<SortOrder> orderOf(List<RawResult> items, Instant now) {
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
        if (up == down) {
            return Optional.empty();
        }
        return Optional.of(up > down ? SortOrder.OLDEST_FIRST : SortOrder.NEWEST_FIRST);
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
        long floor = floor(completeThrough);
        List<RawResult> fresh = new ArrayList<>();
        Map<String, Long> added = new LinkedHashMap<>();
        for (RawResult result : results) {
            String id = result.id();
            long time = timeOf(result, now);
            if (id == null || time <= floor || published.containsKey(id) || added.containsKey(id)) {
                continue;
            }
            fresh.add(result);
            added.put(id, time);
        }
        Checkpoint after = new Checkpoint(feed, resumeToken, completeThrough, sweepMax, order,
                Collections.unmodifiableMap(published));
        return new PageStep(List.copyOf(fresh), Collections.unmodifiableMap(added), after, Optional.empty(),
                Optional.empty());
    }

    /** The ids of the window once {@code step} is applied (a fresh map; the cursor is not changed). */
    public Map<String, Long> windowAfter(PageStep step) {
        long floor = floor(step.next().completeThrough());
        Map<String, Long> window = new LinkedHashMap<>();
        published.forEach((id, time) -> {
            if (time > floor) {
                window.put(id, time);
            }
        });
        step.added().forEach((id, time) -> {
            if (time > floor) {
                window.put(id, time);
            }
        });
        return window;
    }

    /** The checkpoint's scalar state (token, mark, order); the window goes with it as segments, see {@link #window()}. */
    public Checkpoint head() {
        return new Checkpoint(feed, resumeToken, completeThrough, sweepMax, order, Map.of());
    }

    /** A copy of the ids inside the window. */
    public Map<String, Long> window() {
        long floor = floor(completeThrough);
        Map<String, Long> window = new LinkedHashMap<>();
        published.forEach((id, time) -> {
            if (time > floor) {
                window.put(id, time);
            }
        });
        return window;
    }

    /** Makes a page current (the feed loop commits it with the next transaction). */
    public void apply(PageStep step) {
        Checkpoint next = step.next();
        boolean advanced = next.completeThrough().isAfter(completeThrough);
        resumeToken = next.resumeToken();
        completeThrough = next.completeThrough();
        sweepMax = next.sweepMax();
        order = next.order();
        published.putAll(step.added());
        if (advanced) {
            long floor = floor(completeThrough);
            published.values().removeIf(time -> time <= floor);
        }
    }

    /** Forgets the resume token (it was rejected as expired or invalid): the sweep starts again at the top. */
    public void dropResumeToken() {
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
                Collections.unmodifiableMap(new HashMap<>(published)));
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
