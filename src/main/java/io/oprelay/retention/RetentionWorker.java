package io.oprelay.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.TwilioApiException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deletes published results at Twilio, in its own thread and at a bounded rate, so that publishing never waits for
 * it. Feeds hand over ids only after the transaction holding their events committed: a crash in between leaves a
 * result in Twilio (it is deleted by nobody, or published again by nobody, since the window holds it), never a
 * deleted result that was not published. Retryable failures are tried again with doubling waits; 404 counts as done.
 */
@ApplicationScoped
public class RetentionWorker {

    private static final Logger LOG = Logger.getLogger(RetentionWorker.class);

    /** One id waiting to be deleted. */
    private record DueDeletion(String id, int attempt, long dueNanos) {
    }

    private final OperatorResultsApi api;
    private final RetentionConfig config;
    private final MeterRegistry registry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<DueDeletion> fresh = new ArrayDeque<>();
    private final PriorityQueue<DueDeletion> retries =
            new PriorityQueue<>(Comparator.comparingLong(DueDeletion::dueNanos));
    private volatile boolean enabled;
    private final Supervisor supervisor;
    private Supervised thread;
    private boolean stopped;
    private long nextSlotNanos;

    /** A worker outside the application (tests): supervised with the default rules. */
    public RetentionWorker(OperatorResultsApi api, RetentionConfig config, MeterRegistry registry) {
        this(api, config, registry, Supervisor.withDefaults());
    }

    @Inject
    public RetentionWorker(OperatorResultsApi api, RetentionConfig config, MeterRegistry registry,
                           Supervisor supervisor) {
        this.supervisor = supervisor;
        this.api = api;
        this.config = config;
        this.registry = registry;
        this.enabled = config.deleteAfterPublish();
        registry.gauge("relay.retention.queue", this, RetentionWorker::queued);
    }

    /** Whether committed ids are deleted; read at every hand-off, so it can be switched while running. */
    public boolean enabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Queues the ids of results whose events have committed. Never blocks: when the queue is full the oldest id is
     * dropped and counted ({@code relay.retention.deletes{outcome=dropped}}).
     */
    public void afterCommit(Collection<String> ids) {
        if (!enabled || ids.isEmpty()) {
            return;
        }
        int dropped = 0;
        lock.lock();
        try {
            startIfNeeded();
            for (String id : ids) {
                if (fresh.size() + retries.size() >= config.queueCapacity()) {
                    if (fresh.pollFirst() == null) {
                        retries.poll();
                    }
                    dropped++;
                }
                fresh.addLast(new DueDeletion(id, 1, 0));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (dropped > 0) {
            count("dropped", dropped);
            LOG.warnf("retention: queue full (%d); %d result(s) will stay in Twilio", config.queueCapacity(), dropped);
        }
    }

    /** Ids waiting, including those waiting for another attempt. */
    public int queued() {
        lock.lock();
        try {
            return fresh.size() + retries.size();
        } finally {
            lock.unlock();
        }
    }

    private void startIfNeeded() {
        if (thread == null && !stopped) {
            thread = supervisor.start("retention", "relay-retention", this::run);
        }
    }

    private void run() {
        try {
            while (true) {
                DueDeletion next = take();
                if (next == null) {
                    return;
                }
                delete(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next id that is due, once the rate allows another delete; null when stopped. */
    private DueDeletion take() throws InterruptedException {
        lock.lock();
        try {
            while (!stopped) {
                long now = System.nanoTime();
                long wait = Long.MAX_VALUE;
                if (now < nextSlotNanos) {
                    wait = nextSlotNanos - now;
                } else {
                    DueDeletion retry = retries.peek();
                    if (retry != null && retry.dueNanos() <= now) {
                        return claim(retries.poll(), now);
                    }
                    if (!fresh.isEmpty()) {
                        return claim(fresh.pollFirst(), now);
                    }
                    if (retry != null) {
                        wait = retry.dueNanos() - now;
                    }
                }
                if (wait == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(wait);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private DueDeletion claim(DueDeletion pending, long now) {
        nextSlotNanos = now + (long) (TimeUnit.SECONDS.toNanos(1) / Math.max(0.001, config.rate()));
        return pending;
    }

    private void delete(DueDeletion pending) {
        try {
            api.delete(pending.id());
            count("deleted", 1);
        } catch (TwilioApiException e) {
            if (e.notFound()) {
                count("gone", 1);
            } else if (e.retryable() && pending.attempt() < config.maxAttempts()) {
                long wait = config.retryBackoff().toNanos() << Math.min(pending.attempt() - 1, 10);
                long hinted = e.retryAfter().map(Duration::toNanos).orElse(0L);
                requeue(new DueDeletion(pending.id(), pending.attempt() + 1,
                        System.nanoTime() + Math.max(wait, hinted)));
                count("retried", 1);
            } else {
                count("failed", 1);
                LOG.warnf("retention: %s stays in Twilio: %s", pending.id(), e.getMessage());
            }
        } catch (RuntimeException e) {
            count("failed", 1);
            LOG.warnf("retention: %s stays in Twilio: %s", pending.id(), e.toString());
        }
    }

    private void requeue(DueDeletion pending) {
        lock.lock();
        try {
            retries.add(pending);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void count(String outcome, int amount) {
        Counter.builder("relay.retention.deletes").description("Deletes at Twilio of results already published")
                .tag("outcome", outcome).register(registry).increment(amount);
    }

    /** Ends the worker's thread; ids still queued stay in Twilio. */
    @PreDestroy
    public void stop() {
        Supervised running;
        lock.lock();
        try {
            stopped = true;
            running = thread;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (running != null) {
            running.stop();
            running.interrupt();
        }
    }
}
