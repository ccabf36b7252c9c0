package io.oprelay.bench;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class LatenciesTest {

    private static long[] millisAsNanos(long from, long to) {
        return LongStream.rangeClosed(from, to).map(ms -> ms * 1_000_000).toArray();
    }

    @Test
    void percentilesAreNearestRankOverTheSortedSamples() {
        long[] shuffled = millisAsNanos(1, 1000);
        Random random = new Random(7);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
        }
        Latencies latencies = Latencies.ofNanos(shuffled);
        assertThat(latencies.millis(50)).isEqualTo(500.0);
        assertThat(latencies.millis(99)).isEqualTo(990.0);
        assertThat(latencies.maxMillis()).isEqualTo(1000.0);
        assertThat(latencies.summary()).isEqualTo("n=1000 p50=500.0 p95=950.0 p99=990.0 max=1000.0 ms");
    }

    @Test
    void aSmallSampleNamesItsMaximumInsteadOfAP99() {
        Latencies fifty = Latencies.ofNanos(millisAsNanos(1, 50));
        assertThat(fifty.supports(99)).isFalse();
        assertThat(fifty.supports(95)).isFalse();
        assertThat(fifty.summary()).isEqualTo("n=50 p50=25.0 max=50.0 ms");
        assertThat(Latencies.ofNanos(millisAsNanos(1, 200)).summary())
                .isEqualTo("n=200 p50=100.0 p95=190.0 max=200.0 ms");
    }
}
