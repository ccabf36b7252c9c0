package io.oprelay.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.List;

/**
 * The span exporter of the tracing tests: keeps every exported span in memory. An alternative, enabled only by
 * {@link TracingProfile}, so the other tests' spans are not kept.
 */
@Alternative
@Singleton
public class CollectedSpans implements SpanExporter {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    /** The spans exported so far, in the order they ended. */
    public List<SpanData> all() {
        return spans.getFinishedSpanItems();
    }

    /** The spans of one trace. */
    public List<SpanData> ofTrace(String traceId) {
        return all().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
        return spans.export(batch);
    }

    @Override
    public CompletableResultCode flush() {
        return spans.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
