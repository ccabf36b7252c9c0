package io.oprelay.actions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.routing.spi.Delivery;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The circuit of each webhook endpoint shows as a gauge, named by endpoint and rule without path or query. */
class EndpointCircuitGaugeTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T08:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void circuitGaugeIsOneWhileTheEndpointIsSkippedAndZeroOtherwise() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EndpointHealth health = new EndpointHealth(2, Duration.ofSeconds(30), clock, registry);
        String endpoint = EndpointHealth.nameOf(new Delivery("workflow", "page-oncall",
                URI.create("https://hooks.example.com/services/T0SECRET?token=q1"), new byte[0], "k"));

        health.failure(endpoint, "HTTP 500");
        Gauge gauge = registry.get("relay.actions.circuit.open")
                .tag("endpoint", "https://hooks.example.com").tag("rule", "page-oncall").gauge();
        assertThat(gauge.value()).as("one failure: still tried").isZero();

        health.failure(endpoint, "HTTP 500");
        assertThat(gauge.value()).as("threshold reached: skipped").isEqualTo(1.0);

        now.set(now.get().plusSeconds(31));
        assertThat(gauge.value()).as("open time over: tried again").isZero();

        health.failure(endpoint, "HTTP 500");
        assertThat(gauge.value()).isEqualTo(1.0);
        health.success(endpoint);
        assertThat(gauge.value()).isZero();
        assertThat(registry.find("relay.actions.circuit.open").gauges()).hasSize(1);
        assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().toString())
                .doesNotContain("SECRET").doesNotContain("q1"));
    }
}
