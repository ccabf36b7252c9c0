package io.oprelay.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A webhook receiver on loopback for a relay run as a separate process: answers {@code 200} at once, or, while held,
 * keeps each request waiting until released (at most {@code maxHold}), so a router batch stays inside its open
 * transaction for as long as a test needs.
 */
public final class HeldWebhook implements AutoCloseable {

    private final HttpServer server;
    private final Duration maxHold;
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();

    public HeldWebhook(Duration maxHold) {
        this.maxHold = maxHold;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "held-webhook");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                received.incrementAndGet();
                CountDownLatch held = gate.get();
                if (held != null) {
                    waiting.incrementAndGet();
                    try {
                        held.await(maxHold.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        waiting.decrementAndGet();
                    }
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    /** The URL of a path on this receiver. */
    public String url(String path) {
        return "http://localhost:" + server.getAddress().getPort() + path;
    }

    /** From now on requests wait until {@link #release()}. */
    public void hold() {
        gate.compareAndSet(null, new CountDownLatch(1));
    }

    /** Answers the waiting requests and every later one at once. */
    public void release() {
        CountDownLatch held = gate.getAndSet(null);
        if (held != null) {
            held.countDown();
        }
    }

    /** Requests waiting now. */
    public int waiting() {
        return waiting.get();
    }

    /** Requests received so far. */
    public int received() {
        return received.get();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
