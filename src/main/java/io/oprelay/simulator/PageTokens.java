package io.oprelay.simulator;

import io.oprelay.twilio.SortOrder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque page tokens: base64url of the cursor, the direction, the sort order, the filters and the issue time,
 * followed by a truncated HMAC-SHA256 of those bytes. A token that does not decode or whose MAC does not match
 * is rejected, so clients can only send back tokens the simulator issued.
 */
final class PageTokens {

    private static final String VERSION = "v1";
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** What a token carries. {@code forward} false marks a {@code previousToken}. */
    record Cursor(String afterId, boolean forward, SortOrder order, Filters filters, long issuedAtMillis) {
    }

    private final byte[] key;

    PageTokens(byte[] key) {
        this.key = key.clone();
    }

    String encode(Cursor cursor) {
        String payload = String.join("|", VERSION, cursor.afterId(), cursor.forward() ? "n" : "p",
                cursor.order().name(), cursor.filters().conversationId().orElse(""),
                cursor.filters().intelligenceConfigurationId().orElse(""), cursor.filters().operatorId().orElse(""),
                Long.toString(cursor.issuedAtMillis()));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
    }

    /** The cursor of a token this simulator issued; empty for anything else. */
    Optional<Cursor> decode(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] bytes = DECODER.decode(token.substring(0, dot));
            byte[] mac = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(mac, mac(bytes))) {
                return Optional.empty();
            }
            String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 8 || !VERSION.equals(parts[0])) {
                return Optional.empty();
            }
            Filters filters = new Filters(optional(parts[4]), optional(parts[5]), optional(parts[6]));
            return Optional.of(new Cursor(parts[1], "n".equals(parts[2]), SortOrder.valueOf(parts[3]), filters,
                    Long.parseLong(parts[7])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> optional(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(payload), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
