package io.oprelay.tracing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.Set;

/** The app with an in-memory span exporter, exporting each span as soon as it ends. */
public class TracingProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(CollectedSpans.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.bsp.schedule.delay", "50ms");
    }
}
