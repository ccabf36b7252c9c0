package io.oprelay.cursor;

import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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

    /**
     * A list in the order results were added (so a result added late is listed at the newest end, whatever its
     * creation time), paged newest or oldest first with "after this id" tokens.
     */
    static final class ListModel implements Listing {
        final TreeMap<String, Instant> items = new TreeMap<>();
        final SortOrder order;
        int counter;

        ListModel(SortOrder order) {
            this.order = order;
        }

        @Override
        public String add(Instant at) {
            String id = String.format("r%08d", counter++);
            items.put(id, at);
            return id;
        }

        @Override
        public ResultPage page(Optional<String> token, int size) {
            List<String> ids = new ArrayList<>(order == SortOrder.NEWEST_FIRST
                    ? (token.isPresent() ? items.headMap(token.get(), false).descendingKeySet()
                    : items.descendingKeySet())
                    : (token.isPresent() ? items.tailMap(token.get(), false).keySet() : items.keySet()));
            List<String> slice = ids.subList(0, Math.min(size, ids.size()));
            Optional<String> next = ids.size() > size ? Optional.of(slice.get(slice.size() - 1)) : Optional.empty();
            List<RawResult> results = slice.stream().map(id -> result(id, items.get(id))).toList();
            return new ResultPage(results, next, Optional.empty(), true);
        }

        @Override
        public Set<String> ids() {
            return items.keySet();
        }
    }

    /**
     * A list sorted by creation time (so a result added late is listed where its creation time puts it, behind
     * results listed before it), paged newest or oldest first with "after this key" tokens.
     */
    static final class TimeSortedList implements Listing {
        final TreeMap<String, RawResult> byKey = new TreeMap<>();
        final SortOrder order;
        int counter;

        TimeSortedList(SortOrder order) {
            this.order = order;
        }

        @Override
        public String add(Instant at) {
            String id = String.format("t%08d", counter++);
            byKey.put(String.format("%015d#%s", at.toEpochMilli(), id), result(id, at));
            return id;
        }

        @Override
        public ResultPage page(Optional<String> token, int size) {
            List<String> keys = new ArrayList<>(order == SortOrder.NEWEST_FIRST
                    ? (token.isPresent() ? byKey.headMap(token.get(), false).descendingKeySet()
                    : byKey.descendingKeySet())
                    : (token.isPresent() ? byKey.tailMap(token.get(), false).keySet() : byKey.keySet()));
            List<String> slice = keys.subList(0, Math.min(size, keys.size()));
            Optional<String> next = keys.size() > size ? Optional.of(slice.get(slice.size() - 1)) : Optional.empty();
            return new ResultPage(slice.stream().map(byKey::get).toList(), next, Optional.empty(), true);
        }

        @Override
        public Set<String> ids() {
            Set<String> ids = new HashSet<>();
            byKey.values().forEach(r -> ids.add(r.id()));
            return ids;
        }
    }

    static RawResult result(String id, Instant created) {
        OperatorResult view = new OperatorResult(id, "AC1", null, "conv", null, "TEXT", created, List.of(), null, null);
        return new RawResult(view, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Runs sweeps the way the feed loop does and returns every id published, in order. */
    static List<String> sweep(FeedCursor cursor, Listing list, int pageSize, Runnable betweenPages) {
        List<String> published = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<String> token = cursor.resumeToken();
        for (int pages = 0; pages < 10_000; pages++) {
            PageStep step = cursor.plan(token, list.page(token, pageSize), seen, Instant.now());
            token.ifPresent(seen::add);
            step.fresh().forEach(r -> published.add(r.id()));
            cursor.apply(step);
            if (step.endsSweep()) {
                return published;
            }
            betweenPages.run();
            token = step.nextToken();
        }
        throw new AssertionError("sweep did not end");
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
                        page = new ResultPage(page.items(), token, Optional.empty(), true);
                    } else if (fault == 1) {
                        page = new ResultPage(page.items(), Optional.empty(), Optional.empty(), false);
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
        ResultPage looping = new ResultPage(List.of(result(b, T0.plusSeconds(1)), result(a, T0)), Optional.of("t1"),
                Optional.empty(), true);
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
        looping = new ResultPage(looping.items(), token, Optional.empty(), true);
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
        ResultPage noMeta = new ResultPage(List.of(result("r1", T0)), Optional.empty(), Optional.empty(), false);
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
