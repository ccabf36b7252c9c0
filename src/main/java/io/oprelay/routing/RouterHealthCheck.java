package io.oprelay.routing;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of routing: DOWN when routing is on and a router thread has died (its partitions are then served by no
 * one on this instance); data: rules loaded, partitions assigned and results routed per thread.
 */
@Readiness
@Singleton
public class RouterHealthCheck implements HealthCheck {

    private final Router router;
    private final RuleBook ruleBook;

    public RouterHealthCheck(Router router, RuleBook ruleBook) {
        this.router = router;
        this.ruleBook = ruleBook;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("Routing").up()
                .withData("rules", ruleBook.rules().size())
                .withData("enabled", router.enabled());
        for (RouterWorker worker : router.workers()) {
            if (!worker.isRunning()) {
                builder.down().withData(worker.name(), "stopped: " + (worker.failure() == null ? "stopped"
                        : worker.failure().getClass().getSimpleName()));
            } else {
                builder.withData(worker.name(), worker.assignment().size() + " partition(s), " + worker.routed()
                        + " result(s) routed");
            }
        }
        return builder.build();
    }
}
