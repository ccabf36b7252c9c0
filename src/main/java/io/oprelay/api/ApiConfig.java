package io.oprelay.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Protection of the admin REST API under {@code /api}. */
@ConfigMapping(prefix = "relay.api")
public interface ApiConfig {

    /** Requires the API key on every {@code /api} request; when true, {@code relay.api.key} must be set. */
    @WithDefault("true")
    boolean authEnabled();

    /**
     * The key callers send as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}
     * (env {@code RELAY_API_KEY}).
     */
    Optional<String> key();
}
