package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.SortOrder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static io.oprelay.cursor.Pages.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The order is set by pages that clearly tell, and turned only by a page that contradicts it at every step. */
class OrderDetectionTest {

    private static final Instant T0 = Instant.parse("2026-06-08T20:00:00Z");
    private static final Instant NOW = T0.plusSeconds(3600);

    private static List<RawResult> seconds(int... offsets) {
        return Arrays.stream(offsets).mapToObj(s -> result("r" + s, T0.plusSeconds(s))).toList();
    }

    @Test
    void aPageThatClearlyTellsSetsAnUnknownOrder() {
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(1, 2, 3), NOW)).isEqualTo(SortOrder.OLDEST_FIRST);
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(3, 2, 1), NOW)).isEqualTo(SortOrder.NEWEST_FIRST);
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(3, 2, 4, 1, 0), NOW))
                .as("three down, one up").isEqualTo(SortOrder.NEWEST_FIRST);
    }

    @Test
    void aPageThatDoesNotClearlyTellLeavesTheOrderUnknown() {
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(1), NOW)).isEqualTo(SortOrder.UNKNOWN);
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(1, 2), NOW)).isEqualTo(SortOrder.UNKNOWN);
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(1, 2, 1, 2), NOW)).isEqualTo(SortOrder.UNKNOWN);
        assertThat(OrderDetection.after(SortOrder.UNKNOWN, seconds(5, 5, 5), NOW)).as("equal times are no step")
                .isEqualTo(SortOrder.UNKNOWN);
    }

    @Test
    void aKnownOrderTurnsOnlyWhenEveryStepContradictsIt() {
        assertThat(OrderDetection.after(SortOrder.NEWEST_FIRST, seconds(1, 2, 3, 0, 4, 5), NOW))
                .as("one result out of place").isEqualTo(SortOrder.NEWEST_FIRST);
        assertThat(OrderDetection.after(SortOrder.NEWEST_FIRST, seconds(1, 2, 3), NOW))
                .isEqualTo(SortOrder.OLDEST_FIRST);
        assertThat(OrderDetection.after(SortOrder.OLDEST_FIRST, seconds(3, 2, 1), NOW))
                .isEqualTo(SortOrder.NEWEST_FIRST);
        assertThat(OrderDetection.after(SortOrder.OLDEST_FIRST, seconds(1), NOW)).isEqualTo(SortOrder.OLDEST_FIRST);
    }

    @Test
    void stepsCountUpsAndDowns() {
        assertThat(OrderDetection.steps(seconds(1, 3, 2, 2, 5), NOW)).isEqualTo(new OrderDetection.Steps(2, 1));
    }
}
