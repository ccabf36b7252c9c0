package io.oprelay.twilio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a Twilio call again: capped exponential back-off with jitter, unless the answer said how long to wait
 * ({@code Retry-After} in seconds or as an HTTP date, else {@code X-RateLimit-Reset} as seconds to wait or as an
 * epoch second), which is honoured up to {@code max-retry-after}.
 */
public final class RetryPolicy {

    /** Values above this are read as epoch seconds rather than as a number of seconds to wait. */
    private static final long EPOCH_SECONDS_THRESHOLD = 1_000_000_000L;

    private final TwilioConfig.Retry settings;
    private final Clock clock;
    private final DoubleSupplier random;

    public RetryPolicy(TwilioConfig.Retry settings, Clock clock, DoubleSupplier random) {
        this.settings = settings;
        this.clock = clock;
        this.random = random;
    }

    /** Attempts per call, at least one. */
    public int maxAttempts() {
        return Math.max(1, settings.maxAttempts());
    }

    /**
     * The wait before attempt {@code failedAttempt + 1}: half of the capped exponential delay plus a random share
     * of the other half, so that many clients do not retry in step.
     */
    public Duration backoff(int failedAttempt) {
        long initial = Math.max(1, settings.initialBackoff().toMillis());
        long cap = Math.max(initial, settings.maxBackoff().toMillis());
        int shift = Math.min(Math.max(failedAttempt - 1, 0), 30);
        long exponential = Math.min(cap, initial << shift);
        long half = exponential / 2;
        return Duration.ofMillis(half + Math.round(random.getAsDouble() * (exponential - half)));
    }

    /** The wait the server asked for, capped by {@code max-retry-after}; empty when it did not say. */
    public Optional<Duration> serverHint(String retryAfter, String rateLimitReset) {
        return parseRetryAfter(retryAfter).or(() -> parseRateLimitReset(rateLimitReset)).map(this::capped);
    }

    private Duration capped(Duration wait) {
        Duration max = settings.maxRetryAfter();
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        try {
            return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(trimmed) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(Duration.between(clock.instant(), at));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    Optional<Duration> parseRateLimitReset(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            double number = Double.parseDouble(value.trim());
            if (number > EPOCH_SECONDS_THRESHOLD) {
                return Optional.of(Duration.between(clock.instant(), Instant.ofEpochMilli(Math.round(number * 1000))));
            }
            return Optional.of(Duration.ofMillis(Math.round(number * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
