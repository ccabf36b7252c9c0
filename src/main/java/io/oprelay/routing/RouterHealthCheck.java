package io.oprelay.routing;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of routing: DOWN while a router thread of this instance died and waits for its restart, or ended for
 * good; data per thread: the transactional id it holds (or that it waits for a slot), partitions assigned and
 * results routed. Kafka failures the workers ride out leave it UP (the Kafka check says when Kafka is away).
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
            if (!worker.isRunning() || worker.restarting()) {
                builder.down().withData(worker.name(), (worker.isRunning() ? "restarting after " : "stopped: ")
                        + (worker.failure() == null ? "stopped" : worker.failure().getClass().getSimpleName()));
            } else {
                builder.withData(worker.name(), worker.transactionalId().orElse("waiting for a transactional-id slot")
                        + ", " + worker.assignment().size() + " partition(s), " + worker.routed()
                        + " result(s) routed");
            }
        }
        return builder.build();
    }
}
