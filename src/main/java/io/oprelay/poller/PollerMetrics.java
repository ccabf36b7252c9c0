package io.oprelay.poller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.oprelay.twilio.OutputFormat;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** The poller's meters, all under the {@code relay.} prefix with low-cardinality tags. */
@ApplicationScoped
public class PollerMetrics {

    private final MeterRegistry registry;

    public PollerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void published(String feed, OutputFormat format, String path, long count) {
        Counter.builder("relay.results.published").description("Operator results published to Kafka")
                .tag("format", format.slug()).tag("path", path).tag("feed", feed)
                .register(registry).increment(count);
    }

    public void sweep(String feed, String outcome, Duration duration, int pages) {
        Timer.builder("relay.poller.sweep.duration").description("Duration of feed sweeps")
                .tag("feed", feed).tag("outcome", outcome).register(registry).record(duration);
        Counter.builder("relay.poller.pages").description("List pages read").tag("feed", feed)
                .register(registry).increment(pages);
    }

    public void tokenRestart(String feed) {
        Counter.builder("relay.poller.token.restarts").description("Sweeps restarted because a page token was rejected")
                .tag("feed", feed).register(registry).increment();
    }

    /**
     * Registers {@code relay.poller.failures} of every kind for a feed at zero, so that an alert on its increase sees
     * the first failure (a series that appears at 1 has no increase) and dashboards show the series before any failure.
     */
    public void failuresAtZero(String feed) {
        for (FailurePolicy.Kind kind : FailurePolicy.Kind.values()) {
            failureCounter(feed, kind.tag());
        }
    }

    public void failure(String feed, String kind) {
        failureCounter(feed, kind).increment();
    }

    private Counter failureCounter(String feed, String kind) {
        return Counter.builder("relay.poller.failures").description("Sweep attempts that failed")
                .tag("feed", feed).tag("kind", kind).register(registry);
    }

    /** A webhook's results refused because the feed's queue of pushed results was full. */
    public void pushRefused(String feed) {
        Counter.builder("relay.poller.push.refused")
                .description("Webhook pushes refused because the feed's queue of pushed results was full")
                .tag("feed", feed).register(registry).increment();
    }

    /** A webhook's results dropped from the queue because the webhook stopped waiting for them. */
    public void pushAbandoned(String feed) {
        Counter.builder("relay.poller.push.abandoned")
                .description("Queued webhook pushes dropped unpublished because their webhook stopped waiting")
                .tag("feed", feed).register(registry).increment();
    }

    /** Results on a page (or in a push) that were not published although their ids were not held as published. */
    public void skipped(String feed, String reason, long count) {
        Counter.builder("relay.poller.skipped")
                .description("Results read but not published although not held as published, by reason")
                .tag("feed", feed).tag("reason", reason).register(registry).increment(count);
    }

    /** Results published whose creation time lies further ahead than now plus the allowed clock skew. */
    public void futureDated(String feed, long count) {
        Counter.builder("relay.poller.future-dated")
                .description("Results published with a creation time beyond now plus the allowed clock skew")
                .tag("feed", feed).register(registry).increment(count);
    }

    /** Results too large for their topic, published as a claim-check event instead. */
    public void oversize(OutputFormat format, long count) {
        Counter.builder("relay.results.oversize")
                .description("Results too large for their topic, published as a claim-check event")
                .tag("format", format.slug()).register(registry).increment(count);
    }

    /** Seconds between now and the feed's complete-through mark. */
    public void checkpointLag(String feed, Supplier<Instant> completeThrough) {
        registry.gauge("relay.poller.checkpoint.lag.seconds", java.util.List.of(io.micrometer.core.instrument.Tag.of(
                "feed", feed)), completeThrough, supplier -> {
                    Instant mark = supplier.get();
                    return mark == null || mark.equals(Instant.EPOCH) ? Double.NaN
                            : Duration.between(mark, Instant.now()).toMillis() / 1000.0;
                });
    }
}
