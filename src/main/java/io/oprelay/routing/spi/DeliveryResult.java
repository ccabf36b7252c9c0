package io.oprelay.routing.spi;

import java.time.Duration;

/** How a {@link Delivery} ended: delivered (a 2xx answer) or failed with the reason, after how many attempts. */
public record DeliveryResult(Delivery delivery, boolean delivered, int attempts, String reason, Duration took) {
}
