package io.oprelay.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Deleting results at Twilio once they are safely on Kafka. */
@ConfigMapping(prefix = "relay.retention")
public interface RetentionConfig {

    /** Deletes each result at Twilio after the transaction that published it committed. */
    @WithDefault("false")
    boolean deleteAfterPublish();

    /** Deletes per second at most, to stay well inside Twilio's rate limits. */
    @WithDefault("5")
    double rate();

    /** Attempts per result when Twilio answers 429, 5xx or not at all; the result stays in Twilio after the last. */
    @WithDefault("5")
    int maxAttempts();

    /** First wait before a failed delete is tried again; it doubles with each attempt. */
    @WithDefault("2S")
    Duration retryBackoff();

    /** Ids waiting to be deleted; when full, the oldest is dropped (that result simply stays in Twilio). */
    @WithDefault("100000")
    int queueCapacity();
}
