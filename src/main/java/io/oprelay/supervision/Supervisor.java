package io.oprelay.supervision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Runs the relay's long-running worker threads (feed loops, feed ownership, router workers, the hint reader, the
 * retention worker) and restarts one that dies from an unexpected throwable, after a back-off that doubles per death
 * in a row up to {@code relay.supervision.max-backoff}. Each death is logged at WARN with its cause and counted in
 * {@code relay.workers.restarts{worker}}; a worker that keeps dying turns liveness DOWN ({@link WorkersLiveness}).
 * The gauges {@code relay.workers.running{worker}} and {@code relay.workers.restarting{worker}} count the workers of
 * each kind whose body runs now and those that died and wait for their restart (the alert "worker down").
 * A body that returns normally has ended on purpose and is not restarted.
 */
@Singleton
public class Supervisor {

    /** What a worker does; it returns when asked to stop and throws when something unexpected went wrong. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final RestartHistory.Settings settings;
    private final MeterRegistry registry;
    private final LongSupplier clock;
    private final List<Supervised> workers = new CopyOnWriteArrayList<>();

    @Inject
    public Supervisor(SupervisionConfig config, MeterRegistry registry) {
        this(RestartHistory.Settings.of(config), registry, System::nanoTime);
    }

    Supervisor(RestartHistory.Settings settings, MeterRegistry registry, LongSupplier clock) {
        this.settings = settings;
        this.registry = registry;
        this.clock = clock;
    }

    /** A supervisor with the default rules, for workers run outside the application (tests, benchmarks). */
    public static Supervisor withDefaults() {
        return new Supervisor(new RestartHistory.Settings(Duration.ofSeconds(1), Duration.ofSeconds(60), 5,
                Duration.ofMinutes(10)), new SimpleMeterRegistry(), System::nanoTime);
    }

    /**
     * Starts {@code body} on a daemon thread named {@code name}, restarting it whenever it dies.
     *
     * @param kind low-cardinality kind of worker (the {@code worker} tag of the restart metric), e.g. {@code router}
     */
    public Supervised start(String kind, String name, Body body) {
        registerGauges(kind);
        Supervised worker = new Supervised(kind, name, body, new RestartHistory(settings), clock,
                Counter.builder("relay.workers.restarts").tag("worker", kind)
                        .description("Worker threads restarted after they died from an unexpected error")
                        .register(registry));
        workers.add(worker);
        worker.start();
        return worker;
    }

    /** Registers the state gauges of a kind of worker once (registering them again returns the same gauges). */
    private void registerGauges(String kind) {
        Gauge.builder("relay.workers.running", this, s -> s.count(kind, Supervised.State.RUNNING))
                .tag("worker", kind).description("Worker threads of this kind whose body runs now")
                .register(registry);
        Gauge.builder("relay.workers.restarting", this, s -> s.count(kind, Supervised.State.RESTARTING))
                .tag("worker", kind)
                .description("Worker threads of this kind that died and wait for their restart after a back-off")
                .register(registry);
    }

    private double count(String kind, Supervised.State state) {
        return workers.stream().filter(w -> w.kind().equals(kind) && w.state() == state).count();
    }

    /** The workers under supervision that have not ended. */
    public List<Supervised> workers() {
        workers.removeIf(worker -> !worker.alive());
        return List.copyOf(workers);
    }
}
