package io.oprelay.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.inject.Singleton;

import java.util.Collection;

/**
 * The span exporter in force while no OTLP endpoint is configured: it drops every span, quietly. Spans still exist,
 * so records and webhooks carry {@code traceparent} and log lines carry trace and span ids, but nothing is sent.
 *
 * <p>Quarkus otherwise exports to {@code http://localhost:4317} when no endpoint is set, and logs a failure for each
 * batch it cannot send. Its OTLP exporter stands aside whenever a {@link SpanExporter} bean can be looked up; this
 * bean can be looked up only while neither {@code quarkus.otel.exporter.otlp.endpoint} nor
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} (nor {@code OTEL_EXPORTER_OTLP_ENDPOINT} /
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, which {@code application.properties} maps to them) is set, so setting
 * one turns the OTLP export on.
 */
@Singleton
@LookupIfProperty(name = "quarkus.otel.exporter.otlp.endpoint", stringValue = SpansKeptInProcess.NEVER,
        lookupIfMissing = true)
@LookupIfProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint", stringValue = SpansKeptInProcess.NEVER,
        lookupIfMissing = true)
public class SpansKeptInProcess implements SpanExporter {

    /** A value no endpoint has: the bean is looked up only when the property is missing. */
    static final String NEVER = "<no endpoint>";

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
