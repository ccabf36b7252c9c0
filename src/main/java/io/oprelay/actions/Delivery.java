package io.oprelay.actions;

import java.net.URI;

/**
 * One outbound webhook call: the body is fixed once, so every retry sends the same bytes with the same
 * {@code Idempotency-Key}.
 */
public record Delivery(String action, String rule, URI url, byte[] body, String idempotencyKey) {
}
