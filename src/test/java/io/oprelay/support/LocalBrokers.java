package io.oprelay.support;

import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.localkafka.LocalKafkaConfig;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The relay's own embedded KRaft broker run by a test (not by the app), so the test can stop it and start it again
 * on the same address with its data, as a Kafka outage would.
 */
public final class LocalBrokers {

    private LocalBrokers() {
    }

    /** A broker with three partitions per new topic, keeping its data in {@code dir}; not started yet. */
    public static LocalKafkaBroker create(Path dir) {
        int port = RelayTestProfiles.freePortPair();
        return new LocalKafkaBroker(new LocalKafkaConfig() {
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
        }, Optional.empty());
    }
}
