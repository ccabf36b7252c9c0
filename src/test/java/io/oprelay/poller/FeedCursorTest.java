package io.oprelay.poller;

import io.oprelay.publisher.Checkpoint;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The diff and the cursor, against a list whose pages use keyset tokens like the simulator's. */
class FeedCursorTest {

    private static final Duration LOOKBACK = Duration.ofMinutes(10);
    private static final Instant T0 = Instant.parse("2026-06-08T20:00:00Z");

    /** A list of results by creation time, paged newest or oldest first with "after this id" tokens. */
    static final class ListModel {
        final TreeMap<String, Instant> items = new TreeMap<>();
        final SortOrder order;
        int counter;

        ListModel(SortOrder order) {
            this.order = order;
        }

        String add(Instant at) {
            String id = String.format("r%08d", counter++);
            items.put(id, at);
            return id;
        }

        ResultPage page(Optional<String> token, int size) {
            List<String> ids = new ArrayList<>(order == SortOrder.NEWEST_FIRST
                    ? (token.isPresent() ? items.headMap(token.get(), false).descendingKeySet()
                    : items.descendingKeySet())
                    : (token.isPresent() ? items.tailMap(token.get(), false).keySet() : items.keySet()));
            List<String> slice = ids.subList(0, Math.min(size, ids.size()));
            Optional<String> next = ids.size() > size ? Optional.of(slice.get(slice.size() - 1)) : Optional.empty();
            List<RawResult> results = slice.stream().map(id -> result(id, items.get(id))).toList();
            return new ResultPage(results, next, Optional.empty(), true);
        }
    }

    static RawResult result(String id, Instant created) {
        OperatorResult view = new OperatorResult(id, "AC1", null, "conv", null, "TEXT", created, List.of(), null, null);
        return new RawResult(view, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Runs sweeps the way the feed loop does and returns every id published, in order. */
    static List<String> sweep(FeedCursor cursor, ListModel list, int pageSize, Runnable betweenPages) {
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
        assertThat(step.endReason()).contains("repeated page token");
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
        assertThat(two.endReason()).contains(FeedCursor.REPEATED_TOKEN);
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
        assertThat(step.endReason()).contains("page without meta");
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
