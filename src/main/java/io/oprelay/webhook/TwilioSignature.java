package io.oprelay.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Twilio's signature of a JSON webhook: {@code bodySHA256} in the query string is the hex SHA-256 of the raw body,
 * and {@code X-Twilio-Signature} is the Base64 HMAC-SHA1, keyed with the Auth Token, of the full URL including that
 * query string. Both comparisons take constant time.
 */
public final class TwilioSignature {

    private final byte[] authToken;

    public TwilioSignature(String authToken) {
        this.authToken = authToken.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature Twilio sends for {@code url}. */
    public String sign(String url) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(url.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /** Whether {@code signature} (the header's value, possibly null) signs {@code url}. */
    public boolean signs(String signature, String url) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        byte[] expected = sign(url).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII));
    }

    /** The hex SHA-256 of a body, as Twilio puts it in {@code bodySHA256}. */
    public static String bodyHash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Whether {@code claimed} (the query parameter, possibly null) is the hash of {@code body}. */
    public static boolean hashes(String claimed, byte[] body) {
        if (claimed == null) {
            return false;
        }
        byte[] expected = bodyHash(body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, claimed.toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII));
    }
}
