package io.oprelay.localkafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The KRaft broker embedded in the JVM for the local run. Never part of the production package. */
@ConfigMapping(prefix = "relay.local-kafka")
public interface LocalKafkaConfig {

    /**
     * Build-time: whether the broker is part of this build at all (true in the dev profile only). Read by
     * {@code @IfBuildProperty}; changing it at run time has no effect.
     */
    @WithDefault("false")
    boolean included();

    /** Port the embedded broker listens on (the controller takes the next port). */
    @WithDefault("19092")
    int port();

    /** Folder holding the broker's log and metadata; kept across restarts. */
    @WithDefault("target/local-kafka")
    String dataDir();

    /** Partitions of topics the broker creates on first use. */
    @WithDefault("3")
    int defaultPartitions();
}
