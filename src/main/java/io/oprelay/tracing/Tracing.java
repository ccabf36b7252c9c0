package io.oprelay.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.MDC;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's one door to OpenTelemetry: its tracer, and the trace context carried in Kafka record headers and
 * outbound HTTP headers (W3C {@code traceparent}, through the propagators of the application's {@link OpenTelemetry}).
 * The Kafka clients of the relay are plain clients, so the relay injects and extracts the headers itself, here.
 * {@link #off()} traces nothing and writes no header (unit tests, benchmarks without the application).
 */
@Singleton
public class Tracing {

    /** The W3C trace-context header, on records and HTTP requests. */
    public static final String TRACEPARENT = "traceparent";

    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    public static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
    public static final AttributeKey<String> MESSAGING_DESTINATION =
            AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<Long> MESSAGING_BATCH_COUNT =
            AttributeKey.longKey("messaging.batch.message_count");
    public static final AttributeKey<String> MESSAGING_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    public static final AttributeKey<String> FEED = AttributeKey.stringKey("relay.feed");
    public static final AttributeKey<String> RULE = AttributeKey.stringKey("relay.rule");
    public static final AttributeKey<String> ACTION_TYPE = AttributeKey.stringKey("relay.action.type");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("relay.outcome");
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("relay.attempts");
    public static final AttributeKey<Long> RESULTS = AttributeKey.longKey("relay.results");
    public static final AttributeKey<String> PATH = AttributeKey.stringKey("relay.path");
    public static final AttributeKey<Long> SUBSCRIBERS = AttributeKey.longKey("relay.sse.subscribers");
    public static final String KAFKA = "kafka";

    private static final Tracing OFF = new Tracing(OpenTelemetry.noop());

    private static final TextMapGetter<Headers> KAFKA_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            for (Header header : carrier) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            Header header = carrier.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    @Inject
    public Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.oprelay");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** MDC keys of the current span, as Quarkus writes them for requests: JSON logs show them under {@code mdc}. */
    public static final String MDC_TRACE_ID = "traceId";
    public static final String MDC_SPAN_ID = "spanId";
    public static final String MDC_SAMPLED = "sampled";

    /** Traces nothing, propagates nothing. */
    public static Tracing off() {
        return OFF;
    }

    /** A span to start, of {@code kind}; a low-cardinality {@code name}, details go in attributes. */
    public SpanBuilder span(String name, SpanKind kind) {
        return tracer.spanBuilder(name).setSpanKind(kind);
    }

    /**
     * Makes {@code span} current on this thread, and its ids the log context: Quarkus fills the MDC for requests
     * only, so log lines of the relay's own threads (feed loops, router) carry {@code traceId} and {@code spanId}
     * because the relay sets them here. Closing the scope restores what was there.
     */
    public Scope activate(Span span) {
        Scope scope = Context.current().with(span).makeCurrent();
        SpanContext ids = span.getSpanContext();
        if (!ids.isValid()) {
            return scope;
        }
        Object traceId = MDC.get(MDC_TRACE_ID);
        Object spanId = MDC.get(MDC_SPAN_ID);
        Object sampled = MDC.get(MDC_SAMPLED);
        MDC.put(MDC_TRACE_ID, ids.getTraceId());
        MDC.put(MDC_SPAN_ID, ids.getSpanId());
        MDC.put(MDC_SAMPLED, Boolean.toString(ids.isSampled()));
        return () -> {
            restore(MDC_TRACE_ID, traceId);
            restore(MDC_SPAN_ID, spanId);
            restore(MDC_SAMPLED, sampled);
            scope.close();
        };
    }

    private static void restore(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Marks {@code span} failed by {@code failure}: the exception as an event, the status ERROR. */
    public static void failed(Span span, Throwable failure) {
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR);
    }

    /** The trace context a record carries in its headers; {@link Context#root()} when it carries none. */
    public Context extract(Headers headers) {
        return propagator.extract(Context.root(), headers, KAFKA_GETTER);
    }

    /** The trace context of a {@code traceparent} value (null or invalid: {@link Context#root()}). */
    public Context fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return propagator.extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP_GETTER);
    }

    /** The propagation headers of {@code context}, encoded once to be written on many records. */
    public TraceHeaders headersOf(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return TraceHeaders.NONE;
        }
        Map<String, String> fields = new LinkedHashMap<>(4);
        propagator.inject(context, fields, Map::put);
        return TraceHeaders.of(fields);
    }

    /** The propagation headers of {@code span}. */
    public TraceHeaders headersOf(Span span) {
        return headersOf(Context.root().with(span));
    }
}
