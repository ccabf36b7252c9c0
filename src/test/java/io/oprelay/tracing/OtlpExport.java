package io.oprelay.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A stand-in OTLP collector port, and what the relay's tracer sends to it when made to flush. */
final class OtlpExport {

    private OtlpExport() {
    }

    /** Listens on {@code port} of loopback (the test fails when it is taken: it could not tell anything then). */
    static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    /** Ends a span of the relay's tracer and makes the SDK export what it holds now. */
    static Span endSpanAndFlush(Tracing tracing, OpenTelemetry openTelemetry) {
        Span span = tracing.span("export-check", SpanKind.INTERNAL).startSpan();
        span.end();
        assertThat(openTelemetry).isInstanceOf(OpenTelemetrySdk.class);
        ((OpenTelemetrySdk) openTelemetry).getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        return span;
    }

    /** The first line of what a client sends within {@code wait}, or empty when none connects. */
    static Optional<String> firstLine(ServerSocket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try (Socket client = socket.accept()) {
            client.setSoTimeout((int) wait.toMillis());
            BufferedReader reader = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String line = reader.readLine();
            return Optional.of(line == null ? "" : line);
        } catch (SocketTimeoutException nobody) {
            return Optional.empty();
        }
    }
}
