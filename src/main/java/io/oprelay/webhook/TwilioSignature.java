package io.oprelay.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Twilio's signature of a JSON webhook: {@code bodySHA256} in the query string is the hex SHA-256 of the raw body,
 * and {@code X-Twilio-Signature} is the Base64 HMAC-SHA1, keyed with the Auth Token, of the full URL including that
 * query string. Both comparisons take constant time. Like Twilio's own validators, a URL is accepted with and without
 * the scheme's default port ({@code :443} for https, {@code :80} for http), because Twilio may sign either form.
 */
public final class TwilioSignature {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

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

    /** Whether {@code signature} signs {@code url} as written, or {@code url} with or without its default port. */
    public boolean signsAnyForm(String signature, String url) {
        boolean signed = false;
        for (String candidate : candidates(url)) {
            signed |= signs(signature, candidate);
        }
        return signed;
    }

    /**
     * {@code url} as written and, for http and https, the same URL with the default port added when it has no port,
     * or removed when it names the default port. Other ports and schemes give the URL alone.
     */
    static List<String> candidates(String url) {
        int hostStart = url.indexOf("://");
        if (hostStart < 0) {
            return List.of(url);
        }
        String scheme = url.substring(0, hostStart).toLowerCase(Locale.ROOT);
        String defaultPort = switch (scheme) {
            case "https" -> "443";
            case "http" -> "80";
            default -> null;
        };
        if (defaultPort == null) {
            return List.of(url);
        }
        hostStart += 3;
        int hostEnd = hostStart;
        while (hostEnd < url.length() && "/?#".indexOf(url.charAt(hostEnd)) < 0) {
            hostEnd++;
        }
        String authority = url.substring(hostStart, hostEnd);
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon > authority.lastIndexOf(']');
        String other;
        if (!hasPort) {
            other = authority + ":" + defaultPort;
        } else if (authority.substring(colon + 1).equals(defaultPort)) {
            other = authority.substring(0, colon);
        } else {
            return List.of(url);
        }
        return List.of(url, url.substring(0, hostStart) + other + url.substring(hostEnd));
    }

    /** Whether {@code claimed} (the {@code bodySHA256} query parameter, possibly null) looks like a hex SHA-256. */
    public static boolean wellFormedHash(String claimed) {
        return claimed != null && HEX_SHA256.matcher(claimed).matches();
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
        if (!wellFormedHash(claimed)) {
            return false;
        }
        byte[] expected = bodyHash(body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, claimed.toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII));
    }
}
