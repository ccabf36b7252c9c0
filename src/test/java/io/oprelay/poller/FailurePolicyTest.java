package io.oprelay.poller;

import io.oprelay.publisher.FencedException;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.twilio.TwilioApiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failure is which kind, which can succeed on retry, and how long the loop waits. */
class FailurePolicyTest {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    private final FailurePolicy policy = new FailurePolicy(MAX_BACKOFF, SESSION_TIMEOUT, new SplittableRandom(7));

    private static TwilioApiException twilio(int status, Duration retryAfter) {
        return new TwilioApiException(status, null, "answer " + status, false, Map.of(),
                Optional.ofNullable(retryAfter), null);
    }

    @Test
    void eachFailureHasTheKindItIsCountedUnder() {
        assertThat(policy.failed(new FencedException("f", null)).kind()).isEqualTo(FailurePolicy.Kind.FENCED);
        assertThat(policy.failed(new PublishFailedException("down", null)).kind())
                .isEqualTo(FailurePolicy.Kind.KAFKA);
        assertThat(policy.failed(twilio(503, null)).kind()).isEqualTo(FailurePolicy.Kind.TWILIO);
        assertThat(policy.failed(twilio(401, null)).kind()).isEqualTo(FailurePolicy.Kind.TWILIO_AUTH);
        assertThat(policy.failed(twilio(403, null)).kind()).isEqualTo(FailurePolicy.Kind.TWILIO_AUTH);
        assertThat(policy.failed(new IllegalStateException("bug")).kind()).isEqualTo(FailurePolicy.Kind.UNEXPECTED);
    }

    @Test
    void kindTagsAreTheDocumentedMetricValues() {
        assertThat(List.of(FailurePolicy.Kind.values())).extracting(FailurePolicy.Kind::tag)
                .containsExactly("fenced", "kafka", "twilio", "twilio-auth", "unexpected");
    }

    @Test
    void onlyATwilioFailureKeepsTheCursorEveryOtherRestoresItFromKafka() {
        assertThat(FailurePolicy.Kind.TWILIO.restores()).isFalse();
        assertThat(FailurePolicy.Kind.TWILIO_AUTH.restores()).isFalse();
        assertThat(FailurePolicy.Kind.KAFKA.restores()).isTrue();
        assertThat(FailurePolicy.Kind.FENCED.restores()).isTrue();
        assertThat(FailurePolicy.Kind.UNEXPECTED.restores()).isTrue();
    }

    @Test
    void rejectedCredentialsAndRequestsTwilioCallsWrongAreNotRetryableRateLimitsAndOutagesAre() {
        assertThat(policy.failed(twilio(401, null)).retryable()).isFalse();
        assertThat(policy.failed(twilio(400, null)).retryable()).isFalse();
        assertThat(policy.failed(twilio(429, null)).retryable()).isTrue();
        assertThat(policy.failed(twilio(502, null)).retryable()).isTrue();
        assertThat(policy.failed(new PublishFailedException("down", null)).retryable()).isTrue();
    }

    @Test
    void theBackOffDoublesFromOneSecondWithJitterUpToTheCap() {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waits.add(policy.failed(new PublishFailedException("down", null)).pause());
        }
        long[] bases = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000};
        for (int i = 0; i < bases.length; i++) {
            long base = bases[i];
            assertThat(waits.get(i).toMillis()).as("wait %d", i + 1)
                    .isBetween(base - base / 8, Math.min(MAX_BACKOFF.toMillis(), base + base / 8));
        }
    }

    @Test
    void aSuccessStartsTheBackOffAgainFromOneSecond() {
        for (int i = 0; i < 5; i++) {
            policy.failed(new IllegalStateException("bug"));
        }
        policy.succeeded();
        assertThat(policy.failed(new IllegalStateException("bug")).pause().toMillis()).isBetween(875L, 1125L);
    }

    @Test
    void twilioIsWaitedForAsLongAsItAskedWithoutGrowingTheBackOff() {
        assertThat(policy.failed(twilio(429, Duration.ofSeconds(42))).pause()).isEqualTo(Duration.ofSeconds(42));
        assertThat(policy.failed(twilio(503, Duration.ofMillis(300))).pause()).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.failed(twilio(503, null)).pause().toMillis()).as("the first back-off")
                .isBetween(875L, 1125L);
    }

    @Test
    void aFencedWriterWaitsAtLeastTheSessionTimeoutBeforeReopening() {
        assertThat(policy.failed(new FencedException("f", null)).pause()).isEqualTo(SESSION_TIMEOUT);
        for (int i = 0; i < 4; i++) {
            policy.failed(new PublishFailedException("down", null));
        }
        assertThat(policy.failed(new FencedException("f", null)).pause()).isGreaterThan(SESSION_TIMEOUT);
    }

    @Test
    void theSummaryNamesTheSystemThatFailed() {
        assertThat(policy.failed(new PublishFailedException("broker down", null)).summary())
                .isEqualTo("Kafka: broker down");
        assertThat(policy.failed(twilio(503, null)).summary()).isEqualTo("Twilio: HTTP 503 answer 503");
        assertThat(policy.failed(new IllegalStateException("bug")).summary()).isEqualTo("IllegalStateException: bug");
    }
}
