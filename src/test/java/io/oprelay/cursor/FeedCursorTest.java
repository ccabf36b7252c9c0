package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static io.oprelay.cursor.Pages.page;
import static io.oprelay.cursor.Pages.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The diff and the cursor, against a list whose pages use keyset tokens like the simulator's. */
class FeedCursorTest {

    private static final Duration LOOKBACK = Duration.ofMinutes(10);
    private static final Instant T0 = Instant.parse("2026-06-08T20:00:00Z");

    /** A list the cursor pages through. */
    interface Listing {
        String add(Instant at);

        ResultPage page(Optional<String> token, int size);

        Set<String> ids();
    }

    /** A list kept in key order, paged newest or oldest first with "after this key" tokens. */
    abstract static class KeyedList implements Listing {
        final TreeMap<String, RawResult> byKey = new TreeMap<>();
        final SortOrder order;
        private final String prefix;
        private int counter;

        KeyedList(SortOrder order, String prefix) {
            this.order = order;
            this.prefix = prefix;
        }

        /** Where a result created at {@code at} is listed. */
        abstract String key(String id, Instant at);

        @Override
        public String add(Instant at) {
            String id = String.format("%s%08d", prefix, counter++);
            byKey.put(key(id, at), result(id, at));
            return id;
        }

        @Override
        public ResultPage page(Optional<String> token, int size) {
            return Pages.keyset(byKey, order, token, size, byKey::get);
        }

        @Override
        public Set<String> ids() {
            Set<String> ids = new HashSet<>();
            byKey.values().forEach(r -> ids.add(r.id()));
            return ids;
        }
    }

    /**
     * A list in the order results were added (so a result added late is listed at the newest end, whatever its
     * creation time), paged with "after this id" tokens.
     */
    static final class ListModel extends KeyedList {
        /** The ids listed, in list order. */
        final Map<String, RawResult> items = byKey;

        ListModel(SortOrder order) {
            super(order, "r");
        }

        @Override
        String key(String id, Instant at) {
            return id;
        }
    }

    /**
     * A list sorted by creation time (so a result added late is listed where its creation time puts it, behind
     * results listed before it), paged with "after this key" tokens.
     */
    static final class TimeSortedList extends KeyedList {

        TimeSortedList(SortOrder order) {
            super(order, "t");
        }

        @Override
        String key(String id, Instant at) {
            return String.format("%015d#%s", at.toEpochMilli(), id);
        }
    }

    /** Runs a sweep the way the feed loop does and returns every id published, in order. */
    private static List<String> sweep(FeedCursor cursor, Listing list, int pageSize, Runnable betweenPages) {
        return Pages.sweep(cursor, list, pageSize, null, betweenPages);
    }

