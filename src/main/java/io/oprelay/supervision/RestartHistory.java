package io.oprelay.supervision;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The deaths of one worker: the wait before its next restart (doubling per death in a row, capped, reset once a run
 * lasted as long as the cap) and whether it keeps dying ({@code maxRestarts} deaths within {@code window}). Times are
 * {@link System#nanoTime()} readings passed in, so the rules are tested without waiting. Not thread-safe.
 */
final class RestartHistory {

    private final Settings settings;
    private final Deque<Long> deaths = new ArrayDeque<>();
    private int inARow;
    private long total;

    /** The rules, from {@link SupervisionConfig}. */
    record Settings(Duration initialBackoff, Duration maxBackoff, int maxRestarts, Duration window) {

        static Settings of(SupervisionConfig config) {
            return new Settings(config.initialBackoff(), config.maxBackoff(), config.maxRestarts(), config.window());
        }
    }

    RestartHistory(Settings settings) {
        this.settings = settings;
    }

    /**
     * Records a death at {@code now} of a run started at {@code startedAt}; returns the wait before the restart.
     */
    Duration died(long startedAt, long now) {
        if (now - startedAt >= settings.maxBackoff().toNanos()) {
            inARow = 0;
        }
        inARow++;
        total++;
        deaths.addLast(now);
        forget(now);
        long initial = Math.max(1, settings.initialBackoff().toNanos());
        long wait = initial << Math.min(inARow - 1, 30);
        if (wait <= 0 || wait > settings.maxBackoff().toNanos()) {
            wait = settings.maxBackoff().toNanos();
        }
        return Duration.ofNanos(wait);
    }

    /** True when the worker died {@code maxRestarts} times or more within the window before {@code now}. */
    boolean keepsDying(long now) {
        forget(now);
        return deaths.size() >= settings.maxRestarts();
    }

    /** Deaths within the window before {@code now}. */
    int recentDeaths(long now) {
        forget(now);
        return deaths.size();
    }

    /** Deaths since the worker was first started. */
    long total() {
        return total;
    }

    private void forget(long now) {
        long floor = now - settings.window().toNanos();
        while (!deaths.isEmpty() && deaths.peekFirst() - floor < 0) {
            deaths.removeFirst();
        }
    }
}
