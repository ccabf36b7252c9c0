package io.oprelay.support;

import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.localkafka.LocalKafkaConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The relay's own embedded KRaft broker, started by tests that run the packaged app against a real broker. */
public final class LocalBrokers {

    private LocalBrokers() {
    }

    /** A started broker on a free port pair, with its data in a new temporary directory. */
    public static LocalKafkaBroker started(String name) throws Exception {
        LocalKafkaBroker broker = new LocalKafkaBroker(config(RelayTestProfiles.freePortPair(),
                Files.createTempDirectory(name + "-kafka")), Optional.empty());
        broker.start();
        return broker;
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
