package io.oprelay.support;

import java.time.Duration;

/**
 * The one place wall-clock bounds of tests are scaled: every Awaitility {@code atMost} and every deadline a test
 * waits for goes through {@link #scaled(Duration)}, so a slow machine (CI on two shared cores) can stretch all of them
 * at once with {@code -Drelay.test.timeout-factor=2} instead of each test guessing its own margin.
 */
public final class Waits {

    /** The system property holding the factor (a positive decimal, default 1). */
    public static final String FACTOR_PROPERTY = "relay.test.timeout-factor";

    private Waits() {
    }

    /** The factor every wall-clock bound of the tests is multiplied by. */
    public static double factor() {
        String value = System.getProperty(FACTOR_PROPERTY, "1");
        double factor;
        try {
            factor = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FACTOR_PROPERTY + " must be a positive number, not '" + value + "'", e);
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(FACTOR_PROPERTY + " must be a positive number, not '" + value + "'");
        }
        return factor;
    }

    /** {@code bound} multiplied by the factor. */
    public static Duration scaled(Duration bound) {
        return Duration.ofNanos(Math.round(bound.toNanos() * factor()));
    }

    /** {@code seconds} seconds, multiplied by the factor. */
    public static Duration seconds(long seconds) {
        return scaled(Duration.ofSeconds(seconds));
    }

    /** {@code millis} milliseconds, multiplied by the factor. */
    public static Duration millis(long millis) {
        return scaled(Duration.ofMillis(millis));
    }
}
