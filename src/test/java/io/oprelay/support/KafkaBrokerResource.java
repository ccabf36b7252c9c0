package io.oprelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.util.Map;

/**
 * A real Kafka broker for tests: Testcontainers' Kafka where a Docker engine answers, otherwise a KRaft broker
 * started inside the test JVM. The same tests run on both; none is skipped for lack of Docker.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String bootstrapServers;
    private static volatile String kind = "none";
    private KafkaContainer container;
    private KafkaClusterTestKit cluster;

    @Override
    public Map<String, String> start() {
        bootstrapServers = startBroker();
        return Map.of("kafka.bootstrap.servers", bootstrapServers);
    }

    private String startBroker() {
        if (!"false".equals(System.getProperty("relay.test.docker")) && dockerAvailable()) {
            container = new KafkaContainer("apache/kafka:4.1.2");
            container.start();
            kind = "container apache/kafka:4.1.2";
            return container.getBootstrapServers();
        }
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "3")
                    .setConfigProp("auto.create.topics.enable", "true")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            kind = "in-JVM KRaft (test kit, 1 combined node)";
            return cluster.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the in-JVM Kafka test broker", e);
        }
    }

    private static boolean dockerAvailable() {
        // Ask Testcontainers only where an engine may exist: its discovery can take many seconds to say no.
        boolean socket = java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"));
        if (!socket && System.getenv("DOCKER_HOST") == null) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The bootstrap address of the broker this resource started, for clients created by tests. */
    public static String bootstrapServers() {
        return bootstrapServers;
    }

    /** Which broker the last {@link #start()} gave: printed with every benchmark's figures. */
    public static String kind() {
        return kind;
    }

    @Override
    public void stop() {
        if (container != null) {
            container.stop();
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not stop the in-JVM Kafka test broker", e);
            }
        }
    }
}
