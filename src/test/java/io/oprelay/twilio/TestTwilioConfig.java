package io.oprelay.twilio;

import java.time.Duration;
import java.util.Optional;

/** A {@link TwilioConfig} for clients that tests point at WireMock or at the simulator. */
public record TestTwilioConfig(String baseUrl, Optional<String> username, Optional<String> password,
                               Duration connectTimeout, Duration readTimeout, Retry retry) implements TwilioConfig {

    /** Short timeouts, four attempts, millisecond back-off and a 2 s cap on server-asked waits. */
    public static TestTwilioConfig of(String baseUrl, String username, String password) {
        return new TestTwilioConfig(baseUrl, Optional.ofNullable(username), Optional.ofNullable(password),
                Duration.ofSeconds(2), Duration.ofMillis(1500), new TestRetry(4, Duration.ofMillis(5),
                Duration.ofMillis(40), Duration.ofSeconds(2)));
    }

    public TestTwilioConfig withRetry(int attempts, Duration maxRetryAfter) {
        return new TestTwilioConfig(baseUrl, username, password, connectTimeout, readTimeout,
                new TestRetry(attempts, Duration.ofMillis(5), Duration.ofMillis(40), maxRetryAfter));
    }

    public TestTwilioConfig withReadTimeout(Duration timeout) {
        return new TestTwilioConfig(baseUrl, username, password, connectTimeout, timeout, retry);
    }

    public record TestRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter)
            implements Retry {
    }
}
