package io.oprelay.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * A latency distribution from samples in nanoseconds. Percentiles are nearest-rank. A high percentile is only named
 * when there are enough samples behind it: a p99 needs at least 1,000 (ten samples above it), a p95 at least 200;
 * with fewer, {@link #summary()} names the maximum instead, which is what such a "p99" really is.
 */
public final class Latencies {

    /** Fewest samples for which the 99th percentile is more than the maximum of a small sample. */
    public static final int SAMPLES_FOR_P99 = 1_000;
    private static final int SAMPLES_FOR_P95 = 200;

    private final long[] sortedNanos;

    private Latencies(long[] sortedNanos) {
        this.sortedNanos = sortedNanos;
    }

    /** The distribution of these samples (nanoseconds, any order). */
    public static Latencies ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latencies(sorted);
    }

    public int count() {
        return sortedNanos.length;
    }

    /** The nearest-rank percentile {@code p} (0 to 100], in milliseconds. */
    public double millis(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile out of (0, 100]: " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(rank, 1) - 1] / 1e6;
    }

    public double maxMillis() {
        return sortedNanos[sortedNanos.length - 1] / 1e6;
    }

    /** True when there are enough samples for {@code p} to differ from the maximum. */
    public boolean supports(double p) {
        return p <= 50 || (p <= 95 && count() >= SAMPLES_FOR_P95) || count() >= SAMPLES_FOR_P99;
    }

    /** "n=1000 p50=.. p95=.. p99=.. max=.." in ms, leaving out each percentile the samples cannot support. */
    public String summary() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "n=%d p50=%.1f", count(), millis(50)));
        for (double p : new double[] {95, 99}) {
            if (supports(p)) {
                line.append(String.format(Locale.ROOT, " p%.0f=%.1f", p, millis(p)));
            }
        }
        return line.append(String.format(Locale.ROOT, " max=%.1f ms", maxMillis())).toString();
    }
}
