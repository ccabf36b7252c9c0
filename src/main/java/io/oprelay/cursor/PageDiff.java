package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.SortOrder;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Which results of a page (or a push) are new: not held in the window, not older than it, and not vouched for by a
 * walked span. Every other result that is not held says why (see {@link Skip}); results dated beyond now plus the
 * allowed clock skew are named. A result listed in every sweep is counted and warned about once.
 */
final class PageDiff {

    private static final Logger LOG = Logger.getLogger(PageDiff.class);
    /** How many skipped ids are remembered so that each is reported once. */
    private static final int REPORTED_AT_MOST = 1024;

    private final String feed;
    private final Duration lookback;
    private final Duration maxClockSkew;
    /** Ids already reported as skipped, so a result listed in every sweep is counted and warned about once. */
    private final Set<String> reported = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REPORTED_AT_MOST;
        }
    });

    PageDiff(String feed, Duration lookback, Duration maxClockSkew) {
        this.feed = feed;
        this.lookback = lookback;
        this.maxClockSkew = maxClockSkew;
    }

    /** The new results of a page or push, why the others not held were left out, and which are future-dated. */
    record Diff(List<RawResult> fresh, Map<String, Long> added, Map<Skip, Integer> skipped, List<String> futureDated) {
    }

    /**
     * @param head      the cursor's state before the items (its window bounds and mark)
     * @param published the ids held in the window
     * @param order     the order of {@code items} as a page of the list, or {@link SortOrder#UNKNOWN} for pushes
     */
    Diff diff(Checkpoint head, Map<String, Long> published, List<RawResult> items, SortOrder order, Instant now) {
        LongPredicate inWindow = head.window(lookback);
        long floor = Checkpoint.floor(head.completeThrough(), lookback);
        long futureFrom = now.plus(maxClockSkew).toEpochMilli();
        long[] times = items.stream().mapToLong(item -> CreationTime.of(item, now)).toArray();
        Ground ground = Ground.of(times, floor, order);
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
            } else if (published.containsKey(id) || added.containsKey(id)) {
                LOG.tracef("feed %s: result %s is held as published", feed, id);
            } else if (!inWindow.test(time)) {
                if (time <= floor && !ground.behind(i) && reported.add(id)) {
                    skipped.merge(Skip.OLDER_THAN_WINDOW, 1, Integer::sum);
                    warnListedTooLate(id, time, head.completeThrough());
                }
            } else {
                if (time > futureFrom) {
                    futureDated.add(id);
                }
                fresh.add(item);
                added.put(id, time);
            }
        }
        return new Diff(fresh, added, Collections.unmodifiableMap(skipped), List.copyOf(futureDated));
    }

    private void warnListedTooLate(String id, long time, Instant mark) {
        LOG.warnf("feed %s: result %s (created %s) is listed among newer results but is older than the window behind"
                + " the mark %s; it is not published", feed, id, Instant.ofEpochMilli(time), mark);
    }

    /**
     * Where a page reaches published ground: behind it (the tail of a newest-first page, the head of an oldest-first
     * one) a sweep reads results published long ago, as expected; anywhere else an old result is one listed too late.
     *
     * @param firstInside index of the first result inside the window's floor, or -1
     * @param lastInside  index of the last one, or -1
     */
    private record Ground(SortOrder order, int firstInside, int lastInside) {

        static Ground of(long[] times, long floor, SortOrder order) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < times.length; i++) {
                if (times[i] > floor) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            return new Ground(order, first, last);
        }

        boolean behind(int index) {
            return (order == SortOrder.NEWEST_FIRST && index > lastInside)
                    || (order == SortOrder.OLDEST_FIRST && (firstInside < 0 || index < firstInside));
        }
    }
}
