package io.oprelay.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** The webhook receiver's meters. */
@ApplicationScoped
public class WebhookMetrics {

    private final MeterRegistry registry;

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * One request, by outcome: published, deferred, rejected, malformed, too_large, queue_full, unavailable,
     * not_configured.
     */
    public void request(String outcome) {
        Counter.builder("relay.webhook.requests").description("Rule Execution webhooks received, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** From receipt of a webhook to the commit of its results. */
    public void committed(Duration took) {
        Timer.builder("relay.webhook.commit.duration")
                .description("Time from receiving a webhook to the commit of its results")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry).record(took);
    }
}
