package io.oprelay.api;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The admin API key and whether it is required. Start-up stops with one line naming {@code relay.api.key} when
 * auth is enabled without a key, rather than serving an API that nobody can call or, worse, everybody can.
 */
@Singleton
public class ApiKeys {

    private final boolean required;
    private final byte[] key;

    public ApiKeys(ApiConfig config) {
        this.required = config.authEnabled();
        this.key = config.key().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void onStart(@Observes @Priority(Integer.MIN_VALUE + 1) StartupEvent event) {
        if (required && key == null) {
            throw new ConfigurationException("relay.api.key (env RELAY_API_KEY) is required while"
                    + " relay.api.auth-enabled=true: set it to a long random key for the admin API, for example"
                    + " the output of `openssl rand -hex 24`", Set.of("relay.api.key"));
        }
    }

    public boolean required() {
        return required;
    }

    /** Whether {@code presented} is the key, compared in constant time; false when no key is configured. */
    public boolean accepts(String presented) {
        return key != null && presented != null
                && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }
}
