package io.oprelay.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Short-lived tokens that open the hint stream of one conversation, or of all hints: {@code v1.<payload>.<signature>},
 * the payload base64url JSON {@code {"scope":"conversation"|"all","conversationId":...,"exp":<epoch seconds>}}, the
 * signature base64url HMAC-SHA256 of {@code v1.<payload>}. Signed with {@code relay.api.token-secret}, else with a
 * key derived from the primary API key, so every replica with the same configuration accepts them.
 */
@Singleton
public class StreamTokens {

    static final String VERSION = "v1";
    static final String SCOPE_ALL = "all";
    static final String SCOPE_CONVERSATION = "conversation";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int MAX_LENGTH = 2048;
    private static final byte[] DERIVATION_LABEL = "io.oprelay agent-assist stream tokens v1"
            .getBytes(StandardCharsets.UTF_8);

    /** A minted token and when it stops being accepted. */
    public record Minted(String token, Instant expiresAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Payload(String scope, String conversationId, long exp) {
    }

    private final byte[] key;
    private final Duration defaultTtl;
    private final Duration maxTtl;
    private final ObjectMapper mapper;
    private final Clock clock;

    @Inject
    public StreamTokens(ApiConfig config, ApiKeys keys, ObjectMapper mapper) {
        this(signingKey(config, keys), config.tokenTtl(), config.tokenMaxTtl(), mapper, Clock.systemUTC());
    }

    StreamTokens(byte[] key, Duration defaultTtl, Duration maxTtl, ObjectMapper mapper, Clock clock) {
        this.key = key.clone();
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
        this.mapper = mapper;
        this.clock = clock;
    }

    private static byte[] signingKey(ApiConfig config, ApiKeys keys) {
        Optional<String> secret = config.tokenSecret().filter(s -> !s.isBlank());
        if (secret.isPresent()) {
            return secret.get().getBytes(StandardCharsets.UTF_8);
        }
        Optional<String> primary = keys.primary();
        if (primary.isPresent()) {
            return hmac(primary.get().getBytes(StandardCharsets.UTF_8), DERIVATION_LABEL);
        }
        // No key at all (auth disabled, the local run): tokens of this instance only.
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    /** The lifetime of a token whose request names none. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /** The longest lifetime a token may have. */
    public Duration maxTtl() {
        return maxTtl;
    }

    /** A token for {@code scope}, accepted for {@code ttl} (at most {@link #maxTtl()}). */
    public Minted mint(StreamScope scope, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most " + maxTtl);
        }
        Instant expiresAt = clock.instant().plus(ttl);
        Payload payload = new Payload(scope.all() ? SCOPE_ALL : SCOPE_CONVERSATION, scope.conversationId(),
                expiresAt.getEpochSecond());
        String encoded;
        try {
            encoded = base64(mapper.writeValueAsBytes(payload));
        } catch (IOException e) {
            throw new IllegalStateException("the token payload is a plain record", e);
        }
        String signed = VERSION + "." + encoded;
        return new Minted(signed + "." + base64(sign(signed)), Instant.ofEpochSecond(expiresAt.getEpochSecond()));
    }

    /** The scope of a token signed here and not expired; empty for anything else. */
    public Optional<StreamScope> verify(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(sign(parts[0] + "." + parts[1]), signature)) {
                return Optional.empty();
            }
            Payload payload = mapper.readValue(Base64.getUrlDecoder().decode(parts[1]), Payload.class);
            if (payload.exp() <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            if (SCOPE_ALL.equals(payload.scope()) && payload.conversationId() == null) {
                return Optional.of(StreamScope.ALL);
            }
            if (SCOPE_CONVERSATION.equals(payload.scope()) && payload.conversationId() != null
                    && !payload.conversationId().isBlank()) {
                return Optional.of(new StreamScope(payload.conversationId()));
            }
            return Optional.empty();
        } catch (IllegalArgumentException | IOException malformed) {
            return Optional.empty();
        }
    }

    private byte[] sign(String data) {
        return hmac(key, data.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
