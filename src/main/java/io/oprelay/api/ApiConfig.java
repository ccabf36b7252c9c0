package io.oprelay.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Access to the admin REST API under {@code /api}, the simulator's admin endpoints and the hint streams. */
@ConfigMapping(prefix = "relay.api")
public interface ApiConfig {

    /**
     * Requires an API key (or, on the hint streams, a stream token); when true, {@code relay.api.key} or
     * {@code relay.api.keys} must be set. False only for the local run: every request is then the admin.
     */
    @WithDefault("true")
    boolean authEnabled();

    /**
     * The key callers send as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}
     * (env {@code RELAY_API_KEY}); also the key stream tokens are signed with when no token secret is set.
     */
    Optional<String> key();

    /** More keys accepted next to {@code key}, comma-separated (env {@code RELAY_API_KEYS}): for rotating keys. */
    Optional<List<String>> keys();

    /**
     * Secret that signs the hint-stream tokens (env {@code RELAY_API_TOKEN_SECRET}); unset: a secret derived from
     * the primary API key ({@code key}, else the first of {@code keys}).
     */
    Optional<String> tokenSecret();

    /** Lifetime of a stream token whose request names none. */
    @WithDefault("5m")
    Duration tokenTtl();

    /** Longest lifetime a stream token may be given. */
    @WithDefault("15m")
    Duration tokenMaxTtl();
}
