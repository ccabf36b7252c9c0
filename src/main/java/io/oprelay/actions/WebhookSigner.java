package io.oprelay.actions;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Signs outbound webhooks: {@code X-Relay-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>} with the
 * Unix time in seconds in {@code X-Relay-Timestamp}. Receivers recompute it over the raw body and reject old
 * timestamps (see docs/routing.md).
 */
@Singleton
public class WebhookSigner {

    public static final String SIGNATURE_HEADER = "X-Relay-Signature";
    public static final String TIMESTAMP_HEADER = "X-Relay-Timestamp";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final byte[] secret;

    @Inject
    public WebhookSigner(ActionsConfig config) {
        this(config.signingSecret().orElse(""));
    }

    WebhookSigner(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature header value for a body sent at {@code timestamp} (Unix seconds). */
    public String sign(long timestamp, byte[] body) {
        if (secret.length == 0) {
            throw new IllegalStateException(WebhookPolicy.SECRET + " is not set");
        }
        return "v1=" + hmac(secret, timestamp, body);
    }

    /** HMAC-SHA256 of {@code timestamp + "." + body} as lower-case hex. */
    static String hmac(byte[] key, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSigner[secret=***]";
    }
}
