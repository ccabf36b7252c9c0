package io.oprelay.tracing;

import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The propagation headers of one trace context ({@code traceparent}, and {@code tracestate} or {@code baggage} when
 * there are any), encoded once: a page or an action writes the same arrays on each of its records, which nothing
 * writes to afterwards.
 */
public final class TraceHeaders {

    /** No trace: writes nothing. */
    public static final TraceHeaders NONE = new TraceHeaders(new String[0], new String[0], new byte[0][]);

    private final String[] names;
    private final String[] values;
    private final byte[][] encoded;

    private TraceHeaders(String[] names, String[] values, byte[][] encoded) {
        this.names = names;
        this.values = values;
        this.encoded = encoded;
    }

    static TraceHeaders of(Map<String, String> fields) {
        if (fields.isEmpty()) {
            return NONE;
        }
        String[] names = new String[fields.size()];
        String[] values = new String[fields.size()];
        byte[][] encoded = new byte[fields.size()][];
        int i = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            names[i] = field.getKey();
            values[i] = field.getValue();
            encoded[i] = field.getValue().getBytes(StandardCharsets.UTF_8);
            i++;
        }
        return new TraceHeaders(names, values, encoded);
    }

    /** Whether there is a trace to propagate. */
    public boolean isEmpty() {
        return names.length == 0;
    }

    /**
     * Writes the headers on a record, replacing any it carries already (a dead letter copies its source's headers;
     * it carries the trace of the action that dead-lettered it instead).
     */
    public void writeTo(Headers headers) {
        for (int i = 0; i < names.length; i++) {
            headers.remove(names[i]);
            headers.add(names[i], encoded[i]);
        }
    }

    /** Adds the headers to a record built just now, which carries none of them. */
    public void addTo(Headers headers) {
        for (int i = 0; i < names.length; i++) {
            headers.add(names[i], encoded[i]);
        }
    }

    /** Hands each header to {@code header}, for an HTTP request. */
    public void forEach(BiConsumer<String, String> header) {
        for (int i = 0; i < names.length; i++) {
            header.accept(names[i], values[i]);
        }
    }

    /** The {@code traceparent} value, or null. */
    public String traceparent() {
        for (int i = 0; i < names.length; i++) {
            if (Tracing.TRACEPARENT.equals(names[i])) {
                return values[i];
            }
        }
        return null;
    }
}
