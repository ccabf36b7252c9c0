package io.oprelay.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
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

    /**
     * The first line of what a client sends within {@code wait}, or empty when none connects. The request is read to
     * its end and answered as a collector would (200, an empty export response), so the exporter finishes at once
     * instead of waiting out its timeout.
     */
    static Optional<String> firstLine(ServerSocket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try (Socket client = socket.accept()) {
            client.setSoTimeout((int) wait.toMillis());
            InputStream in = client.getInputStream();
            String line = headerLine(in);
            long length = 0;
            for (String header = headerLine(in); header != null && !header.isEmpty(); header = headerLine(in)) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(header.substring("content-length:".length()).trim());
                }
            }
            in.skipNBytes(length);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return Optional.of(line == null ? "" : line);
        } catch (SocketTimeoutException nobody) {
            return Optional.empty();
        }
    }

    /** One line of an HTTP head without its CRLF; null at the end of the stream. */
    private static String headerLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
