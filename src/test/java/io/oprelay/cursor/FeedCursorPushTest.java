package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
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

/** Results pushed by webhooks share the window with the sweeps, and say nothing about where the list stands. */
class FeedCursorPushTest {

    private static final Duration LOOKBACK = Duration.ofMinutes(10);
    private static final Instant MARK = Instant.parse("2026-06-08T20:00:00Z");

    private static FeedCursor cursor() {
        return new FeedCursor(new Checkpoint("f", Optional.of("token-7"), MARK, Optional.empty(),
                SortOrder.NEWEST_FIRST, Map.of("a", MARK.minusSeconds(5).toEpochMilli())), LOOKBACK);
    }

    @Test
    void onlyResultsNotInTheWindowAndNotOlderThanItArePublished() {
        FeedCursor cursor = cursor();
        RawResult inWindow = result("a", MARK.minusSeconds(5));
        RawResult fresh = result("b", MARK.plusSeconds(1));
        RawResult lateButInWindow = result("c", MARK.minus(Duration.ofMinutes(9)));
        RawResult olderThanWindow = result("d", MARK.minus(Duration.ofMinutes(11)));

        PageStep step = cursor.planPushed(List.of(inWindow, fresh, lateButInWindow, olderThanWindow, fresh),
                Instant.now());

        assertThat(step.fresh()).extracting(RawResult::id).containsExactly("b", "c");
        assertThat(step.added()).containsOnlyKeys("b", "c");
    }

    @Test
    void aPushNeverMovesTheTokenTheMarkOrTheOrder() {
        FeedCursor cursor = cursor();
        PageStep step = cursor.planPushed(List.of(result("b", MARK.plus(Duration.ofHours(1)))), Instant.now());

        assertThat(step.next().resumeToken()).contains("token-7");
        assertThat(step.next().completeThrough()).isEqualTo(MARK);
        assertThat(step.next().order()).isEqualTo(SortOrder.NEWEST_FIRST);
        assertThat(step.endsSweep()).isFalse();
        cursor.apply(step);
        assertThat(cursor.resumeToken()).contains("token-7");
        assertThat(cursor.completeThrough()).isEqualTo(MARK);
        assertThat(cursor.isPublished("b")).isTrue();
        assertThat(cursor.windowAfter(step)).containsKeys("a", "b");
    }

    @Test
    void aSweepThatMeetsAPushedResultDoesNotPublishItAgain() {
        FeedCursor cursor = cursor();
        RawResult pushed = result("b", MARK.plusSeconds(1));
        cursor.apply(cursor.planPushed(List.of(pushed), Instant.now()));

        RawResult unseen = result("e", MARK.plusSeconds(2));
        PageStep page = cursor.plan(Optional.empty(), page(unseen, pushed).build(), Set.of(), Instant.now());

        assertThat(page.fresh()).extracting(RawResult::id).containsExactly("e");
    }
}
