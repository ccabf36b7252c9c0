package io.oprelay.twilio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The client's meters: {@code relay.twilio.requests{endpoint,status}}, {@code relay.twilio.request.duration{endpoint}}
 * and {@code relay.twilio.retries{endpoint,reason}}. Tags are low-cardinality: endpoint is list, fetch or delete;
 * status is the HTTP status or {@code none} when no answer came.
 */
public final class TwilioMetrics {

    public static final String REQUESTS = "relay.twilio.requests";
    public static final String DURATION = "relay.twilio.request.duration";
    public static final String RETRIES = "relay.twilio.retries";

    private final MeterRegistry registry;

    public TwilioMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void request(String endpoint, String status, Duration took) {
        Counter.builder(REQUESTS)
                .description("Calls to the Twilio Intelligence API, by endpoint and answer status")
                .tag("endpoint", endpoint).tag("status", status)
                .register(registry).increment();
        Timer.builder(DURATION)
                .description("Time of one call to the Twilio Intelligence API")
                .tag("endpoint", endpoint)
                .register(registry).record(took);
    }

    void retry(String endpoint, String reason) {
        Counter.builder(RETRIES)
                .description("Calls to the Twilio Intelligence API tried again, by reason")
                .tag("endpoint", endpoint).tag("reason", reason)
                .register(registry).increment();
    }
}
