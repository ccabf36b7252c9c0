package io.oprelay.cursor;

import io.oprelay.cursor.FeedCursorTest.ListModel;
import io.oprelay.cursor.FeedCursorTest.Listing;
import io.oprelay.cursor.FeedCursorTest.TimeSortedList;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.SortOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.oprelay.cursor.Pages.page;
import static io.oprelay.cursor.Pages.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A result dated far in the future (a careless upstream, a wrong clock) is published once and does not push the
 * complete-through mark out of reach: later results are still published, by the sweeps and by pushes.
 */
class FeedCursorClockSkewTest {

    private static final Duration LOOKBACK = Duration.ofMinutes(10);
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.parse("2026-06-08T20:00:00Z");
    private static final Instant FAR_AHEAD = Instant.parse("2099-01-01T00:00:00Z");

    /** Sweeps the way the feed loop does, at the given time, and returns every id published, in order. */
    private static List<String> sweepAt(FeedCursor cursor, Listing list, int pageSize, Instant now) {
        return Pages.sweep(cursor, list, pageSize, now, () -> { });
    }

    private static List<Listing> lists(SortOrder order) {
        return List.of(new ListModel(order), new TimeSortedList(order));
    }

    @ParameterizedTest
    @EnumSource(value = SortOrder.class, names = {"NEWEST_FIRST", "OLDEST_FIRST"})
    void aFutureDatedResultIsPublishedOnceAndLaterResultsStillAre(SortOrder order) {
        for (Listing list : lists(order)) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                all.add(list.add(NOW.minus(Duration.ofMinutes(30)).plusSeconds(60L * i)));
            }
            String future = list.add(FAR_AHEAD);
            all.add(future);
            for (int i = 0; i < 20; i++) {
                all.add(list.add(NOW.minus(Duration.ofMinutes(5)).plusSeconds(10L * i)));
            }
            FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK, SKEW, NOW);
            List<String> published = new ArrayList<>();
            Instant now = NOW;
            published.addAll(sweepAt(cursor, list, 7, now));
            assertThat(cursor.completeThrough()).as("the mark never passes the present")
                    .isBeforeOrEqualTo(now);

            // Later results, some created a little behind the newest one (late but inside the window).
            for (int round = 1; round <= 6; round++) {
                now = NOW.plus(Duration.ofMinutes(round));
                for (int i = 0; i < 5; i++) {
                    all.add(list.add(now.minusSeconds(20L * i)));
                }
                published.addAll(sweepAt(cursor, list, 7, now));
                assertThat(cursor.completeThrough()).isBeforeOrEqualTo(now);
            }
            published.addAll(sweepAt(cursor, list, 7, now));

            assertThat(published).as("%s %s: every result once", order, list.getClass().getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(all);
            assertThat(cursor.isPublished(future)).as("the future-dated id stays held").isTrue();
        }
    }

    @Test
    void theFutureDatedResultIsHeldAcrossARestoreAndNotPublishedAgain() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        list.add(NOW.minusSeconds(30));
        String future = list.add(FAR_AHEAD);
        FeedCursor first = new FeedCursor(Checkpoint.initial("f"), LOOKBACK, SKEW, NOW);
        assertThat(sweepAt(first, list, 10, NOW)).contains(future);

        Instant later = NOW.plus(Duration.ofHours(2));
        String fresh = list.add(later.minusSeconds(1));
        FeedCursor restored = new FeedCursor(first.snapshot(), LOOKBACK, SKEW, later);
        assertThat(sweepAt(restored, list, 10, later)).containsExactly(fresh);
        assertThat(restored.completeThrough()).isBeforeOrEqualTo(later);
    }

    @Test
    void aPushAfterAFutureDatedResultIsPublishedNotAnsweredAlreadyPublished() {
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        list.add(NOW.minusSeconds(30));
        list.add(FAR_AHEAD);
        list.add(NOW.minusSeconds(10));
        FeedCursor cursor = new FeedCursor(Checkpoint.initial("f"), LOOKBACK, SKEW, NOW);
        sweepAt(cursor, list, 10, NOW);

        Instant later = NOW.plus(Duration.ofMinutes(1));
        RawResult pushed = result("pushed", later);
        PageStep step = cursor.planPushed(List.of(pushed), later);

        assertThat(step.fresh()).extracting(RawResult::id).containsExactly("pushed");
    }

    @Test
    void aCheckpointWhoseMarkIsAlreadyFarAheadIsBroughtBackSoNewResultsArePublished() {
        Checkpoint poisoned = new Checkpoint("f", Optional.empty(), FAR_AHEAD, Optional.empty(),
                SortOrder.NEWEST_FIRST, Map.of("old-future", FAR_AHEAD.toEpochMilli()));
        FeedCursor cursor = new FeedCursor(poisoned, LOOKBACK, SKEW, NOW);

        assertThat(cursor.completeThrough()).isEqualTo(NOW);
        assertThat(cursor.isPublished("old-future")).isTrue();
        ListModel list = new ListModel(SortOrder.NEWEST_FIRST);
        String fresh = list.add(NOW.minusSeconds(1));
        assertThat(sweepAt(cursor, list, 10, NOW)).containsExactly(fresh);
    }

    @Test
    void resultsLeftOutAlthoughNotHeldAreCountedByReasonAndFutureDatedOnesNamed() {
        Instant mark = NOW.minus(Duration.ofMinutes(1));
        FeedCursor cursor = new FeedCursor(new Checkpoint("f", Optional.empty(), mark, Optional.empty(),
                SortOrder.NEWEST_FIRST, Map.of("held", mark.toEpochMilli())), LOOKBACK, SKEW, NOW);
        RawResult held = result("held", mark);
        RawResult fresh = result("fresh", NOW);
        RawResult ahead = result("ahead", FAR_AHEAD);
        RawResult old = result("old", mark.minus(LOOKBACK).minusSeconds(1));
        RawResult recentButBehind = result("recent", mark.minus(LOOKBACK).minusSeconds(2));
        RawResult noId = result(null, NOW);

        PageStep step = cursor.planPushed(List.of(held, fresh, ahead, old, recentButBehind, noId), NOW);

        assertThat(step.fresh()).extracting(RawResult::id).containsExactly("fresh", "ahead");
        assertThat(step.skipped()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Skip.OLDER_THAN_WINDOW, 2, Skip.NO_ID, 1));
        assertThat(step.futureDated()).containsExactly("ahead");
    }

    @Test
    void aSweepReadingPublishedGroundCountsNothingButAResultListedTooLateIsCountedOnce() {
        Instant mark = NOW.minus(Duration.ofMinutes(1));
        FeedCursor cursor = new FeedCursor(new Checkpoint("f", Optional.empty(), mark, Optional.empty(),
                SortOrder.NEWEST_FIRST, Map.of()), LOOKBACK, SKEW, NOW);
        Instant old = mark.minus(LOOKBACK).minusSeconds(30);
        List<RawResult> ground = List.of(result("n1", NOW), result("n2", NOW.minusSeconds(5)),
                result("o1", old), result("o2", old.minusSeconds(5)), result("o3", old.minusSeconds(9)));
        PageStep onGround = cursor.plan(Optional.empty(), page(ground).build(), Set.of(), NOW);
        assertThat(onGround.fresh()).extracting(RawResult::id).containsExactly("n1", "n2");
        assertThat(onGround.skipped()).as("published long ago, read again behind published ground").isEmpty();

        List<RawResult> lateAtTheTop = List.of(result("late", old), result("n3", NOW), result("n4",
                NOW.minusSeconds(1)), result("n5", NOW.minusSeconds(2)));
        for (int sweep = 0; sweep < 3; sweep++) {
            PageStep step = cursor.plan(Optional.empty(), page(lateAtTheTop).build(), Set.of(), NOW);
            assertThat(step.fresh()).extracting(RawResult::id).doesNotContain("late");
            assertThat(step.skipped()).as("sweep %d", sweep)
                    .isEqualTo(sweep == 0 ? Map.of(Skip.OLDER_THAN_WINDOW, 1) : Map.of());
        }
    }
}
