package io.oprelay.poller;

import io.oprelay.twilio.TwilioReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness from what the feed loops actually did: DOWN while the topics cannot be prepared or while a feed owned
 * here cannot commit to Kafka (nothing is lost meanwhile: the checkpoint does not move); the data names the cause.
 * Twilio rejecting the credentials is reported here (data {@code twilio}, naming the settings to fix) and in
 * {@code /api/feeds}, but leaves the check UP: the pod still serves webhooks, the SSE stream and routing, and the
 * credentials are shared by every replica, so a DOWN would take them all out of service without curing anything.
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
        boolean rejected = false;
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
            rejected |= feed.twilioCredentialsRejected();
        }
        if (rejected) {
            builder.withData("twilio", TwilioReadiness.FIX);
        }
        return builder.status(up).build();
    }
}
