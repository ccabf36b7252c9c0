package io.oprelay.support;

import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.localkafka.LocalKafkaConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The relay's own embedded KRaft broker run by a test (not by the app), started before each test and stopped after
 * it, so a test can also stop it and start it again on the same address with its data, as a Kafka outage would.
 * Register with {@code @RegisterExtension final LocalBrokers kafka = new LocalBrokers();}.
 */
public final class LocalBrokers implements BeforeEachCallback, AfterEachCallback {

    private LocalKafkaBroker broker;
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("relay-test-kafka-");
        broker = create(dir);
        broker.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (broker != null) {
            broker.stop();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The broker of the running test. */
    public LocalKafkaBroker broker() {
        return broker;
    }

    /** Its bootstrap address (the same across a stop and a start). */
    public String bootstrap() {
        return broker.bootstrapServers();
    }

    /**
     * A broker started for a whole test class (stop it in {@code @AfterAll}) on a free port pair, with its data in a
     * new temporary directory; for tests that need no outage, so one broker serves all their tests.
     */
    public static LocalKafkaBroker started(String name) throws Exception {
        LocalKafkaBroker broker = create(Files.createTempDirectory(name + "-kafka-"));
        broker.start();
        return broker;
    }

    /** A broker with three partitions per new topic, keeping its data in {@code dir}; not started yet. */
    static LocalKafkaBroker create(Path dir) {
        return new LocalKafkaBroker(config(RelayTestProfiles.freePortPair(), dir), Optional.empty());
    }

    /** The configuration of a broker on {@code port} (its controller on the next) keeping its data in {@code dir}. */
    public static LocalKafkaConfig config(int port, Path dir) {
        return new LocalKafkaConfig() {
            @Override
            public boolean included() {
                return true;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String dataDir() {
                return dir.toString();
            }

            @Override
            public int defaultPartitions() {
                return 3;
            }
        };
    }
}
