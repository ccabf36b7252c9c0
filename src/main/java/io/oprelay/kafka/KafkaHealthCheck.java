package io.oprelay.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Readiness of the Kafka connection: the cluster answers a metadata request within {@code relay.kafka.health-timeout}.
 * The answer is bounded, so a broker that is gone makes readiness say DOWN at once instead of holding the probe for
 * the client's default API timeout (a minute), past any probe's own timeout.
 */
@Readiness
@ApplicationScoped
public class KafkaHealthCheck implements HealthCheck {

    static final String NAME = "Kafka";

    private final KafkaClients clients;
    private final Duration timeout;
    private Admin admin;

    public KafkaHealthCheck(KafkaClients clients,
                            @ConfigProperty(name = "relay.kafka.health-timeout", defaultValue = "2s") Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME);
        try {
            Collection<Node> nodes = admin().describeCluster(new DescribeClusterOptions()
                            .timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return builder.up().withData("nodes", nodes.stream().map(node -> node.host() + ":" + node.port())
                    .collect(Collectors.joining(","))).build();
        } catch (TimeoutException e) {
            return builder.down().withData("reason", "no answer from the cluster within " + timeout).build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return builder.down().withData("reason", cause.getClass().getSimpleName() + ": " + cause.getMessage())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return builder.down().withData("reason", "interrupted").build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = clients.admin("relay-health");
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
