package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static io.oprelay.deploy.HelmChartTest.fieldNames;
import static io.oprelay.deploy.HelmChartTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

/** docker/docker-compose.yml: a KRaft broker, the relay, and the relay image running only its simulator. */
class DockerComposeTest {

    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        services = HelmChart.YAML.readTree(DockerFiles.COMPOSE.toFile()).path("services");
    }

    @Test
    void runsKafkaTheRelayAndTheSimulator() {
        assertThat(fieldNames(services)).containsExactlyInAnyOrder("kafka", "relay", "twilio-simulator");
    }

    @Test
    void kafkaIsTheOfficialImageAsASingleKraftNode() {
        JsonNode kafka = services.path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        JsonNode env = kafka.path("environment");
        assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@kafka:9093");
        assertThat(env.path("KAFKA_NODE_ID").asText()).isEqualTo("1");
        assertThat(env.path("CLUSTER_ID").asText()).hasSize(22);
        for (String replication : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertThat(env.path(replication).asText()).as(replication + ": one broker").isEqualTo("1");
        }
        assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("INTERNAL://kafka:9092");
        assertThat(kafka.path("healthcheck").has("test")).isTrue();
    }

    @Test
    void relayAndSimulatorAreTheSameImageBuiltFromTheJvmDockerfile() {
        for (String name : List.of("relay", "twilio-simulator")) {
            JsonNode service = services.path(name);
            Path context = DockerFiles.COMPOSE.getParent().resolve(service.path("build").path("context").asText());
            assertThat(context.toAbsolutePath().normalize()).as(name + " build context is the repository root")
                    .isEqualTo(Path.of("").toAbsolutePath());
            assertThat(context.resolve(service.path("build").path("dockerfile").asText()).normalize())
                    .isEqualTo(DockerFiles.JVM);
            assertThat(service.path("image").asText()).isEqualTo(services.path("relay").path("image").asText());
            assertThat(service.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(service.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
            assertThat(service.path("read_only").asBoolean()).as(name + " read-only like in the chart").isTrue();
            assertThat(texts(service.path("tmpfs"))).containsExactly("/tmp");
            assertThat(texts(service.path("cap_drop"))).containsExactly("ALL");
        }
    }

    @Test
    void theSimulatorContainerRunsOnlyTheSimulator() {
        JsonNode env = services.path("twilio-simulator").path("environment");
        assertThat(env.path("RELAY_SIMULATOR_ENABLED").asText()).isEqualTo("true");
        assertThat(env.path("RELAY_POLLER_ENABLED").asText()).isEqualTo("false");
        assertThat(env.path("RELAY_ROUTING_ENABLED").asText()).isEqualTo("false");
    }

    @Test
    void theRelayPollsTheSimulatorContainerInsteadOfTwilio() {
        JsonNode relay = services.path("relay");
        JsonNode env = relay.path("environment");
        assertThat(env.path("RELAY_SIMULATOR_ENABLED").asText()).isEqualTo("false");
        assertThat(env.path("RELAY_POLLER_ENABLED").asText()).isEqualTo("true");
        assertThat(env.path("RELAY_ROUTING_ENABLED").asText()).isEqualTo("true");
        URI twilio = URI.create(env.path("RELAY_TWILIO_BASE_URL").asText());
        assertThat(twilio.getHost()).as("the simulator's service name").isEqualTo("twilio-simulator");
        assertThat(twilio.getPort()).as("the simulator's container port").isEqualTo(8080);
        assertThat(twilio.getPath()).isEqualTo("/simulator");
        assertThat(relay.path("depends_on").path("twilio-simulator").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(env.path("RELAY_TWILIO_USERNAME").asText()).isNotEmpty();
        assertThat(env.path("RELAY_TWILIO_PASSWORD").asText()).isNotEmpty();
    }

    @Test
    void everyPublishedPortIsBoundToLoopbackOnly() {
        List<String> published = new java.util.ArrayList<>();
        services.forEach(service -> published.addAll(texts(service.path("ports"))));
        assertThat(published).isNotEmpty().allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
        assertThat(texts(services.path("relay").path("ports")))
                .containsExactly("127.0.0.1:8080:8080", "127.0.0.1:9000:9000");
    }

    @Test
    void theAdminApiKeyHasNoFallbackAndMustBeSet() {
        String key = services.path("relay").path("environment").path("RELAY_API_KEY").asText();
        assertThat(key).as("compose stops with this message when RELAY_API_KEY is unset or empty")
                .startsWith("${RELAY_API_KEY:?set RELAY_API_KEY").endsWith("}").doesNotContain(":-");
    }

    @Test
    void healthChecksAskTheManagementPort() {
        for (String name : List.of("relay", "twilio-simulator")) {
            String check = String.join(" ", texts(services.path(name).path("healthcheck").path("test")));
            assertThat(check).as(name).contains("/dev/tcp/127.0.0.1/9000").contains("/q/health/");
        }
    }
}
