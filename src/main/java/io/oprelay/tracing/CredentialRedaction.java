package io.oprelay.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps credentials that travel in URLs out of spans: a hint stream is opened with {@code ?access_token=<stream
 * token>} (a browser's {@code EventSource} cannot send headers), and Quarkus records the query of every request it
 * traces. The value is replaced as the span starts, before any exporter can see it.
 */
@Singleton
public class CredentialRedaction implements SpanProcessor {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("(?i)(access_token=)[^&#\\s]*");
    private static final List<AttributeKey<String>> URL_ATTRIBUTES = List.of(AttributeKey.stringKey("url.query"),
            AttributeKey.stringKey("url.full"), AttributeKey.stringKey("http.target"),
            AttributeKey.stringKey("http.url"));

    /** {@code text} with the value of every {@code access_token} parameter replaced. */
    static String redact(String text) {
        return ACCESS_TOKEN.matcher(text).replaceAll("$1REDACTED");
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        for (AttributeKey<String> key : URL_ATTRIBUTES) {
            String value = span.getAttribute(key);
            if (value != null && value.toLowerCase(java.util.Locale.ROOT).contains("access_token=")) {
                span.setAttribute(key, redact(value));
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // nothing: the attributes were cleaned at the start
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
