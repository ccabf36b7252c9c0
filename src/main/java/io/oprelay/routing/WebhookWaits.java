package io.oprelay.routing;

import io.oprelay.routing.spi.Deliveries;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.DeliveryResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The webhook deliveries of one router batch: started as the batch is routed, all awaited before its commit within
 * one bound ({@link Deliveries#longestDelivery()} plus a grace), so no receiver can hold a partition. A delivery that
 * failed, or has no outcome by then, becomes a dead letter of its source event.
 */
final class WebhookWaits {

    private static final Logger LOG = Logger.getLogger(WebhookWaits.class);
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(5);

    private final Deliveries deliveries;
    private final String deadLetterTopic;
    private final List<DeliveryUnderWay> pending = new ArrayList<>();

    WebhookWaits(Deliveries deliveries, String deadLetterTopic) {
        this.deliveries = deliveries;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** Starts a delivery for an event of the batch. */
    void start(ConsumerRecord<String, byte[]> source, Delivery delivery) {
        pending.add(new DeliveryUnderWay(source, delivery, deliveries.deliver(delivery)));
    }

    /**
     * Waits for every delivery started; counts each outcome into {@code batch} and hands the dead letter of each
     * failed one to {@code deadLetters} (to send in the batch's transaction).
     */
    void awaitAll(RoutingMetrics.Batch batch, Consumer<ProducerRecord<String, byte[]>> deadLetters)
            throws InterruptedException, ExecutionException {
        // The sender bounds every attempt; this bound only guards the batch should a delivery never complete.
        Duration longest = deliveries.longestDelivery().plus(DELIVERY_GRACE);
        long deadline = System.nanoTime() + longest.toNanos();
        for (DeliveryUnderWay one : pending) {
            DeliveryResult result = one.await(deadline, longest);
            Delivery delivery = result.delivery();
            if (result.delivered()) {
                batch.action(delivery.action(), RoutingMetrics.DELIVERED, result.took());
                continue;
            }
            LOG.warnf("Webhook of rule %s (%s) to %s failed: %s; event %s-%d@%d dead-lettered", delivery.rule(),
                    delivery.action(), delivery.endpoint(), result.reason(), one.source().topic(),
                    one.source().partition(), one.source().offset());
            deadLetters.accept(DeadLetters.of(deadLetterTopic, one.source(), result.reason(), delivery.rule(),
                    delivery.action(), result.attempts()));
            batch.action(delivery.action(), RoutingMetrics.DEAD_LETTERED, result.took());
        }
    }

    /** A webhook delivery of a consumed record, under way. */
    private record DeliveryUnderWay(ConsumerRecord<String, byte[]> source, Delivery delivery,
                                    CompletableFuture<DeliveryResult> result) {

        /** Its outcome, or a failure when it has none by {@code deadline} ({@link System#nanoTime()}). */
        DeliveryResult await(long deadline, Duration bound) throws InterruptedException, ExecutionException {
            try {
                return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                result.cancel(false);
                return new DeliveryResult(delivery, false, 0, "no outcome within " + bound.toMillis() + " ms",
                        bound);
            }
        }
    }
}
