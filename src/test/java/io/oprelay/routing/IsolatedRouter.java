package io.oprelay.routing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.actions.EndpointHealth;
import io.oprelay.actions.WebhookSender;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * One router worker of its own on the test broker: its own consumer group, a one-partition input topic (so records
 * are routed in the order published) and its own dead-letter topic, over rules the test gives. Hints and commands
 * go to the application's topics, keyed by conversation id as usual.
 */
final class IsolatedRouter implements AutoCloseable {

    final String input;
    final String deadLetters;
    final RouterWorker worker;

    private IsolatedRouter(String input, String deadLetters, RouterWorker worker) {
        this.input = input;
        this.deadLetters = deadLetters;
        this.worker = worker;
    }

    /** Creates the topics and starts a worker over {@code rules}; {@code http} holds {@code relay.actions.http.*}. */
    static IsolatedRouter start(RouterTestParts parts, List<Rule> rules, Map<String, String> http)
            throws InterruptedException, ExecutionException {
        Map<String, Object> kafka = parts.kafka();
        String run = "isolated-" + UUID.randomUUID().toString().substring(0, 8);
        String input = run + ".results";
        String deadLetters = run + ".dead-letters";
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(deadLetters, 1, (short) 1)))
                    .all().get();
        }
        var config = TestConfigs.actions(http);
        WebhookSender sender = new WebhookSender(config, parts.signer(), new EndpointHealth(config));
        RouterClients clients = RouterClients.of(parts.clients(), run, 50, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(60));
        RouterWorker worker = new RouterWorker(run, clients, run, List.of(input),
                new RoutingEngine(rules, parts.mapper(), deadLetters), sender, new RoutingMetrics(new SimpleMeterRegistry()),
                Duration.ofMillis(100));
        worker.start();
        return new IsolatedRouter(input, deadLetters, worker);
    }

    @Override
    public void close() throws InterruptedException {
        worker.stop();
        if (!worker.awaitStopped(Waits.seconds(5))) {
            worker.halt();
            worker.awaitStopped(Waits.seconds(5));
        }
    }
}
