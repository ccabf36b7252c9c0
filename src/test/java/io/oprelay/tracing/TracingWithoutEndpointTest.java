package io.oprelay.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no OTLP endpoint set (the default) spans are made, so records and webhooks carry {@code traceparent}, but
 * nothing is exported: not even a connection to the collector address Quarkus would otherwise use.
 */
@QuarkusTest
class TracingWithoutEndpointTest {

    /** Where Quarkus exports when no endpoint is set: {@code http://localhost:4317}. */
    static final int QUARKUS_DEFAULT_OTLP_PORT = 4317;

    @Inject
    Tracing tracing;
    @Inject
    OpenTelemetry openTelemetry;

    @Test
    void spansExistButNothingConnectsToTheDefaultCollectorAddress() throws Exception {
        try (ServerSocket collector = OtlpExport.listen(QUARKUS_DEFAULT_OTLP_PORT)) {
            Span span = OtlpExport.endSpanAndFlush(tracing, openTelemetry);
            assertThat(span.getSpanContext().isValid()).as("a real span, not a no-op one").isTrue();
            assertThat(tracing.headersOf(span).traceparent())
                    .isEqualTo("00-" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId()
                            + "-01");
            Optional<String> sent = OtlpExport.firstLine(collector, Waits.seconds(3));
            assertThat(sent).as("a connection to the default OTLP port").isEmpty();
        }
    }
}
