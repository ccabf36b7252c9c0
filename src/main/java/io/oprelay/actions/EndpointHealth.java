package io.oprelay.actions;

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
 */
@Singleton
public class EndpointHealth {

    private final Map<String, State> endpoints = new ConcurrentHashMap<>();
    private final int threshold;
    private final Duration openFor;
    private final Clock clock;

    @Inject
    public EndpointHealth(ActionsConfig config) {
        this(config.http().circuitFailureThreshold(), config.http().circuitOpenFor(), Clock.systemUTC());
    }

    EndpointHealth(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** How a delivery's endpoint is shown and tracked: {@code scheme://host[:port] (rule <name>)}. */
    public static String nameOf(Delivery delivery) {
        return Delivery.endpointOf(delivery.url()) + " (rule " + delivery.rule() + ")";
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
        endpoints.put(endpoint, new State(0, null, null, clock.instant(), null));
    }

    /** Records a failed delivery (all attempts spent or not retryable). */
    public void failure(String endpoint, String reason) {
        Instant now = clock.instant();
        endpoints.compute(endpoint, (key, old) -> {
            int failures = old == null ? 1 : old.consecutiveFailures + 1;
            Instant openUntil = failures >= threshold ? now.plus(openFor) : null;
            return new State(failures, reason, now, old == null ? null : old.lastSuccess, openUntil);
        });
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
