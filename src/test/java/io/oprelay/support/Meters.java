package io.oprelay.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts read from the app's meter registry. The registry lives as long as the app, which test classes share, so a
 * test compares the count before and after what it does (a delta), never whether a meter exists or a running total.
 */
public final class Meters {

    private Meters() {
    }

    /** The sum of the counters named {@code name} carrying these tags (key, value, ...); 0 before their first use. */
    public static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
