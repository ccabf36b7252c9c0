package io.oprelay.api;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The admin API keys ({@code relay.api.key} and {@code relay.api.keys}) and whether one is required. Start-up stops
 * with one line naming {@code relay.api.key} when auth is enabled without a key, rather than serving an API that
 * nobody can call or, worse, everybody can.
 */
@Singleton
public class ApiKeys {

    private final boolean required;
    private final String primary;
    private final List<byte[]> digests = new ArrayList<>();

    public ApiKeys(ApiConfig config) {
        this.required = config.authEnabled();
        List<String> all = Stream.concat(config.key().stream(), config.keys().orElse(List.of()).stream())
                .map(String::trim).filter(k -> !k.isEmpty()).distinct().toList();
        this.primary = all.isEmpty() ? null : all.get(0);
        all.forEach(k -> digests.add(sha256(k)));
    }

    void onStart(@Observes @Priority(Integer.MIN_VALUE + 1) StartupEvent event) {
        if (required && primary == null) {
            throw new ConfigurationException("relay.api.key (env RELAY_API_KEY) is required while"
                    + " relay.api.auth-enabled=true: set it to a long random key for the admin API, for example"
                    + " the output of `openssl rand -hex 24`", Set.of("relay.api.key"));
        }
    }

    public boolean required() {
        return required;
    }

    /** The key stream tokens are signed with when no token secret is set: {@code key}, else the first of {@code keys}. */
    Optional<String> primary() {
        return Optional.ofNullable(primary);
    }

    /**
     * Whether {@code presented} is one of the keys. Digests of equal length are compared, every key each time, so
     * neither the time taken nor an early exit tells how much of a key, or which key, was right.
     */
    public boolean accepts(String presented) {
        if (presented == null || digests.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean accepted = false;
        for (byte[] key : digests) {
            accepted |= MessageDigest.isEqual(key, digest);
        }
        return accepted;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
