package io.oprelay.support;

import io.oprelay.localkafka.LocalKafkaConfig;

import java.nio.file.Path;

/** Settings of the relay's own embedded broker ({@code LocalKafkaBroker}) for packaged-app tests. */
public final class LocalBrokers {

    private LocalBrokers() {
    }

    /** A broker on {@code port} (its controller on the next one), data in {@code dir}, 3 partitions by default. */
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
