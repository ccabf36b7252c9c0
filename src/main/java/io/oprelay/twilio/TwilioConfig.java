package io.oprelay.twilio;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the Twilio Intelligence v3 client. The password is a secret: it is only ever put into the
 * {@code Authorization} header, never into logs, exceptions, health answers or metrics.
 */
@ConfigMapping(prefix = "relay.twilio")
public interface TwilioConfig {

    /** Base URL of the Intelligence API, without {@code /v3}; point it at {@code http://host:port/simulator} for the simulator. */
    @WithDefault("https://intelligence.twilio.com")
    String baseUrl();

    /** API Key SID (recommended) or Account SID; env {@code RELAY_TWILIO_USERNAME}. */
    Optional<String> username();

    /** API Key secret or Auth Token; env {@code RELAY_TWILIO_PASSWORD}. */
    Optional<String> password();

    /** How long to wait for a TCP connection. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long to wait for a whole answer before the attempt counts as failed. */
    @WithDefault("30s")
    Duration readTimeout();

    /** Retries of 429, 5xx, connection failures, timeouts and malformed answers. */
    Retry retry();

    /** Back-off settings. */
    interface Retry {

        /** Attempts per call, the first one included; 1 disables retries. */
        @WithDefault("4")
        int maxAttempts();

        /** Back-off before the second attempt; it doubles per attempt, with jitter. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** Upper bound of the computed back-off. */
        @WithDefault("20s")
        Duration maxBackoff();

        /**
         * Longest wait asked for by {@code Retry-After} or {@code X-RateLimit-Reset} that a call waits out itself; a
         * longer one ends the call at once, with the wait in the exception for its caller to honour.
         */
        @WithDefault("60s")
        Duration maxRetryAfter();
    }
}
