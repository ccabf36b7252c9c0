package io.oprelay.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The receiver of Twilio Rule Execution webhooks. */
@ConfigMapping(prefix = "relay.webhook")
public interface WebhookConfig {

    /** Serves {@code POST /webhooks/twilio/rule-execution}. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The Twilio Auth Token of the account, which signs the webhooks (env {@code RELAY_WEBHOOK_AUTH_TOKEN}). Without
     * it the endpoint answers 503 and accepts nothing.
     */
    Optional<String> authToken();

    /**
     * The scheme, host, port and path prefix Twilio posts to, as configured in the rule, for example
     * {@code https://relay.example.com}; needed behind a proxy or ingress. Absent: the request's own URL.
     */
    Optional<String> publicBaseUrl();

    /** Largest body accepted; larger ones are answered 413. */
    @WithDefault("1M")
    io.quarkus.runtime.configuration.MemorySize maxBodySize();

    /** How long a webhook waits for the transaction of its results before it is answered 503. */
    @WithDefault("5S")
    Duration commitTimeout();

    /**
     * Results of webhooks a feed may hold queued for its loop; a webhook beyond that is answered 503 with
     * {@code Retry-After} (a webhook arriving at an empty queue is always taken).
     */
    @WithDefault("10000")
    int maxQueuedResults();
}
