package io.oprelay.routing;

import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.routing.spi.Deliveries;
import io.oprelay.supervision.Supervisor;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the router workers of this instance ({@code relay.routing.consumers} threads, each under the
 * {@link Supervisor}) in the group {@code relay.routing.group-id}; replicas share the result topics' partitions.
 * Each worker routes under a transactional id claimed from the slots pool ({@link RouterSlots}). Stops them on
 * shutdown: each finishes and commits its batch within {@code relay.routing.poll.shutdown-grace}, or is halted (its
 * open transaction is then aborted by the next holder of its slot, or by the broker's transaction timeout).
 */
@Singleton
public class Router {

    private static final Logger LOG = Logger.getLogger(Router.class);

    private final RoutingConfig config;
    private final TopicsConfig topics;
    private final List<ActionType> actions;
    private final RuleBook ruleBook;
    private final Deliveries sender;
    private final RoutingMetrics metrics;
    private final Map<String, Object> kafka;
    private final KafkaClients clients;
    private final Supervisor supervisor;
    private final List<RouterWorker> workers = new CopyOnWriteArrayList<>();

    public Router(RoutingConfig config, TopicsConfig topics, @All List<ActionType> actions, RuleBook ruleBook,
                  Deliveries sender, RoutingMetrics metrics,
                  @Identifier("default-kafka-broker") Map<String, Object> kafka, KafkaClients clients,
                  Supervisor supervisor) {
        this.clients = clients;
        this.supervisor = supervisor;
        this.config = config;
        this.topics = topics;
        this.actions = actions;
        this.ruleBook = ruleBook;
        this.sender = sender;
        this.metrics = metrics;
        this.kafka = kafka;
    }

    /** The result topics this router reads. */
    public List<String> consumedTopics() {
        return config.topics().orElseGet(() -> List.of(topics.classification(), topics.json()));
    }

    /** After the embedded broker of the local run (which starts first of all) and before the default observers. */
    void onStart(@Observes @Priority(Integer.MIN_VALUE + 1000) StartupEvent event) {
        List<String> all = new ArrayList<>(consumedTopics());
        actions.forEach(action -> all.addAll(action.topics()));
        all.add(config.deadLetterTopic());
        RoutingTopics.ensure(kafka, all, topics.partitions(), topics.replicationFactor(), topics.maxMessageBytes());
        RoutingTopics.ensure(kafka, List.of(config.slots().topic()), config.slots().count(),
                topics.replicationFactor(), topics.maxMessageBytes());
        if (!config.enabled()) {
            LOG.info("Routing is disabled (relay.routing.enabled=false)");
            return;
        }
        String instance = config.instanceId().orElseGet(Router::hostName);
        for (int i = 0; i < Math.max(1, config.consumers()); i++) {
            String name = "relay-router-" + instance + "-" + i;
            RouterSlots slots = new RouterSlots(clients, config, name);
            RouterWorker worker = new RouterWorker(name,
                    RouterWorker.consumerConfig(kafka, config.groupId(), name, config.poll().maxRecords(),
                            config.poll().sessionTimeout()),
                    producerConfig(),
                    consumedTopics(), ruleBook.engine(), sender, metrics, config.poll().timeout(), slots);
            workers.add(worker);
            slots.start(supervisor);
            worker.start(supervisor);
        }
        LOG.infof("Routing %s with %d rule(s) in group %s (%d consumer thread(s), transactional ids %s-<slot>)",
                consumedTopics(), ruleBook.rules().size(), config.groupId(), workers.size(),
                config.transactionalIdPrefix());
    }

    /** Producer settings of the workers; the transactional id is set per claimed slot. */
    private Map<String, Object> producerConfig() {
        Map<String, Object> producer = new HashMap<>(RouterWorker.producerConfig(kafka, config.transactionalIdPrefix()));
        producer.put("transaction.timeout.ms", Long.toString(config.producer().transactionTimeout().toMillis()));
        producer.put("max.block.ms", Long.toString(config.producer().maxBlock().toMillis()));
        return producer;
    }

    void onStop(@Observes ShutdownEvent event) {
        workers.forEach(RouterWorker::stop);
        long deadline = System.nanoTime() + config.poll().shutdownGrace().toNanos();
        for (RouterWorker worker : workers) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!worker.awaitStopped(Duration.ofNanos(left))) {
                    LOG.warnf("Router %s did not finish its batch in time; halting it", worker.name());
                    worker.halt();
                    worker.awaitStopped(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker.halt();
            }
        }
    }

    /** The workers of this instance. */
    public List<RouterWorker> workers() {
        return List.copyOf(workers);
    }

    /** Whether routing is switched on. */
    public boolean enabled() {
        return config.enabled();
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return UUID.randomUUID().toString();
        }
    }
}
