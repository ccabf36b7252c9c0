package io.oprelay.twilio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry policy as plain logic: what it reads from Twilio's headers and how long it waits. */
class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:45:30Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** The lowest and the highest value a random source in [0, 1) gives. */
    private static final DoubleSupplier LOWEST = () -> 0.0;
    private static final DoubleSupplier HIGHEST = () -> Math.nextDown(1.0);

    private static RetryPolicy policy(DoubleSupplier random) {
        return new RetryPolicy(new TestTwilioConfig.TestRetry(4, Duration.ofMillis(500), Duration.ofSeconds(20),
                Duration.ofSeconds(60)), CLOCK, random);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "-NaN", "-5", "-0.5", "Infinity", "-Infinity", "soon", "1d", "0x10", "1e3", "5 s",
            "Thu, 15 Jan 2026 10:40:00 GMT", "Thursday", ""})
    void aRetryAfterThatIsNoUsableWaitIsIgnored(String value) {
        assertThat(policy(LOWEST).serverHint(value, null)).as("Retry-After: " + value).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "-5", "Infinity", "soon", "1d", "1768473900"})
    void anXRateLimitResetThatIsNoUsableWaitIsIgnored(String value) {
        assertThat(policy(LOWEST).serverHint(null, value)).as("X-RateLimit-Reset: " + value).isEmpty();
    }

    @Test
    void anUnusableRetryAfterLeavesTheWordToXRateLimitReset() {
        assertThat(policy(LOWEST).serverHint("NaN", "5")).contains(Duration.ofSeconds(5));
        assertThat(policy(LOWEST).serverHint("-1", "1768473945")).contains(Duration.ofSeconds(15));
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        RetryPolicy policy = policy(LOWEST);
        assertThat(policy.serverHint("30", null)).contains(Duration.ofSeconds(30));
        assertThat(policy.serverHint(" 1.5 ", null)).contains(Duration.ofMillis(1500));
        assertThat(policy.serverHint("0", null)).contains(Duration.ZERO);
        assertThat(policy.serverHint("Thu, 15 Jan 2026 10:46:00 GMT", null)).contains(Duration.ofSeconds(30));
        assertThat(policy.serverHint("Thu, 15 Jan 2026 10:45:30 GMT", null)).contains(Duration.ZERO);
        assertThat(policy.serverHint("20", "50")).as("Retry-After comes first").contains(Duration.ofSeconds(20));
    }

    @Test
    void readsXRateLimitResetAsSecondsToWaitOrAsAnEpochSecond() {
        RetryPolicy policy = policy(LOWEST);
        assertThat(policy.serverHint(null, "12")).contains(Duration.ofSeconds(12));
        assertThat(policy.serverHint(null, Long.toString(NOW.getEpochSecond() + 45)))
                .contains(Duration.ofSeconds(45));
        assertThat(policy.serverHint(null, Long.toString(NOW.getEpochSecond())))
                .contains(Duration.ZERO);
        assertThat(policy.serverHint(null, null)).isEmpty();
    }

    @Test
    void aWaitLongerThanMaxRetryAfterIsNotShortenedButTooLongToWaitFor() {
        RetryPolicy policy = policy(LOWEST);
        assertThat(policy.serverHint("3600", null)).contains(Duration.ofHours(1));
        assertThat(policy.tooLongToWaitFor(Duration.ofHours(1))).isTrue();
        assertThat(policy.tooLongToWaitFor(Duration.ofSeconds(60))).as("max-retry-after itself").isFalse();
        assertThat(policy.tooLongToWaitFor(Duration.ZERO)).isFalse();
    }

    @Test
    void aWaitOfMoreThanADayIsReadAsADay() {
        RetryPolicy policy = policy(LOWEST);
        assertThat(policy.serverHint("999999999", null)).contains(Duration.ofDays(1));
        assertThat(policy.serverHint("1" + "0".repeat(400), null)).isEmpty();
        assertThat(policy.serverHint(null, Long.toString(NOW.getEpochSecond() + 7 * 86_400)))
                .contains(Duration.ofDays(1));
        assertThat(policy.serverHint("Thu, 15 Jan 2099 10:46:00 GMT", null)).contains(Duration.ofDays(1));
    }

    @Test
    void aWaitTwilioAskedForGetsUpToAFifthMoreAndNeverLess() {
        Duration asked = Duration.ofSeconds(10);
        assertThat(policy(LOWEST).spread(asked)).isEqualTo(asked);
        assertThat(policy(HIGHEST).spread(asked)).isEqualTo(Duration.ofSeconds(12));
        assertThat(policy(() -> 0.5).spread(asked)).isEqualTo(Duration.ofSeconds(11));
        assertThat(policy(HIGHEST).spread(Duration.ZERO)).isEqualTo(Duration.ZERO);
        assertThat(policy(HIGHEST).spread(Duration.ofDays(1))).isEqualTo(Duration.ofHours(24).plusMinutes(288));
    }

    @Test
    void backoffDoublesFromTheInitialWaitWithJitterInItsUpperHalf() {
        assertThat(policy(LOWEST).backoff(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(policy(HIGHEST).backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy(LOWEST).backoff(2)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy(HIGHEST).backoff(2)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy(LOWEST).backoff(4)).isEqualTo(Duration.ofMillis(2000));
        assertThat(policy(HIGHEST).backoff(4)).isEqualTo(Duration.ofMillis(4000));
    }

    @Test
    void backoffNeverExceedsMaxBackoff() {
        for (int attempt : new int[] {7, 8, 31, 64, Integer.MAX_VALUE}) {
            assertThat(policy(LOWEST).backoff(attempt)).as("attempt " + attempt).isEqualTo(Duration.ofSeconds(10));
            assertThat(policy(HIGHEST).backoff(attempt)).as("attempt " + attempt).isEqualTo(Duration.ofSeconds(20));
        }
    }
}
