package io.oprelay.simulator;

/**
 * Turns a rate of new results per second into whole results per tick of the background feed, carrying the
 * fractions over to the next tick. Thread-safe.
 */
final class FeedPacer {

    private double carry;
    private long lastTick;

    /**
     * How many results are due at {@code nanoTime}; none, and nothing carried, while the feed is off.
     *
     * @param on   whether the feed runs
     * @param rate new results per second
     */
    synchronized int due(long nanoTime, boolean on, double rate) {
        double elapsed = lastTick == 0 ? 1.0 : (nanoTime - lastTick) / 1e9;
        lastTick = nanoTime;
        if (!on || rate <= 0) {
            carry = 0;
            return 0;
        }
        carry += rate * elapsed;
        int due = (int) Math.floor(carry);
        carry -= due;
        return due;
    }
}
