package io.oprelay.routing;

import io.oprelay.actions.ActionsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.util.Map;

/** Real configuration mappings built from a few properties, for tests that do not boot the application. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static ActionsConfig actions(Map<String, String> properties) {
        return mapping(ActionsConfig.class, properties);
    }

    /** The router's settings: the defaults of {@link RoutingConfig} with {@code properties} over them. */
    public static RoutingConfig routing(Map<String, String> properties) {
        return mapping(RoutingConfig.class, properties);
    }

    private static <T> T mapping(Class<T> type, Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(type)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(type);
    }
}
