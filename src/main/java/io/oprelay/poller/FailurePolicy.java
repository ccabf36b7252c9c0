package io.oprelay.poller;

import io.oprelay.publisher.FencedException;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.twilio.TwilioApiException;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What a failed attempt of a feed loop was, and how long the loop waits before the next: the wait Twilio asked for
 * on a 429 or 5xx, at least the session timeout after being fenced, and otherwise a back-off that doubles from one
 * second up to {@code relay.poller.max-backoff} with consecutive failures (with jitter, so replicas do not retry in
 * step). A success resets the back-off. Not thread-safe: one feed loop owns it.
 */
final class FailurePolicy {

    /** Consecutive failures beyond this do not make the back-off grow (it is at its cap long before). */
    private static final int MAX_COUNTED = 30;
    private static final long FIRST_BACKOFF_MILLIS = 1000;

    private final Duration maxBackoff;
    private final Duration sessionTimeout;
    private final RandomGenerator random;
    private int failures;

    /** What kind of failure, as the {@code kind} tag of {@code relay.poller.failures}. */
    enum Kind {
        /** Another writer took the feed's transactional id. */
        FENCED("fenced", true),
        /** Kafka did not commit, or the outcome is unknown. */
        KAFKA("kafka", true),
        /** Twilio answered an error, or did not answer. */
        TWILIO("twilio", false),
        /** Twilio rejected the credentials (401 or 403). */
        TWILIO_AUTH("twilio-auth", false),
        /** Anything else: a defect, or an answer the relay cannot read. */
        UNEXPECTED("unexpected", true);

        private final String tag;
        private final boolean restores;

        Kind(String tag, boolean restores) {
            this.tag = tag;
            this.restores = restores;
        }

        String tag() {
            return tag;
        }

        /**
         * Whether the cursor may now be ahead of what Kafka holds (or behind another writer's), so it is thrown away
         * and restored from the committed checkpoint when the publisher reopens.
         */
        boolean restores() {
            return restores;
        }
    }

    /**
     * A classified failure.
     *
     * @param retryable whether the same attempt can succeed without anything changing (a rejected credential or a
     *                  request Twilio calls wrong will not: someone must fix the configuration)
     * @param pause     the pause before the next attempt
     * @param summary   what went wrong, for the feed's status (no secrets: the exception messages carry none)
     */
    record Failure(Kind kind, boolean retryable, Duration pause, String summary) {
    }

    /**
     * @param maxBackoff     the longest back-off ({@code relay.poller.max-backoff})
     * @param sessionTimeout how soon a replica that stopped answering loses its feeds
     *                       ({@code relay.poller.session-timeout})
     */
    FailurePolicy(Duration maxBackoff, Duration sessionTimeout, RandomGenerator random) {
        this.maxBackoff = maxBackoff;
        this.sessionTimeout = sessionTimeout;
        this.random = random;
    }

    /** Classifies a failed attempt and counts it. */
    Failure failed(RuntimeException failure) {
        if (failure instanceof FencedException) {
            // If another replica took the feed over, this one has lost its group membership, and the ownership loop
            // stops this runner within one session timeout: waiting that long before reopening keeps a paused
            // replica from fencing the new owner back, turn about.
            Duration backoff = backoff();
            Duration wait = backoff.compareTo(sessionTimeout) >= 0 ? backoff : sessionTimeout;
            return new Failure(Kind.FENCED, true, wait, failure.getMessage());
        }
        if (failure instanceof PublishFailedException) {
            return new Failure(Kind.KAFKA, true, backoff(), "Kafka: " + failure.getMessage());
        }
        if (failure instanceof TwilioApiException twilio) {
            Duration wait = twilio.retryAfter().orElseGet(this::backoff);
            return new Failure(twilio.authFailure() ? Kind.TWILIO_AUTH : Kind.TWILIO, twilio.retryable(), wait,
                    "Twilio: HTTP " + twilio.status() + " " + twilio.getMessage());
        }
        return new Failure(Kind.UNEXPECTED, true, backoff(),
                failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    /** An attempt succeeded: the next failure waits the shortest back-off again. */
    void succeeded() {
        failures = 0;
    }

    /** The next back-off: doubling from one second, capped, with up to an eighth of it either way as jitter. */
    private Duration backoff() {
        failures = Math.min(failures + 1, MAX_COUNTED);
        long max = maxBackoff.toMillis();
        long base = Math.min(max, FIRST_BACKOFF_MILLIS << Math.min(failures - 1, 16));
        long jitter = random.nextLong(base / 4 + 1);
        return Duration.ofMillis(Math.min(max, base - base / 8 + jitter));
    }
}
