package io.oprelay.kafka;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stops start-up with one line naming the property when {@code kafka.bootstrap.servers} is not a list of
 * {@code host:port}. Without it a typo surfaces minutes later as an endless stream of client warnings.
 */
@Singleton
public class BootstrapServersCheck {

    static final String PROPERTY = "kafka.bootstrap.servers";
    private static final Pattern HOST_PORT = Pattern.compile(
            "^(?:[A-Za-z][A-Za-z0-9_+.-]*://)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9_.-]+):(\\d{1,5})$");

    private final Optional<String> bootstrapServers;

    public BootstrapServersCheck(@ConfigProperty(name = PROPERTY) Optional<String> bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes @Priority(Integer.MIN_VALUE) StartupEvent event) {
        validate(bootstrapServers.orElse(null));
    }

    /** Throws a {@link ConfigurationException} (printed as one line by Quarkus) when the value is unusable. */
    static void validate(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(PROPERTY + " (env KAFKA_BOOTSTRAP_SERVERS) is required: set it to"
                    + " host:port[,host:port...] of your Kafka brokers", Set.of(PROPERTY));
        }
        for (String entry : value.split(",")) {
            var matcher = HOST_PORT.matcher(entry.trim());
            if (!matcher.matches() || Integer.parseInt(matcher.group(2)) == 0
                    || Integer.parseInt(matcher.group(2)) > 65535) {
                throw new ConfigurationException(PROPERTY + " (env KAFKA_BOOTSTRAP_SERVERS) has an invalid entry '"
                        + entry.trim() + "': expected host:port with a port from 1 to 65535, for example"
                        + " kafka-0.kafka:9092", Set.of(PROPERTY));
            }
        }
    }
}
