package io.oprelay.twilio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * When to try a Twilio call again: capped exponential back-off with jitter, unless the answer said how long to wait
 * ({@code Retry-After} in seconds or as an HTTP date, else {@code X-RateLimit-Reset} as seconds to wait or as an
 * epoch second), which gets a little jitter on top. A wait up to {@code max-retry-after} is waited out within the
 * call; a longer one ends the call, so that its caller waits instead.
 */
public final class RetryPolicy {

    /**
     * A number of seconds, as digits with an optional fraction: no sign, exponent, {@code NaN} or {@code Infinity},
     * which {@link Double#parseDouble} would accept.
     */
    private static final Pattern SECONDS = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    /** The largest share of a server-asked wait that {@link #spread} adds to it. */
    static final double HINT_JITTER = 0.2;
    /**
     * The longest wait read from a header: more is taken for this, so that a wrong or absurd value leaves a caller
     * waiting a day and then asking again, instead of an unbounded time.
     */
    static final Duration LONGEST_HINT = Duration.ofDays(1);
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

    /**
     * The wait the server asked for, at most {@link #LONGEST_HINT}; empty when it did not say or said nothing usable,
     * so that the caller falls back to {@link #backoff}. An unusable {@code Retry-After} leaves the word to
     * {@code X-RateLimit-Reset}. The wait is not capped by {@code max-retry-after}: see {@link #tooLongToWaitFor}.
     */
    public Optional<Duration> serverHint(String retryAfter, String rateLimitReset) {
        return parseRetryAfter(retryAfter).or(() -> parseRateLimitReset(rateLimitReset))
                .map(wait -> wait.compareTo(LONGEST_HINT) > 0 ? LONGEST_HINT : wait);
    }

    /**
     * A wait the server asked for plus a random share of up to {@link #HINT_JITTER} of it, never less: clients told
     * the same reset time (every replica and feed of one account) then do not all call again in the same instant.
     */
    public Duration spread(Duration asked) {
        return asked.plusMillis(Math.round(random.getAsDouble() * HINT_JITTER * asked.toMillis()));
    }

    /**
     * Whether a wait the server asked for is longer than {@code max-retry-after}. The call then gives up at once,
     * handing the wait to its caller, rather than trying again before the server said it would answer.
     */
    public boolean tooLongToWaitFor(Duration asked) {
        return asked.compareTo(settings.maxRetryAfter()) > 0;
    }

    /**
     * {@code Retry-After} as delta-seconds or as an HTTP date; empty when it is absent or no usable wait (not a
     * plain non-negative number, {@code NaN}, a negative number, a date in the past, anything else).
     */
    Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        if (SECONDS.matcher(trimmed).matches()) {
            return seconds(trimmed);
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return usable(Duration.between(clock.instant(), at));
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }

    /**
     * {@code X-RateLimit-Reset} as seconds to wait or, above {@link #EPOCH_SECONDS_THRESHOLD}, as the epoch second
     * the limit resets at; empty when it is absent or no usable wait (as for {@code Retry-After}).
     */
    Optional<Duration> parseRateLimitReset(String value) {
        if (value == null || !SECONDS.matcher(value.trim()).matches()) {
            return Optional.empty();
        }
        Optional<Duration> number = seconds(value.trim());
        if (number.isPresent() && number.get().getSeconds() > EPOCH_SECONDS_THRESHOLD) {
            return usable(Duration.between(clock.instant(), Instant.EPOCH.plus(number.get())));
        }
        return number;
    }

    /** A number that {@link #SECONDS} matched, as a duration; empty when it is too large to be a finite double. */
    private static Optional<Duration> seconds(String number) {
        double seconds = Double.parseDouble(number);
        return Double.isFinite(seconds) ? Optional.of(Duration.ofMillis(Math.round(seconds * 1000)))
                : Optional.empty();
    }

    private static Optional<Duration> usable(Duration wait) {
        return wait.isNegative() ? Optional.empty() : Optional.of(wait);
    }
}
