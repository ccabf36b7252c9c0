package io.oprelay.actions;

import io.opentelemetry.context.Context;
import io.oprelay.routing.spi.Deliveries;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.DeliveryResult;
import io.oprelay.routing.spi.ErrorText;
import io.oprelay.tracing.TraceHeaders;
import io.oprelay.tracing.Tracing;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Delivers signed webhooks at least once: POST with a timeout, retries on connection errors, timeouts, 408, 429 and
 * 5xx with exponential back-off and jitter (honouring {@code Retry-After}), the same body and
 * {@code Idempotency-Key} on every attempt. Other 4xx answers are final. Never blocks the calling thread.
 *
 * <p>The timeout bounds a whole attempt, response body included: the client's own request timeout stops at the
 * response headers, so a receiver that answers them and then trickles (or never finishes) its body would otherwise
 * keep the attempt, and the router's batch, open for good. Such an attempt is cut off, its connection closed, and
 * it counts as a failed attempt like a connection error.
 *
 * <p>Every attempt carries the trace context current when the delivery was started (the router's delivery span) as
 * {@code traceparent}, so the receiver continues the trace.
 */
@Singleton
public class WebhookSender implements Deliveries {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    private final HttpClient client;
    private final WebhookSigner signer;
    private final EndpointHealth health;
    private final Duration timeout;
    private final int maxAttempts;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final Tracing tracing;

    /** A sender that propagates no trace context. */
    public WebhookSender(ActionsConfig config, WebhookSigner signer, EndpointHealth health) {
        this(config, signer, health, Tracing.off());
    }

    @Inject
    public WebhookSender(ActionsConfig config, WebhookSigner signer, EndpointHealth health, Tracing tracing) {
        this.tracing = tracing;
        this.signer = signer;
        this.health = health;
        this.timeout = config.http().timeout();
        this.maxAttempts = Math.max(1, config.http().maxAttempts());
        this.initialBackoffMillis = config.http().initialBackoff().toMillis();
        this.maxBackoffMillis = config.http().maxBackoff().toMillis();
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Starts a delivery; the future completes with its outcome once delivered, refused or out of attempts. Never
     * throws: a request that cannot be built (for example a header value with a line break, coming from the data)
     * completes it at once as failed.
     */
    @Override
    public CompletableFuture<DeliveryResult> deliver(Delivery delivery) {
        CompletableFuture<DeliveryResult> done = new CompletableFuture<>();
        attempt(delivery, false, 1, System.nanoTime(), done, tracing.headersOf(Context.current()));
        return done;
    }

    /** As {@link #deliver}, made even while the endpoint is skipped: an operator's replay probes the fixed receiver. */
    @Override
    public CompletableFuture<DeliveryResult> deliverRequested(Delivery delivery) {
        CompletableFuture<DeliveryResult> done = new CompletableFuture<>();
        attempt(delivery, true, 1, System.nanoTime(), done, tracing.headersOf(Context.current()));
        return done;
    }

    private void attempt(Delivery delivery, boolean requested, int attempt, long started,
                         CompletableFuture<DeliveryResult> done, TraceHeaders trace) {
        try {
            send(delivery, requested, attempt, started, done, trace);
        } catch (RuntimeException e) {
            // Final, and no receiver was called: the endpoint's health is left alone.
            done.complete(result(delivery, false, attempt - 1, "request not sent: "
                    + EndpointHealth.withoutSecrets(ErrorText.describe(e), delivery.url()), started));
        }
    }

    private void send(Delivery delivery, boolean requested, int attempt, long started,
                      CompletableFuture<DeliveryResult> done, TraceHeaders trace) {
        String endpoint = EndpointHealth.nameOf(delivery);
        if (attempt == 1 && !requested && health.isOpen(endpoint)) {
            done.complete(result(delivery, false, 0, "endpoint skipped after repeated failures: "
                    + health.failing().getOrDefault(endpoint, "failing"), started));
            return;
        }
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest.Builder builder = HttpRequest.newBuilder(delivery.url());
        trace.forEach(builder::header);
        HttpRequest request = builder
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "operator-results-relay")
                .header(WebhookSigner.IDEMPOTENCY_HEADER, delivery.idempotencyKey())
                .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSigner.SIGNATURE_HEADER, signer.sign(timestamp, delivery.body()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
                .build();
        DiscardedBody discarded = new DiscardedBody();
        client.sendAsync(request, info -> discarded)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> {
                    if (error != null) {
                        discarded.cancel();
                    }
                    answered(delivery, requested, attempt, started, done, endpoint, response, error, trace);
                });
    }

    private void answered(Delivery delivery, boolean requested, int attempt, long started,
                          CompletableFuture<DeliveryResult> done, String endpoint, HttpResponse<Void> response,
                          Throwable error, TraceHeaders trace) {
        if (error == null && response.statusCode() / 100 == 2) {
            health.success(endpoint);
            done.complete(result(delivery, true, attempt, "HTTP " + response.statusCode(), started));
            return;
        }
        String reason;
        boolean retryable;
        long retryAfterMillis = 0;
        if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            reason = cause instanceof TimeoutException
                    ? "no complete response (headers and body) within " + format(timeout)
                    : EndpointHealth.withoutSecrets(ErrorText.describe(cause), delivery.url());
            retryable = true;
        } else {
            int status = response.statusCode();
            reason = "HTTP " + status;
            retryable = status == 408 || status == 429 || status >= 500;
            retryAfterMillis = retryAfterMillis(response);
        }
        if (!retryable || attempt >= maxAttempts) {
            health.failure(endpoint, reason);
            done.complete(result(delivery, false, attempt, reason + " after " + attempt + " attempt"
                    + (attempt == 1 ? "" : "s"), started));
            return;
        }
        long delay = Math.max(backoffMillis(attempt), Math.min(retryAfterMillis, maxBackoffMillis));
        LOG.debugf("Webhook to %s: %s, attempt %d of %d, next in %d ms", endpoint, reason, attempt, maxAttempts,
                delay);
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                .execute(() -> attempt(delivery, requested, attempt + 1, started, done, trace));
    }

    /**
     * The longest a delivery can take before its future completes: every attempt at its timeout and the longest
     * back-off between them. The router bounds its wait for a batch's deliveries by this.
     */
    @Override
    public Duration longestDelivery() {
        return timeout.multipliedBy(maxAttempts).plusMillis(maxBackoffMillis * (maxAttempts - 1));
    }

    /** Exponential back-off with "equal jitter": half the step fixed, half random, capped at max-backoff. */
    long backoffMillis(int attempt) {
        long step = Math.min(maxBackoffMillis, initialBackoffMillis << Math.min(20, attempt - 1));
        long half = step / 2;
        return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
    }

    private static long retryAfterMillis(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Math.max(0, Long.parseLong(value.trim()) * 1000);
            } catch (NumberFormatException e) {
                return 0L;
            }
        }).orElse(0L);
    }

    /** A duration as people write it in configuration: {@code 2s}, {@code 1500ms}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static DeliveryResult result(Delivery delivery, boolean ok, int attempts, String reason, long started) {
        return new DeliveryResult(delivery, ok, attempts, reason, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Reads and drops a response body. {@link #cancel()} gives up on a body still coming, which makes the client
     * close the connection instead of reading it on in the background.
     */
    private static final class DiscardedBody implements HttpResponse.BodySubscriber<Void> {

        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private volatile boolean cancelled;

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (!subscription.compareAndSet(null, s) || cancelled) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            // dropped: only the status matters
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(null);
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
        }
    }
}
