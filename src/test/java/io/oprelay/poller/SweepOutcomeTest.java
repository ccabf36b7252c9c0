package io.oprelay.poller;

import io.oprelay.cursor.SweepEnd;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Sweep outcomes keep their documented metric tags and status texts, and decide the pause before the next sweep. */
class SweepOutcomeTest {

    @Test
    void tagsAndTextsAreTheDocumentedValues() {
        assertThat(List.of(SweepOutcome.values())).extracting(SweepOutcome::tag).containsExactly("end-of-list",
                "reached-published-results", "repeated-page-token", "page-without-meta", "page-limit", "stopped");
        assertThat(List.of(SweepOutcome.values())).extracting(SweepOutcome::text).containsExactly("end of list",
                "reached published results", "repeated page token", "page without meta", "page limit", "stopped");
    }

    @Test
    void everySweepEndHasTheOutcomeOfTheSameText() {
        for (SweepEnd end : SweepEnd.values()) {
            assertThat(SweepOutcome.of(end).text()).isEqualTo(end.text());
        }
    }

    @Test
    void thePageLimitGoesOnAtOnceACutShortSweepSoonAndAFinishedOneAfterTheInterval() {
        Duration interval = Duration.ofSeconds(5);
        assertThat(SweepOutcome.PAGE_LIMIT.pauseAfter(interval)).isZero();
        assertThat(SweepOutcome.REPEATED_TOKEN.pauseAfter(interval)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SweepOutcome.NO_META.pauseAfter(interval)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SweepOutcome.NO_META.pauseAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(200));
        assertThat(SweepOutcome.END_OF_LIST.pauseAfter(interval)).isEqualTo(interval);
        assertThat(SweepOutcome.REACHED_PUBLISHED.pauseAfter(interval)).isEqualTo(interval);
        assertThat(SweepOutcome.STOPPED.pauseAfter(interval)).isEqualTo(interval);
    }
}
