package io.oprelay.supervision;

import io.micrometer.core.instrument.Counter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** One worker thread under a {@link Supervisor}: runs its body, and runs it again after a back-off when it dies. */
public final class Supervised {

    private static final Logger LOG = Logger.getLogger(Supervised.class);

    /** Where the worker stands. */
    public enum State {
        /** The body runs. */
        RUNNING,
        /** The body died; it starts again after the back-off. */
        RESTARTING,
        /** The body returned, or the worker was stopped: no more restarts. */
        ENDED
    }

    private final String kind;
    private final String name;
    private final Supervisor.Body body;
    private final RestartHistory history;
    private final LongSupplier clock;
    private final Counter restartCounter;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile State state = State.RUNNING;
    private volatile String lastFailure;
    private volatile Thread thread;

    Supervised(String kind, String name, Supervisor.Body body, RestartHistory history, LongSupplier clock,
               Counter restartCounter) {
        this.kind = kind;
        this.name = name;
        this.body = body;
        this.history = history;
        this.clock = clock;
        this.restartCounter = restartCounter;
    }

    void start() {
        Thread t = new Thread(this::supervise, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void supervise() {
        try {
            while (stopSignal.getCount() > 0) {
                state = State.RUNNING;
                long startedAt = clock.getAsLong();
                try {
                    body.run();
                    return;
                } catch (Throwable failure) {
                    if (stopSignal.getCount() == 0) {
                        LOG.debugf("%s ended while stopping: %s", name, failure);
                        return;
                    }
                    Duration wait;
                    synchronized (this) {
                        wait = history.died(startedAt, clock.getAsLong());
                    }
                    lastFailure = failure.getClass().getSimpleName();
                    restartCounter.increment();
                    state = State.RESTARTING;
                    LOG.warnf(failure, "%s %s died (%s); restarting it in %d ms", kind, name, lastFailure,
                            wait.toMillis());
                    Thread.interrupted();
                    if (stopSignal.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state = State.ENDED;
            ended.countDown();
        }
    }

    /** No more restarts after this; the body itself is asked to stop by its owner. Returns at once. */
    public void stop() {
        stopSignal.countDown();
    }

    /** Interrupts the worker's thread (a halt: the body should end at once). */
    public void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits until the worker has ended for good. */
    public boolean join(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True until the worker ended for good (running, or waiting to restart). */
    public boolean alive() {
        return ended.getCount() > 0;
    }

    /** Where the worker stands. */
    public State state() {
        return state;
    }

    /** True when the worker died {@code relay.supervision.max-restarts} times within the window. */
    public synchronized boolean keepsDying() {
        return history.keepsDying(clock.getAsLong());
    }

    /** Deaths within the window. */
    public synchronized int recentDeaths() {
        return history.recentDeaths(clock.getAsLong());
    }

    /** Restarts since the worker was started. */
    public synchronized long restarts() {
        return history.total();
    }

    /** The simple class name of the last throwable the worker died from, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }
}
