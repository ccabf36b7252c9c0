package io.oprelay.poller;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness from what the feed loops actually did: DOWN while the topics cannot be prepared or while a feed owned
 * here cannot commit to Kafka (nothing is lost meanwhile: the checkpoint does not move); the data names the cause.
 */
@Readiness
@ApplicationScoped
public class PollerHealthCheck implements HealthCheck {

    private final PollerService poller;

    public PollerHealthCheck(PollerService poller) {
        this.poller = poller;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("Operator results poller");
        if (!poller.enabled()) {
            return builder.up().withData("enabled", false).build();
        }
        boolean up = true;
        if (poller.startProblem().isPresent()) {
            up = false;
            builder.withData("start", poller.startProblem().get());
        }
        for (FeedStatus.View feed : poller.statuses()) {
            builder.withData("feed." + feed.feed(), feed.state().name()
                    + (feed.lastError() == null ? "" : "; last error: " + feed.lastError()));
            if (!feed.kafkaHealthy()) {
                up = false;
            }
        }
        return builder.status(up).build();
    }
}
