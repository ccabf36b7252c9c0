package io.oprelay.actions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.routing.spi.Delivery;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What recent deliveries to each webhook endpoint did, and a circuit per endpoint and rule: after
 * {@code circuit-failure-threshold} consecutive failed deliveries the endpoint is skipped for {@code circuit-open-for}
 * (deliveries go straight to the dead-letter topic), so one dead endpoint cannot hold up a partition batch after
 * batch. After that time one delivery is tried again; its success closes the circuit.
 *
 * <p>Endpoints are named by {@code scheme://host[:port]} and the rule, never by path or query: webhook URLs often
 * carry their credentials there (Slack-style {@code /services/T.../B.../<token>}, {@code ?token=}), and these names
 * reach the unauthenticated readiness endpoint, logs and error messages.
 *
 * <p>Gauge {@code relay.actions.circuit.open{endpoint,rule}} is 1 while deliveries to an endpoint are skipped and 0
 * otherwise, from the first delivery to it on (tags as above: {@code scheme://host[:port]} and the rule's name, both
 * bounded by the rules in force).
 */
@Singleton
public class EndpointHealth {

    private static final String RULE_PART = " (rule ";

    private final Map<String, State> endpoints = new ConcurrentHashMap<>();
    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private final MeterRegistry registry;

    @Inject
    public EndpointHealth(ActionsConfig config, MeterRegistry registry) {
        this(config.http().circuitFailureThreshold(), config.http().circuitOpenFor(), Clock.systemUTC(), registry);
    }

    /** Health whose circuit gauge goes to a registry of its own (routers built outside the application). */
    public EndpointHealth(ActionsConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    EndpointHealth(int threshold, Duration openFor, Clock clock, MeterRegistry registry) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
        this.registry = registry;
    }

    /** How a delivery's endpoint is shown and tracked: {@code scheme://host[:port] (rule <name>)}. */
    public static String nameOf(Delivery delivery) {
        return Delivery.endpointOf(delivery.url()) + RULE_PART + delivery.rule() + ")";
    }

    /**
     * A text about a delivery to {@code url} (an error message, say) with the URL's path and query replaced: error
     * messages of the HTTP client may quote the whole URL.
     */
    public static String withoutSecrets(String text, URI url) {
        String out = text.replace(url.toString(), Delivery.endpointOf(url) + "/...");
        for (String part : new String[] {url.getRawQuery(), url.getQuery(), url.getRawPath(), url.getPath()}) {
            if (part != null && part.length() > 1) {
                out = out.replace(part, "...");
            }
        }
        return out;
    }

    /** Whether deliveries to this endpoint are skipped right now. */
    public boolean isOpen(String endpoint) {
        State state = endpoints.get(endpoint);
        return state != null && state.openUntil != null && clock.instant().isBefore(state.openUntil);
    }

    /** Records a successful delivery: the endpoint counts as healthy again. */
    public void success(String endpoint) {
        if (endpoints.put(endpoint, new State(0, null, null, clock.instant(), null)) == null) {
            registerGauge(endpoint);
        }
    }

    /** Records a failed delivery (all attempts spent or not retryable). */
    public void failure(String endpoint, String reason) {
        if (!endpoints.containsKey(endpoint)) {
            registerGauge(endpoint);
        }
        Instant now = clock.instant();
        endpoints.compute(endpoint, (key, old) -> {
            int failures = old == null ? 1 : old.consecutiveFailures + 1;
            Instant openUntil = failures >= threshold ? now.plus(openFor) : null;
            return new State(failures, reason, now, old == null ? null : old.lastSuccess, openUntil);
        });
    }

    /** The circuit gauge of an endpoint named by {@link #nameOf}; registering it again returns the same gauge. */
    private void registerGauge(String name) {
        int rulePart = name.lastIndexOf(RULE_PART);
        boolean named = rulePart > 0 && name.endsWith(")");
        Gauge.builder("relay.actions.circuit.open", this, health -> health.isOpen(name) ? 1 : 0)
                .tag("endpoint", named ? name.substring(0, rulePart) : name)
                .tag("rule", named ? name.substring(rulePart + RULE_PART.length(), name.length() - 1) : "")
                .description("1 while deliveries to the webhook endpoint are skipped (circuit open), 0 otherwise")
                .register(registry);
    }

    /** Endpoints whose last delivery failed, with a one-line description each. */
    public Map<String, String> failing() {
        Map<String, String> failing = new TreeMap<>();
        endpoints.forEach((endpoint, state) -> {
            if (state.consecutiveFailures > 0) {
                failing.put(endpoint, state.consecutiveFailures + " consecutive failed deliveries, last: "
                        + state.lastError + " at " + state.lastFailure
                        + (isOpen(endpoint) ? ", skipped until " + state.openUntil : ""));
            }
        });
        return failing;
    }

    private record State(int consecutiveFailures, String lastError, Instant lastFailure, Instant lastSuccess,
                         Instant openUntil) {
    }
}
