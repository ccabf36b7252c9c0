package io.oprelay.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Routing metrics: {@code relay.routing.evaluated}, {@code relay.routing.unmatched}, {@code relay.routing.unreadable},
 * {@code relay.routing.skipped{reason}} (reason: deletion, oversize), {@code relay.routing.failed},
 * {@code relay.routing.rules.fired{rule}},
 * {@code relay.routing.actions{action,outcome}} (outcome: published, delivered, dead-lettered) and
 * {@code relay.routing.action.duration{action}}. Counts of a batch are recorded once
 * its transaction committed, so a replayed batch is not counted twice. {@code relay.routing.kafka.failures{kind}}
 * counts the Kafka failures the router workers handled (kind: init, poll, commit, abort, timeout, fenced).
 * {@code relay.routing.consumer.lag} is the number of records of this instance's assigned partitions not routed yet.
 */
@Singleton
public class RoutingMetrics {

    public static final String PUBLISHED = "published";
    public static final String DELIVERED = "delivered";
    public static final String DEAD_LETTERED = "dead-lettered";
    /** {@code reason} of {@code relay.routing.skipped}: a deletion event, which fires no rule. */
    public static final String DELETION = "deletion";
    /** {@code reason} of {@code relay.routing.skipped}: a claim-check event of a result too large for its topic. */
    public static final String OVERSIZE = "oversize";

    private final MeterRegistry registry;
    private final Counter evaluated;
    private final Counter unmatched;
    private final Counter unreadable;
    private final Map<String, Counter> skipped;
    private final Counter failed;
    private final Map<String, Counter> actionCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> kafkaFailures = new ConcurrentHashMap<>();

    public RoutingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.evaluated = Counter.builder("relay.routing.evaluated")
                .description("Results evaluated against the routing rules").register(registry);
        this.unmatched = Counter.builder("relay.routing.unmatched")
                .description("Results that matched no rule").register(registry);
        this.unreadable = Counter.builder("relay.routing.unreadable")
                .description("Records that were not a readable OperatorResult (dead-lettered)").register(registry);
        this.skipped = Map.of(DELETION, skippedCounter(registry, DELETION), OVERSIZE,
                skippedCounter(registry, OVERSIZE));
        this.failed = Counter.builder("relay.routing.failed")
                .description("Records whose rules could not be evaluated (dead-lettered with the reason)")
                .register(registry);
    }

    private static Counter skippedCounter(MeterRegistry registry, String reason) {
        return Counter.builder("relay.routing.skipped").tag("reason", reason)
                .description("Records routed to no rule on purpose (deletion: the event of a deleted result;"
                        + " oversize: the claim-check event of a result too large for its topic)")
                .register(registry);
    }

    /** A new tally for one batch. */
    public Batch batch() {
        return new Batch();
    }

    /** A Kafka failure a router worker handled: {@code kind} is one of init, poll, commit, abort, timeout, fenced. */
    public void kafkaFailure(String kind) {
        kafkaFailures.computeIfAbsent(kind, k -> Counter.builder("relay.routing.kafka.failures").tag("kind", k)
                .description("Kafka failures handled by the router workers (the batch is replayed)")
                .register(registry)).increment();
    }

    /**
     * Registers the gauge of the router's consumer lag: records of the partitions assigned to this instance's router
     * threads that they have not routed yet (read_committed, so up to the last stable offset).
     */
    public void consumerLag(Supplier<Number> lag) {
        Gauge.builder("relay.routing.consumer.lag", lag)
                .description("Records of the result partitions assigned here that the router has not routed yet")
                .register(registry);
    }

    /** Applies the counts of a committed batch. */
    public void record(Batch batch) {
        evaluated.increment(batch.evaluated);
        unmatched.increment(batch.unmatched);
        unreadable.increment(batch.unreadable);
        batch.skipped.forEach((reason, count) -> skipped.get(reason).increment(count));
        failed.increment(batch.failed);
        batch.fired.forEach((rule, count) -> registry.counter("relay.routing.rules.fired", "rule", rule).increment(count));
        for (ActionRecord action : batch.actions) {
            actionCounters.computeIfAbsent(action.action() + "\u0000" + action.outcome(),
                    key -> registry.counter("relay.routing.actions", "action", action.action(),
                            "outcome", action.outcome())).increment();
            durations.computeIfAbsent(action.action(), name -> Timer.builder("relay.routing.action.duration")
                    .tag("action", name)
                    .description("Time to carry out one action (Kafka: render and send; HTTP: until delivered or given up)")
                    .register(registry)).record(action.took());
        }
    }

    /** Counts of one batch, applied by {@link #record(Batch)} after its transaction committed. */
    public static final class Batch {
        private int evaluated;
        private int unmatched;
        private int unreadable;
        private final Map<String, Integer> skipped = new LinkedHashMap<>();
        private int failed;
        private final Map<String, Integer> fired = new LinkedHashMap<>();
        private final List<ActionRecord> actions = new ArrayList<>();

        void evaluated(boolean matched) {
            evaluated++;
            if (!matched) {
                unmatched++;
            }
        }

        void unreadable() {
            unreadable++;
        }

        /** @param reason {@link #DELETION} or {@link #OVERSIZE} */
        void skipped(String reason) {
            skipped.merge(reason, 1, Integer::sum);
        }

        void failed() {
            failed++;
        }

        /** Adds the counts of another tally (one record's, once it was routed in full). */
        void add(Batch other) {
            evaluated += other.evaluated;
            unmatched += other.unmatched;
            unreadable += other.unreadable;
            other.skipped.forEach((reason, count) -> skipped.merge(reason, count, Integer::sum));
            failed += other.failed;
            other.fired.forEach((rule, count) -> fired.merge(rule, count, Integer::sum));
            actions.addAll(other.actions);
        }

        void fired(String rule) {
            fired.merge(rule, 1, Integer::sum);
        }

        void action(String action, String outcome, Duration took) {
            actions.add(new ActionRecord(action, outcome, took));
        }
    }

    private record ActionRecord(String action, String outcome, Duration took) {
    }
}
