package io.oprelay.routing;

import io.oprelay.routing.spi.Deliveries;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One router thread: a consumer in the router group ({@code read_committed}) and a transactional producer.
 * Each polled batch is consume-transform-produce in ONE transaction: the actions' records, the dead letters and the
 * consumer offsets commit together, so a read_committed reader sees every Kafka action exactly once whatever crashes.
 * Webhooks of the batch run concurrently before the commit (at least once, same {@code Idempotency-Key} on replay);
 * a delivery that fails after its retries becomes a dead letter in the same transaction and the batch moves on. The
 * wait for them is bounded by {@link Deliveries#longestDelivery()}, so no receiver can hold a partition.
 *
 * <p>The worker routes only while it holds a transactional id ({@link TransactionalIdClaim}), in a
 * {@link RouterSession} per id. Kafka failures are handled where they happen ({@link BatchTransaction}): a batch
 * whose commit failed is aborted and replayed; when the outcome is unknown (the commit timed out, the abort failed,
 * the producer was fenced or {@code initTransactions()} timed out) the producer and the consumer are closed and
 * opened again, so the new producer's {@code initTransactions()} completes or aborts what was open and the consumer
 * resumes from the offsets that committed. Anything else ends the run, and the {@link Supervisor} starts it again
 * after a back-off.
 */
public final class RouterWorker implements RouterSession.Worker {

    private static final Logger LOG = Logger.getLogger(RouterWorker.class);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Duration CLAIM_WAIT = Duration.ofMillis(500);

    private final String name;
    private final RouterClients clients;
    private final List<String> topics;
    private final RoutingEngine engine;
    private final Deliveries deliveries;
    private final RoutingMetrics metrics;
    private final Duration pollTimeout;
    private final TransactionalIdClaim ids;

    private final AtomicLong routed = new AtomicLong();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile Supervised supervised;
    private volatile RouterSession session;
    private volatile String transactionalId;
    private volatile Throwable failure;

    /** A worker that always writes under {@code transactionalId} (tests, benchmarks). */
    public RouterWorker(String name, RouterClients clients, String transactionalId, List<String> topics,
                        RoutingEngine engine, Deliveries deliveries, RoutingMetrics metrics, Duration pollTimeout) {
        this(name, clients, topics, engine, deliveries, metrics, pollTimeout,
                TransactionalIdClaim.fixed(transactionalId));
    }

    /** A worker that writes under the transactional id it holds in {@code ids}. */
    RouterWorker(String name, RouterClients clients, List<String> topics, RoutingEngine engine, Deliveries deliveries,
                 RoutingMetrics metrics, Duration pollTimeout, TransactionalIdClaim ids) {
        this.name = name;
        this.clients = clients;
        this.topics = List.copyOf(topics);
        this.engine = engine;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.pollTimeout = pollTimeout;
        this.ids = ids;
    }

    /** Starts the worker on a thread of its own, restarted by a supervisor with the default rules if it dies. */
    public void start() {
        start(Supervisor.withDefaults());
    }

    /** Starts the worker under {@code supervisor}. */
    public void start(Supervisor supervisor) {
        supervised = supervisor.start("router", name, this::run);
    }

    /** Asks the worker to stop after the batch in hand (committed); returns at once. */
    public void stop() {
        running = false;
        stopSignal.countDown();
        Supervised s = supervised;
        if (s != null) {
            s.stop();
        }
        RouterSession current = session;
        if (current != null) {
            current.wakeup();
        }
    }

    /**
     * Stops at once, as a crash would: the open transaction is neither committed nor aborted (the next producer with
     * the same transactional id aborts it), nothing more is committed. Used when a stop outlasts its grace period.
     */
    public void halt() {
        halted = true;
        stop();
        Supervised s = supervised;
        if (s != null) {
            s.interrupt();
        }
    }

    /** Waits for the worker to end for good; then gives its transactional-id claim up. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        Supervised s = supervised;
        boolean stopped = s == null || s.join(timeout);
        if (stopped && !running) {
            ids.close();
        }
        return stopped;
    }

    /** Whether the worker is still supervised (running, or waiting to be restarted). */
    public boolean isRunning() {
        Supervised s = supervised;
        return s != null && s.alive();
    }

    /** Whether the worker died and waits for its restart. */
    public boolean restarting() {
        Supervised s = supervised;
        return s != null && s.state() == Supervised.State.RESTARTING;
    }

    /** The last unexpected failure that ended a run, if any. */
    public Throwable failure() {
        return failure;
    }

    /** Records routed and committed by this worker. */
    public long routed() {
        return routed.get();
    }

    /** Partitions assigned to this worker now. */
    public Set<TopicPartition> assignment() {
        RouterSession current = session;
        return current == null ? Set.of() : current.assignment();
    }

    /** Records of this worker's partitions not polled yet, as of its last poll (0 while it holds no partitions). */
    public long lag() {
        RouterSession current = session;
        return current == null ? 0 : current.lag();
    }

    /** The transactional id the worker writes under now, if it holds one. */
    public Optional<String> transactionalId() {
        return Optional.ofNullable(transactionalId);
    }

    /** The worker's name (also its thread name). */
    @Override
    public String name() {
        return name;
    }

    /**
     * One run: waits for a transactional id, routes under it until the id is taken away or the worker stops, and
     * again. Returns when stopped; throws on what it does not expect (the supervisor restarts it).
     */
    private void run() throws InterruptedException {
        try {
            while (running) {
                Optional<String> id = ids.await(CLAIM_WAIT);
                if (id.isEmpty()) {
                    continue;
                }
                transactionalId = id.get();
                RouterSession current = new RouterSession(this, id.get());
                session = current;
                try {
                    current.route(clients, topics, pollTimeout, engine, deliveries, metrics);
                } finally {
                    current.close(halted ? Duration.ZERO : Duration.ofSeconds(5));
                    session = null;
                    transactionalId = null;
                    ids.released(id.get());
                }
            }
        } catch (InterruptException | WakeupException | InterruptedException e) {
            if (running) {
                failure = e;
                throw e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            if (halted) {
                Thread.interrupted();
            }
            if (!running) {
                ids.close();
            }
        }
    }

    @Override
    public boolean keepsRouting(String id) {
        return running && ids.holds(id);
    }

    @Override
    public void pause() throws InterruptedException {
        stopSignal.await(ERROR_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void committed(int records) {
        routed.addAndGet(records);
    }
}
