package io.oprelay.actions;

import io.oprelay.support.Api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An SSE client on a plain blocking socket, for latency measurements: one thread reads the chunked stream straight
 * from the socket and stamps each event as its last byte is read. {@link SseClient} goes through
 * {@code java.net.http}, whose selector thread, executor and line subscriber add hand-offs that a benchmark would
 * count against the relay.
 */
final class SocketSseClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final BlockingQueue<SseClient.Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final CountDownLatch connected = new CountDownLatch(1);

    /** Subscribes to {@code uri} (plain HTTP) with the admin API key and waits until the stream says it is connected. */
    SocketSseClient(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setTcpNoDelay(true);
        String head = "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nAccept: text/event-stream\r\n"
                + "X-API-Key: " + Api.KEY + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        in = new BufferedInputStream(socket.getInputStream());
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            socket.close();
            throw new IllegalStateException("SSE answered " + status);
        }
        boolean chunked = false;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            chunked |= line.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding: chunked");
        }
        if (!chunked) {
            socket.close();
            throw new IllegalStateException("the stream is not chunked");
        }
        reader = new Thread(this::read, "sse-socket-client");
        reader.setDaemon(true);
        reader.start();
        boolean said;
        try {
            said = connected.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            said = false;
        }
        if (!said) {
            close();
            throw new IllegalStateException("the stream did not say it is connected within 10 s");
        }
    }

    /** The next event, waiting at most this long; null when none came. */
    SseClient.Event next(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    private void read() {
        SseLines lines = new SseLines(events::add, comment -> {
            if (comment.startsWith("connected")) {
                connected.countDown();
            }
        });
        try {
            while (true) {
                int size = Integer.parseInt(line(in).trim(), 16);
                if (size == 0) {
                    return;
                }
                byte[] chunk = in.readNBytes(size);
                line(in);
                long read = System.nanoTime();
                for (String line : new String(chunk, StandardCharsets.UTF_8).split("\n", -1)) {
                    lines.accept(line, read);
                }
            }
        } catch (IOException | RuntimeException closed) {
            // the stream ended
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the stream ended");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
