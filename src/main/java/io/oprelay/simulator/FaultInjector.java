package io.oprelay.simulator;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The faults in force and the decisions they make: the dice of the 429 and 500 shares (seeded, so a run repeats)
 * and the page counters that count down as pages use them. Thread-safe.
 */
final class FaultInjector {

    private final FaultSettings configured;
    private final Random dice;
    private final AtomicReference<FaultSettings> faults;

    FaultInjector(FaultSettings configured, long seed) {
        this.configured = configured;
        this.dice = new Random(seed);
        this.faults = new AtomicReference<>(configured);
    }

    /** The faults in force. */
    FaultSettings current() {
        return faults.get();
    }

    /** Replaces the faults in force; see {@link FaultSettings#problem()} for what is accepted. */
    void set(FaultSettings settings) {
        String problem = settings.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        faults.set(settings);
    }

    /** Back to the faults configured at start. */
    void reset() {
        faults.set(configured);
    }

    /** Rolls the dice of the 429 and 500 shares: the status to inject, or 0. */
    int injectedStatus() {
        FaultSettings current = faults.get();
        if (current.rateLimitShare() <= 0 && current.serverErrorShare() <= 0) {
            return 0;
        }
        double roll;
        synchronized (dice) {
            roll = dice.nextDouble();
        }
        if (roll < current.rateLimitShare()) {
            return 429;
        }
        return roll < current.rateLimitShare() + current.serverErrorShare() ? 500 : 0;
    }

    /** Uses one page of a page counter; true when this page gets that fault. */
    boolean takePageFault(Function<FaultSettings, Integer> counter, UnaryOperator<FaultSettings> decrement) {
        while (true) {
            FaultSettings current = faults.get();
            if (counter.apply(current) <= 0) {
                return false;
            }
            if (faults.compareAndSet(current, decrement.apply(current))) {
                return true;
            }
        }
    }
}
