package io.oprelay.tracing;

import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application (production profile) exports spans only when an endpoint is set, here by the standard
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (passed as a system property: the same expression of
 * {@code application.properties} reads it from either source), and without one never connects to the collector
 * address Quarkus would otherwise use, and logs no export failure.
 */
class TracingPackagedIT {

    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalBrokers.started("tracing");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    /** A relay whose simulator holds {@code backlog} results, exporting (if at all) every 100 ms. */
    private static Map<String, String> settings(int backlog) {
        Map<String, String> settings = RelayProcess.simulatorAsTwilio(broker.bootstrapServers(), backlog);
        settings.put("quarkus.otel.bsp.schedule.delay", "100ms");
        return settings;
    }

    @Test
    void withoutAnEndpointTheRelayPublishesWithoutAnyConnectionToTheDefaultCollector() throws Exception {
        try (ServerSocket collector = OtlpExport.listen(TracingWithoutEndpointTest.QUARKUS_DEFAULT_OTLP_PORT);
             RelayProcess relay = new RelayProcess("tracing-off", settings(50))) {
            relay.start().awaitReady(Waits.seconds(90));
            await().atMost(Waits.seconds(60))
                    .until(() -> relay.get("/api/feeds").body().contains("\"lastSweepOutcome\":\""));
            Optional<String> sent = OtlpExport.firstLine(collector, Duration.ofSeconds(3));
            assertThat(sent).as("a connection to the default OTLP port").isEmpty();
            assertThat(relay.log()).doesNotContain("Failed to export").doesNotContain("4317");
        }
    }

    @Test
    void theStandardEndpointVariableTurnsTheExportOn() throws Exception {
        int port = RelayTestProfiles.freePort();
        try (ServerSocket collector = OtlpExport.listen(port)) {
            Map<String, String> settings = settings(50);
            settings.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + port);
            settings.put("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
            try (RelayProcess relay = new RelayProcess("tracing-on", settings)) {
                relay.start();
                Optional<String> sent = OtlpExport.firstLine(collector, Waits.seconds(90));
                assertThat(sent).as("the OTLP request of the first sweep's spans")
                        .hasValueSatisfying(line -> assertThat(line).startsWith("POST /v1/traces"));
            }
        }
    }
}
