package io.oprelay.routing.spi;

import java.net.URI;

/**
 * One outbound webhook call: the body is fixed once, so every retry sends the same bytes with the same
 * {@code Idempotency-Key}.
 */
public record Delivery(String action, String rule, URI url, byte[] body, String idempotencyKey) {

    /** The endpoint a URL belongs to, {@code scheme://host[:port]}: no user info, path or query (may hold secrets). */
    public static String endpointOf(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /** The endpoint of this delivery, as {@link #endpointOf(URI)} shows it. */
    public String endpoint() {
        return endpointOf(url);
    }
}
