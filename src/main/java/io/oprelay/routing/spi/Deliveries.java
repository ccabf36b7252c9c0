package io.oprelay.routing.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Carries out the HTTP {@link Delivery deliveries} of actions, at least once, for the router. */
public interface Deliveries {

    /**
     * Starts a delivery; the future completes with its outcome once delivered, refused or out of attempts. Never
     * throws: a delivery that cannot even be sent completes as failed.
     */
    CompletableFuture<DeliveryResult> deliver(Delivery delivery);

    /**
     * A delivery an operator asked for (a dead letter's replay): as {@link #deliver}, but made even while the
     * endpoint is being skipped after repeated failures, since the request says its receiver was fixed; its outcome
     * counts for the endpoint like any other.
     */
    default CompletableFuture<DeliveryResult> deliverRequested(Delivery delivery) {
        return deliver(delivery);
    }

    /** The longest a delivery can take before its future completes; the router bounds its wait for a batch by it. */
    Duration longestDelivery();
}
