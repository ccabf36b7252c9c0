package io.oprelay.supervision;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness of the worker threads: DOWN only when one of them keeps dying ({@code relay.supervision.max-restarts}
 * deaths within {@code relay.supervision.window}), which a restart of the pod may cure. A worker that died once and
 * was restarted, or an outage of Kafka or Twilio that the workers ride out, leaves liveness UP.
 */
@Liveness
@Singleton
public class WorkersLiveness implements HealthCheck {

    static final String NAME = "Worker threads";

    private final Supervisor supervisor;

    public WorkersLiveness(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).up();
        int workers = 0;
        for (Supervised worker : supervisor.workers()) {
            workers++;
            if (worker.restarts() == 0) {
                continue;
            }
            int recent = worker.recentDeaths();
            builder.withData(worker.name(), worker.state() + ", " + recent + " death(s) in the window, last: "
                    + worker.lastFailure());
            if (worker.keepsDying()) {
                builder.down();
            }
        }
        return builder.withData("workers", workers).build();
    }
}
