package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.oprelay.cursor.Pages.page;
import static io.oprelay.cursor.Pages.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The steps of a page's plan, each on its own: the mark and the walk, the sweep's end, rescan points, settling. */
class PagePlanTest {

    private static final Duration LOOKBACK = Duration.ofMinutes(10);
    private static final Instant MARK = Instant.parse("2026-06-08T20:00:00Z");
    private static final Instant NOW = MARK.plus(Duration.ofHours(1));

    private static Checkpoint at(Instant mark, SortOrder order) {
        return new Checkpoint("f", Optional.empty(), mark, Optional.empty(), order, Map.of());
    }

    private static PagePlan.Planned plan(Checkpoint before, SortOrder order, Optional<String> tokenUsed,
                                         ResultPage page, Set<String> seen) {
        return PagePlan.plan(before, List.of(), LOOKBACK, order, tokenUsed, page, seen, NOW);
    }

    private static List<RawResult> minutesAfterMark(int... minutes) {
        return java.util.Arrays.stream(minutes).mapToObj(m -> result("r" + m, MARK.plus(Duration.ofMinutes(m))))
                .toList();
    }

    @Test
    void oldestFirstTheMarkFollowsEachPageButNeverPassesNow() {
        Checkpoint before = at(MARK, SortOrder.OLDEST_FIRST);
        PagePlan.Planned planned = plan(before, SortOrder.OLDEST_FIRST, Optional.empty(),
                page(minutesAfterMark(1, 2, 3)).next("t1").build(), Set.of());
        assertThat(planned.next().completeThrough()).isEqualTo(MARK.plus(Duration.ofMinutes(3)));

        PagePlan.Planned ahead = plan(before, SortOrder.OLDEST_FIRST, Optional.empty(),
                page(result("x", NOW.plus(Duration.ofDays(1)))).next("t1").build(), Set.of());
        assertThat(ahead.next().completeThrough()).isEqualTo(NOW);
    }

    @Test
    void newestFirstAPageExtendsTheWalkAndLeavesTheMarkUntilTheSweepEnds() {
        PagePlan.Planned planned = plan(at(MARK, SortOrder.NEWEST_FIRST), SortOrder.NEWEST_FIRST, Optional.empty(),
                page(minutesAfterMark(50, 40, 30)).next("t1").build(), Set.of());
        long top = MARK.plus(Duration.ofMinutes(50)).toEpochMilli();
        assertThat(planned.next().completeThrough()).isEqualTo(MARK);
        assertThat(planned.next().sweepMax()).contains(Instant.ofEpochMilli(top));
        assertThat(planned.next().coverage().walk()).contains(new SweepCoverage.Span(top, top));
        assertThat(planned.end()).isEmpty();
        assertThat(planned.nextToken()).contains("t1");
    }

    @Test
    void theSweepEndsForEachReasonInTurn() {
        Checkpoint before = at(MARK, SortOrder.NEWEST_FIRST);
        List<RawResult> fresh = minutesAfterMark(50, 40, 30);
        assertThat(plan(before, SortOrder.NEWEST_FIRST, Optional.of("t1"), page(fresh).withoutMeta().build(),
                Set.of()).end()).contains(SweepEnd.NO_META);
        assertThat(plan(before, SortOrder.NEWEST_FIRST, Optional.of("t1"), page(fresh).build(), Set.of()).end())
                .contains(SweepEnd.END_OF_LIST);
        assertThat(plan(before, SortOrder.NEWEST_FIRST, Optional.of("t1"), page(fresh).next("t1").build(),
                Set.of()).end()).contains(SweepEnd.REPEATED_TOKEN);
        assertThat(plan(before, SortOrder.NEWEST_FIRST, Optional.of("t2"), page(fresh).next("t1").build(),
                Set.of("t1")).end()).contains(SweepEnd.REPEATED_TOKEN);
        List<RawResult> reachingGround = minutesAfterMark(5, -5, -11);
        PagePlan.Planned ground = plan(before, SortOrder.NEWEST_FIRST, Optional.of("t1"),
                page(reachingGround).next("t2").build(), Set.of());
        assertThat(ground.end()).contains(SweepEnd.REACHED_PUBLISHED);
        assertThat(ground.nextToken()).isEmpty();
    }

