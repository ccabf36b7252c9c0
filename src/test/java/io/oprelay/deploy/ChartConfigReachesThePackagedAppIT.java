package io.oprelay.deploy;

import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's contract with the image: the packaged application, started in a working directory holding the
 * application.properties that the chart renders (as at /deployments/config in the pod), takes its settings from it.
 * The chart's self-contained value set (the simulator as Twilio) must give a pod that becomes ready (on the management
 * port the chart's probes use) and publishes.
 */
class ChartConfigReachesThePackagedAppIT {

    private static final Path RUNNER = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"),
            "quarkus-run.jar");

    private static KafkaBrokerResource broker;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        broker = new KafkaBrokerResource();
        bootstrap = broker.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @Test
    void theSimulatorValueSetGivesAReadyRelayThatPublishesOnThePortsItSets(@TempDir Path workDir) throws Exception {
        int port = RelayTestProfiles.freePortPair();
        int managementPort = port + 1;
        String properties = HelmChart.render("simulator", Map.of("containerPort", port, "managementPort", managementPort))
                .one("ConfigMap").path("data").path("application.properties").asText();
        Files.createDirectories(workDir.resolve("config"));
        Files.writeString(workDir.resolve("config").resolve("application.properties"), properties);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", RUNNER.toAbsolutePath().toString()))
                .directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("relay.log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_") || key.startsWith("RELAY_")
                || key.startsWith("QUARKUS_"));
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        Process relay = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                    + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
            HttpRequest feeds = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/feeds"))
                    .timeout(Duration.ofSeconds(5)).build();
            await().atMost(Waits.seconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(relay.isAlive()).as("relay stopped:\n" + log(workDir)).isTrue();
                        HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    });
            await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(http.send(feeds, HttpResponse.BodyHandlers.ofString()).body())
                            .as("the simulator's backlog published").contains("\"lastSweepOutcome\":\"end of list\"")
                            .containsPattern("\"classification\":[1-9]"));
        } finally {
            relay.destroy();
            relay.waitFor();
        }
    }

    private static String log(Path workDir) {
        try {
            return Files.readString(workDir.resolve("relay.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
