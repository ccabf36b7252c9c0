package io.oprelay.actions;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness entry "Routing webhooks": stays UP and lists each failing webhook endpoint, as
 * {@code scheme://host[:port] (rule <name>)} (never its path or query, which may hold tokens: this endpoint needs no
 * authentication), with its consecutive failed deliveries and last error. It does not go DOWN: a receiver's outage
 * is not this instance's, taking the pod out of service would cut the SSE streams and the API without helping, and
 * the failed events are in the dead-letter topic. Alert on the data or on
 * {@code relay.routing.actions{outcome="dead-lettered"}} instead.
 */
@Readiness
@Singleton
public class WebhookHealthCheck implements HealthCheck {

    private final EndpointHealth endpoints;

    public WebhookHealthCheck(EndpointHealth endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("Routing webhooks").up();
        var failing = endpoints.failing();
        builder.withData("failingEndpoints", failing.size());
        failing.forEach(builder::withData);
        return builder.build();
    }
}
