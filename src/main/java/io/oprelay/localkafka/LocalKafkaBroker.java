package io.oprelay.localkafka;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real single-node KRaft broker inside the JVM, for the local run only.
 *
 * <p>It exists in a build only when the build-time property {@code relay.local-kafka.included} is true (the dev
 * profile), so the production package neither starts nor carries a broker. It starts only when
 * {@code kafka.bootstrap.servers} names its own address ({@code localhost:<relay.local-kafka.port>}, the dev default):
 * pointing the relay at another broker ({@code KAFKA_BOOTSTRAP_SERVERS}) embeds nothing.
 * It starts before every Kafka client of the application (lowest startup priority) and stops after all of them.
 */
@Singleton
@IfBuildProperty(name = "relay.local-kafka.included", stringValue = "true")
public class LocalKafkaBroker {

    private static final Logger LOG = Logger.getLogger(LocalKafkaBroker.class);
    /** Runs before Quarkus' own Kafka and messaging start-up observers. */
    static final int START_FIRST = Integer.MIN_VALUE + 100;
    /** Runs after every other shutdown observer, so producers and consumers close against a live broker. */
    static final int STOP_LAST = Integer.MAX_VALUE - 100;

    private final LocalKafkaConfig config;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    public LocalKafkaBroker(LocalKafkaConfig config,
                            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers.orElse("");
    }

    void onStart(@Observes @Priority(START_FIRST) StartupEvent event) throws Exception {
        if (!bootstrapServers.trim().equals(bootstrapServers())) {
            LOG.infof("kafka.bootstrap.servers is %s: no broker is embedded", bootstrapServers);
            return;
        }
        start();
    }

    void onStop(@Observes @Priority(STOP_LAST) ShutdownEvent event) {
        stop();
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        long began = System.nanoTime();
        Path dir = Path.of(config.dataDir()).toAbsolutePath();
        Files.createDirectories(dir);
        int port = config.port();
        int controllerPort = port + 1;
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.toString());
        props.put("num.partitions", String.valueOf(config.defaultPartitions()));
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        KafkaConfig kafkaConfig = new KafkaConfig(props, false);
        format(dir);
        server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
        server.startup();
        LOG.infof("Embedded Kafka broker up on localhost:%d in %d ms (data in %s)", port,
                (System.nanoTime() - began) / 1_000_000, dir);
    }

    private static void format(Path dir) throws Exception {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(java.util.List.of(dir.toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setUnstableFeatureVersionsEnabled(false)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(dir.toString())
                .setIgnoreFormatted(true)
                .run();
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Embedded Kafka broker stopped");
    }

    /** The address clients use to reach the embedded broker. */
    public String bootstrapServers() {
        return "localhost:" + config.port();
    }
}
