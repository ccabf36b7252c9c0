package io.oprelay.routing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.oprelay.routing.spi.Deliveries;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.DeliveryResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.oprelay.tracing.Tracing;
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
 *
 * <p>Each delivery is an HTTP client span ({@code POST}), child of its action's span, from the first attempt to the
 * outcome, with the number of attempts; the sender sends its context as {@code traceparent} on every attempt, and a
 * dead letter of the delivery carries it too.
 */
final class WebhookWaits {

    private static final Logger LOG = Logger.getLogger(WebhookWaits.class);
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(5);

    private final Deliveries deliveries;
    private final String deadLetterTopic;
    private final Tracing tracing;
    private final List<DeliveryUnderWay> pending = new ArrayList<>();

    WebhookWaits(Deliveries deliveries, String deadLetterTopic, Tracing tracing) {
        this.deliveries = deliveries;
        this.deadLetterTopic = deadLetterTopic;
        this.tracing = tracing;
    }

    /** Starts a delivery for an event of the batch, in a span under {@code trace} (its action's). */
    void start(ConsumerRecord<String, byte[]> source, Delivery delivery, Context trace) {
        Span span = tracing.span("POST", SpanKind.CLIENT).setParent(trace)
                .setAttribute(Tracing.HTTP_METHOD, "POST")
                .setAttribute(Tracing.SERVER_ADDRESS, String.valueOf(delivery.url().getHost()))
                .setAttribute(Tracing.SERVER_PORT, (long) port(delivery))
                .setAttribute(Tracing.RULE, delivery.rule())
                .setAttribute(Tracing.ACTION_TYPE, delivery.action())
                .startSpan();
        Context context = trace.with(span);
        CompletableFuture<DeliveryResult> result;
        try (Scope ignored = context.makeCurrent()) {
            result = deliveries.deliver(delivery);
        }
        result.whenComplete((outcome, error) -> ended(span, outcome));
        pending.add(new DeliveryUnderWay(source, delivery, result, context));
    }

    private static int port(Delivery delivery) {
        int port = delivery.url().getPort();
        return port >= 0 ? port : "https".equalsIgnoreCase(delivery.url().getScheme()) ? 443 : 80;
    }

    /** Ends a delivery's span with its outcome (none when it was given up before it had one). */
    private static void ended(Span span, DeliveryResult outcome) {
        if (outcome == null) {
            span.setAttribute(Tracing.OUTCOME, "abandoned");
            span.setStatus(StatusCode.ERROR);
        } else {
            span.setAttribute(Tracing.ATTEMPTS, (long) outcome.attempts());
            span.setAttribute(Tracing.OUTCOME, outcome.delivered() ? RoutingMetrics.DELIVERED
                    : RoutingMetrics.DEAD_LETTERED);
            if (outcome.reason() != null && outcome.reason().startsWith("HTTP ")) {
                try {
                    span.setAttribute(Tracing.HTTP_STATUS, Long.parseLong(outcome.reason().substring(5, 8)));
                } catch (RuntimeException unexpected) {
                    // no status to report
                }
            }
            if (!outcome.delivered()) {
                span.setStatus(StatusCode.ERROR, outcome.reason());
            }
        }
        span.end();
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
            ProducerRecord<String, byte[]> deadLetter = DeadLetters.of(deadLetterTopic, one.source(), result.reason(),
                    delivery.rule(), delivery.action(), result.attempts());
            tracing.headersOf(one.trace()).writeTo(deadLetter.headers());
            deadLetters.accept(deadLetter);
            batch.action(delivery.action(), RoutingMetrics.DEAD_LETTERED, result.took());
        }
    }

    /** A webhook delivery of a consumed record, under way. */
    private record DeliveryUnderWay(ConsumerRecord<String, byte[]> source, Delivery delivery,
                                    CompletableFuture<DeliveryResult> result, Context trace) {

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