    @Test
    void newestFirstBackfillPublishesEveryResultOnceEvenWhileNewOnesArrive() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        for (int i = 0; i < 1000; i++) {
            list.add(T0.plusSeconds(i));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        int[] clock = {1000};
        List<String> published = new ArrayList<>(sweep(cursor, list, 50, () -> list.add(T0.plusSeconds(clock[0]++))));
        published.addAll(sweep(cursor, list, 50, () -> { }));
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.items.keySet());
        assertThat(cursor.order()).isEqualTo(SortOrder.NEWEST_FIRST);
        assertThat(sweep(cursor, list, 50, () -> { })).isEmpty();
    }

    @Test
    void aLateResultAtTheTopOfANewestFirstPageDoesNotTurnTheOrderAround() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        for (int i = 0; i < 2000; i++) {
            list.add(T0.plus(Duration.ofMinutes(i)));
        }
        // Listed first (newest by position) but created long before the page's other results.
        list.add(T0.plus(Duration.ofMinutes(1000)).plusSeconds(30));
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        List<String> published = sweep(cursor, list, 100, () -> { });
        assertThat(cursor.order()).isEqualTo(SortOrder.NEWEST_FIRST);
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.items.keySet());
    }

    @Test
    void aLateResultAtTheEndOfAnOldestFirstPageDoesNotTurnTheOrderAround() {
        ListModel list = new ListModel(SortOrder.OLDEST_FIRST);
        for (int i = 0; i < 99; i++) {
            list.add(T0.plus(Duration.ofMinutes(i)));
        }
        list.add(T0.minus(Duration.ofMinutes(5)));
        for (int i = 99; i < 500; i++) {
            list.add(T0.plus(Duration.ofMinutes(i)));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        List<String> published = sweep(cursor, list, 100, () -> { });
        assertThat(cursor.order()).isEqualTo(SortOrder.OLDEST_FIRST);
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.items.keySet());
    }

    @Test
    void aLateResultListedBehindTheTailOfAnOldestFirstListIsFoundByTheNextSweep() {
        TimeSortedList list = new TimeSortedList(SortOrder.OLDEST_FIRST);
        for (int i = 0; i < 3000; i++) {
            list.add(T0.plusSeconds(i));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        List<String> published = new ArrayList<>(sweep(cursor, list, 100, () -> { }));
        // Created five minutes before the newest result, listed only now: the list puts it before the tail.
        String late = list.add(T0.plusSeconds(3000 - 300));
        list.add(T0.plusSeconds(3000));
        int[] pages = {1};
        published.addAll(sweep(cursor, list, 100, () -> pages[0]++));
        assertThat(published).contains(late).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(list.ids());
        assertThat(pages[0]).as("the sweep starts behind the window, not at the top").isLessThanOrEqualTo(8);
        assertThat(sweep(cursor, list, 100, () -> { })).isEmpty();
    }

    @Test
    void aNewestFirstBackfillHoldsTheIdsOfTheWindowNotOfTheWholeBacklog() {
        TimeSortedList list = new TimeSortedList(SortOrder.NEWEST_FIRST);
        for (int i = 0; i < 20_000; i++) {
            list.add(T0.plusSeconds(i));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        int[] largest = {0};
        List<String> published = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<String> token = Optional.empty();
        for (int pages = 0; pages < 1000; pages++) {
            PageStep step = cursor.plan(token, list.page(token, 100), seen, Instant.now());
            token.ifPresent(seen::add);
            step.fresh().forEach(r -> published.add(r.id()));
            cursor.apply(step);
            largest[0] = Math.max(largest[0], cursor.windowSize());
            if (pages == 60) {
                // The token is rejected half-way: the walk starts again at the top over published ground.
                cursor.dropResumeToken();
                token = Optional.empty();
                seen.clear();
                continue;
            }
            if (step.endsSweep()) {
                break;
            }
            token = step.nextToken();
        }
        published.addAll(sweep(cursor, list, 100, () -> { }));
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.ids());
        assertThat(largest[0]).as("ids held during the backfill: the window's, pruned when they double")
                .isLessThanOrEqualTo(2 * FeedCursor.PRUNE_AT_LEAST + 100);
        assertThat(cursor.window()).as("the window itself: ten minutes of results").hasSizeLessThanOrEqualTo(601);
        FeedCursor restored = new FeedCursor(cursor.snapshot(), LOOKBACK);
        assertThat(sweep(restored, list, 100, () -> { })).isEmpty();
    }

    /**
     * Random lists (both orders, listed by arrival or by creation time), results arriving late within half the
     * window, tokens rejected and sweeps cut short at random, cursors restored from their checkpoints: every result
     * is published exactly once, and the ids held stay bounded by the window.
     */
    @Test
    void randomListsFaultsAndRestartsPublishEveryResultExactlyOnceWithABoundedWindow() {
        java.util.Random random = new java.util.Random(20261201L);
        for (int run = 0; run < 40; run++) {
            SortOrder order = random.nextBoolean() ? SortOrder.NEWEST_FIRST : SortOrder.OLDEST_FIRST;
            Listing list = random.nextBoolean() ? new ListModel(order) : new TimeSortedList(order);
            int pageSize = 5 + random.nextInt(60);
            long[] clock = {0};
            java.util.function.IntConsumer arrive = count -> {
                for (int i = 0; i < count; i++) {
                    clock[0] += 1 + random.nextInt(3);
                    long late = random.nextInt(10) == 0 ? random.nextInt((int) LOOKBACK.toSeconds() / 2) : 0;
                    list.add(T0.plusSeconds(clock[0] - late));
                }
            };
            arrive.accept(random.nextInt(3000));
            FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
            Map<String, Integer> counts = new HashMap<>();
            int largest = 0;
            for (int sweeps = 0; sweeps < 30; sweeps++) {
                Set<String> seen = new HashSet<>();
                Optional<String> token = cursor.resumeToken();
                for (int pages = 0; pages < 400; pages++) {
                    ResultPage page = list.page(token, pageSize);
                    int fault = random.nextInt(40);
                    if (fault == 0 && token.isPresent()) {
                        page = page(page.items()).next(token).build();
                    } else if (fault == 1) {
                        page = page(page.items()).withoutMeta().build();
                    }
                    PageStep step = cursor.plan(token, page, seen, Instant.now());
                    token.ifPresent(seen::add);
                    step.fresh().forEach(r -> counts.merge(r.id(), 1, Integer::sum));
                    cursor.apply(step);
                    largest = Math.max(largest, cursor.windowSize());
                    if (random.nextInt(50) == 0) {
                        arrive.accept(1 + random.nextInt(pageSize * 2));
                    }
                    if (random.nextInt(60) == 0) {
                        cursor = new FeedCursor(cursor.snapshot(), LOOKBACK);
                    }
                    if (random.nextInt(80) == 0 && token.isPresent()) {
                        cursor.dropResumeToken();
                        break;
                    }
                    if (step.endsSweep()) {
                        break;
                    }
                    token = step.nextToken();
                }
                if (sweeps < 20 && random.nextBoolean()) {
                    arrive.accept(random.nextInt(200));
                }
            }
            // Settle: clean sweeps until two in a row find nothing.
            int quiet = 0;
            for (int i = 0; i < 200 && quiet < 2; i++) {
                List<String> more = sweep(cursor, list, pageSize, () -> { });
                more.forEach(id -> counts.merge(id, 1, Integer::sum));
                quiet = more.isEmpty() ? quiet + 1 : 0;
            }
            String context = "run " + run + ": " + order + " " + list.getClass().getSimpleName() + ", pages of "
                    + pageSize;
            assertThat(counts.keySet()).as(context).containsExactlyInAnyOrderElementsOf(list.ids());
            assertThat(counts.values()).as(context + ": published once").allMatch(count -> count == 1);
            long window = LOOKBACK.toSeconds();
            assertThat(largest).as(context + ": ids held")
                    .isLessThanOrEqualTo((int) (2 * Math.max(FeedCursor.PRUNE_AT_LEAST, 3 * window) + 4 * pageSize));
        }
    }

    @Test
    void newestFirstSweepStopsOncePagesReachPublishedGround() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        for (int i = 0; i < 5000; i++) {
            list.add(T0.plusSeconds(i));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        sweep(cursor, list, 100, () -> { });
        list.add(T0.plusSeconds(6000));
        int[] pages = {0};
        List<String> second = sweep(cursor, list, 100, () -> pages[0]++);
        assertThat(second).hasSize(1);
        assertThat(pages[0]).as("pages read beyond the first").isLessThan(10);
        assertThat(cursor.windowSize()).as("window bounded by the look-back").isLessThanOrEqualTo(601 + 1);
    }

    @Test
    void oldestFirstKeepsTheTailTokenAndPicksUpAppendedResults() {
        ListModel list = new ListModel(SortOrder.OLDEST_FIRST);
        for (int i = 0; i < 1000; i++) {
            list.add(T0.plusSeconds(i));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        List<String> published = new ArrayList<>(sweep(cursor, list, 64, () -> { }));
        assertThat(cursor.order()).isEqualTo(SortOrder.OLDEST_FIRST);
        assertThat(cursor.resumeToken()).as("tail token kept").isPresent();
        for (int i = 0; i < 130; i++) {
            list.add(T0.plusSeconds(1000 + i));
        }
        published.addAll(sweep(cursor, list, 64, () -> { }));
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.items.keySet());
    }

    @Test
    void restartFromTheTopAfterARejectedTokenPublishesNothingTwice() {
        ListModel list = new ListModel(SortOrder.OLDEST_FIRST);
        for (int i = 0; i < 300; i++) {
            list.add(T0.plusSeconds(i));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        List<String> published = new ArrayList<>(sweep(cursor, list, 50, () -> { }));
        list.add(T0.plusSeconds(400));
        cursor.dropResumeToken();
        published.addAll(sweep(cursor, list, 50, () -> { }));
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.items.keySet());
    }

    @Test
    void aRepeatedTokenEndsTheSweepInsteadOfLooping() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        String a = list.add(T0);
        String b = list.add(T0.plusSeconds(1));
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        ResultPage looping = page(result(b, T0.plusSeconds(1)), result(a, T0)).next("t1").build();
        PageStep step = cursor.plan(Optional.of("t1"), looping, Set.of(), Instant.now());
        assertThat(step.endReason().map(SweepEnd::text)).contains("repeated page token");
        assertThat(step.fresh()).hasSize(2);
    }

    @Test
    void aNewestFirstSweepCutShortByARepeatedTokenIsFinishedByTheNextSweep() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        for (int i = 0; i < 2000; i++) {
            list.add(T0.plus(Duration.ofMinutes(i)));
        }
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        ResultPage first = list.page(Optional.empty(), 100);
        PageStep one = cursor.plan(Optional.empty(), first, Set.of(), Instant.now());
        cursor.apply(one);
        Optional<String> token = one.nextToken();
        ResultPage looping = list.page(token, 100);
        looping = page(looping.items()).next(token).build();
        PageStep two = cursor.plan(token, looping, Set.of(), Instant.now());
        assertThat(two.endReason()).contains(SweepEnd.REPEATED_TOKEN);
        cursor.apply(two);
        List<String> published = new ArrayList<>();
        one.fresh().forEach(r -> published.add(r.id()));
        two.fresh().forEach(r -> published.add(r.id()));
        published.addAll(sweep(cursor, list, 100, () -> { }));
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(list.items.keySet());
    }

    @Test
    void aPageWithoutMetaEndsTheSweepAndStillPublishesItsItems() {
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        ResultPage noMeta = page(result("r1", T0)).withoutMeta().build();
        PageStep step = cursor.plan(Optional.empty(), noMeta, Set.of(), Instant.now());
        assertThat(step.endReason().map(SweepEnd::text)).contains("page without meta");
        assertThat(step.fresh()).extracting(RawResult::id).containsExactly("r1");
    }

    @Test
    void planChangesNothingUntilApplied() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        list.add(T0);
        list.add(T0.plusSeconds(1));
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        PageStep step = cursor.plan(Optional.empty(), list.page(Optional.empty(), 10), Set.of(), Instant.now());
        PageStep again = cursor.plan(Optional.empty(), list.page(Optional.empty(), 10), Set.of(), Instant.now());
        assertThat(again.fresh()).hasSameSizeAs(step.fresh()).hasSize(2);
        cursor.apply(step);
        assertThat(cursor.plan(Optional.empty(), list.page(Optional.empty(), 10), Set.of(), Instant.now()).fresh())
                .isEmpty();
    }

    @Test
    void resultsOlderThanTheWindowAreNotPublishedAgainAfterRestore() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        for (int i = 0; i < 100; i++) {
            list.add(T0.plus(Duration.ofMinutes(i)));
        }
        FeedCursor first = new FeedCursor(Checkpoint.initial("f"), LOOKBACK);
        sweep(first, list, 30, () -> { });
        FeedCursor restored = new FeedCursor(first.snapshot(), LOOKBACK);
        assertThat(restored.windowSize()).isLessThanOrEqualTo(11);
        assertThat(sweep(restored, list, 30, () -> { })).isEmpty();
    }
}
