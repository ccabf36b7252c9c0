package io.oprelay.routing;

import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.routing.spi.Deliveries;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final Deliveries deliveries;
    private final RoutingMetrics metrics;
    private final KafkaClients clients;
    private final TopicProvisioner provisioner;
    private final Supervisor supervisor;
    private final List<RouterWorker> workers = new CopyOnWriteArrayList<>();
    private volatile Supervised topicRetries;

    public Router(RoutingConfig config, TopicsConfig topics, @All List<ActionType> actions, RuleBook ruleBook,
                  Deliveries deliveries, RoutingMetrics metrics, KafkaClients clients, TopicProvisioner provisioner,
                  Supervisor supervisor) {
        this.config = config;
        this.topics = topics;
        this.actions = actions;
        this.ruleBook = ruleBook;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.clients = clients;
        this.provisioner = provisioner;
        this.supervisor = supervisor;
    }

    /** The result topics this router reads. */
    public List<String> consumedTopics() {
        return config.topics().orElseGet(() -> List.of(topics.classification(), topics.json()));
    }

    /** After the embedded broker of the local run (which starts first of all) and before the default observers. */
    void onStart(@Observes @Priority(Integer.MIN_VALUE + 1000) StartupEvent event) {
        topicRetries = new RoutingTopics(provisioner, wantedTopics()).ensure(supervisor).orElse(null);
        if (!config.enabled()) {
            LOG.info("Routing is disabled (relay.routing.enabled=false)");
            return;
        }
        metrics.consumerLag(() -> workers.stream().mapToLong(RouterWorker::lag).sum());
        String instance = config.instanceId().orElseGet(Router::hostName);
        for (int i = 0; i < Math.max(1, config.consumers()); i++) {
            String name = "relay-router-" + instance + "-" + i;
            RouterSlots slots = new RouterSlots(clients, config, name);
            RouterWorker worker = new RouterWorker(name, RouterClients.of(clients, config), consumedTopics(),
                    ruleBook.engine(), deliveries, metrics, config.poll().timeout(), slots);
            workers.add(worker);
            slots.start(supervisor);
            worker.start(supervisor);
        }
        LOG.infof("Routing %s with %d rule(s) in group %s (%d consumer thread(s), transactional ids %s-<slot>)",
                consumedTopics(), ruleBook.rules().size(), config.groupId(), workers.size(),
                config.transactionalIdPrefix());
    }

    /** Every topic the router reads or writes, as the relay creates them: the slots topic has a partition a slot. */
    private List<NewTopic> wantedTopics() {
        List<String> names = new ArrayList<>(consumedTopics());
        actions.forEach(action -> names.addAll(action.topics()));
        names.add(config.deadLetterTopic());
        List<NewTopic> wanted = new ArrayList<>();
        names.forEach(name -> wanted.add(provisioner.newTopic(name, topics.partitions())));
        wanted.add(provisioner.newTopic(config.slots().topic(), config.slots().count()));
        return wanted;
    }

    void onStop(@Observes ShutdownEvent event) {
        Supervised retries = topicRetries;
        if (retries != null) {
            retries.stop();
            retries.interrupt();
        }
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
