package io.oprelay.poller;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/** Wakes a feed loop from its pause: a trigger ends the pause, a signal only lets the loop look for work. */
final class Wakeup {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean triggered;

    /** Ends the current (or the next) pause now. */
    void trigger() {
        lock.lock();
        try {
            triggered = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the loop to look for work; the pause goes on afterwards. */
    void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code deadline} ({@link System#nanoTime()}), a trigger or a signal, unless {@code workWaiting}
     * says there is work already.
     *
     * @return whether the pause is over: its deadline passed, or it was triggered (the trigger is used up)
     */
    boolean await(long deadline, BooleanSupplier workWaiting) throws InterruptedException {
        lock.lock();
        try {
            long remaining = deadline - System.nanoTime();
            if (triggered || remaining <= 0) {
                triggered = false;
                return true;
            }
            if (!workWaiting.getAsBoolean()) {
                wake.awaitNanos(remaining);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The deadline of a pause of {@code duration} starting now. */
    static long deadline(Duration duration) {
        return System.nanoTime() + TimeUnit.NANOSECONDS.convert(duration);
    }
}
