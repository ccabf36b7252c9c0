package io.oprelay.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Setting the standard OTLP traces endpoint turns the export on: the relay's spans are posted to it. */
@QuarkusTest
@TestProfile(TracingExportTest.WithEndpoint.class)
class TracingExportTest {

    /** The OTLP endpoint set, on a port this test listens on, over HTTP so the request line can be read. */
    public static class WithEndpoint implements QuarkusTestProfile {
        static final int PORT = RelayTestProfiles.freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + PORT,
                    "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
        }
    }

    @Inject
    Tracing tracing;
    @Inject
    OpenTelemetry openTelemetry;

    @Test
    void spansArePostedToTheConfiguredEndpoint() throws Exception {
        try (ServerSocket collector = OtlpExport.listen(WithEndpoint.PORT)) {
            Thread flush = new Thread(() -> OtlpExport.endSpanAndFlush(tracing, openTelemetry), "flush");
            flush.start();
            Optional<String> sent = OtlpExport.firstLine(collector, Waits.seconds(20));
            assertThat(sent).as("the OTLP request").hasValueSatisfying(line ->
                    assertThat(line).startsWith("POST /v1/traces"));
            flush.join();
        }
    }
}