    @Test
    void aCoveringEndMovesTheMarkToTheSweepsNewestAndDropsItsSpansACutShortOneDoesNot() {
        Checkpoint walking = new Checkpoint("f", Optional.of("t1"), MARK,
                Optional.of(MARK.plus(Duration.ofMinutes(50))), SortOrder.NEWEST_FIRST, Map.of(),
                SweepCoverage.NONE.walked(MARK.plus(Duration.ofMinutes(50)).toEpochMilli()));
        List<RawResult> rest = minutesAfterMark(20, 10);

        PagePlan.Planned covered = plan(walking, SortOrder.NEWEST_FIRST, Optional.of("t1"), page(rest).build(),
                Set.of());
        assertThat(covered.next().completeThrough()).isEqualTo(MARK.plus(Duration.ofMinutes(50)));
        assertThat(covered.next().sweepMax()).isEmpty();
        assertThat(covered.next().coverage().isEmpty()).isTrue();
        assertThat(covered.next().resumeToken()).as("newest first starts again at the top").isEmpty();

        PagePlan.Planned cutShort = plan(walking, SortOrder.NEWEST_FIRST, Optional.of("t1"),
                page(rest).next("t1").build(), Set.of());
        assertThat(cutShort.next().completeThrough()).isEqualTo(MARK);
        assertThat(cutShort.next().sweepMax()).contains(MARK.plus(Duration.ofMinutes(50)));
        assertThat(cutShort.next().coverage().walk()).isPresent();
    }

    @Test
    void oldestFirstAPageBehindTheWindowsFloorBecomesTheRescanPointWhereTheNextSweepStarts() {
        Checkpoint before = at(MARK, SortOrder.OLDEST_FIRST);
        PagePlan.Planned first = PagePlan.plan(before, List.of(), LOOKBACK, SortOrder.OLDEST_FIRST, Optional.empty(),
                page(minutesAfterMark(1, 2)).next("t1").build(), Set.of(), NOW);
        assertThat(first.points()).containsExactly(new RescanPoint("t1", MARK.plus(Duration.ofMinutes(2))
                .toEpochMilli()));
        assertThat(first.next().coverage().rescan()).isEmpty();

        PagePlan.Planned second = PagePlan.plan(first.next(), first.points(), LOOKBACK, SortOrder.OLDEST_FIRST,
                Optional.of("t1"), page(minutesAfterMark(20, 30)).next("t2").build(), Set.of(), NOW);
        assertThat(second.next().coverage().rescan()).as("the page at t1 starts behind the new floor").contains("t1");
        assertThat(second.points()).extracting(RescanPoint::token).containsExactly("t2");

        PagePlan.Planned last = PagePlan.plan(second.next(), second.points(), LOOKBACK, SortOrder.OLDEST_FIRST,
                Optional.of("t2"), page(minutesAfterMark(31)).build(), Set.of(), NOW);
        assertThat(last.end()).contains(SweepEnd.END_OF_LIST);
        assertThat(last.next().resumeToken()).as("the next sweep starts behind the window").contains("t1");
        assertThat(last.points()).isEmpty();
    }

    @Test
    void aPageReadFromTheTopStartsANewWalkAndForgetsTheSweepsRescanPoints() {
        Checkpoint walking = new Checkpoint("f", Optional.of("t1"), MARK, Optional.empty(), SortOrder.NEWEST_FIRST,
                Map.of(), SweepCoverage.NONE.walked(MARK.plus(Duration.ofMinutes(50)).toEpochMilli()));
        PagePlan.Planned planned = PagePlan.plan(walking, List.of(new RescanPoint("old", 0)), LOOKBACK,
                SortOrder.NEWEST_FIRST, Optional.empty(), page(minutesAfterMark(60, 59)).next("t9").build(),
                Set.of(), NOW);
        assertThat(planned.next().coverage().earlier()).hasSize(1);
        assertThat(planned.points()).isEmpty();
    }
}
