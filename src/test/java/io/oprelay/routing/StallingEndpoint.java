package io.oprelay.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP endpoint on loopback that answers {@code 200} with its headers at once, sends the first bytes of a large
 * body and then stops sending, holding the connection open: a receiver whose body never finishes.
 */
final class StallingEndpoint implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final Thread acceptor;

    StallingEndpoint() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "stalling-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The URL of a path on this endpoint. */
    String url(String path) {
        return "http://localhost:" + server.getLocalPort() + path;
    }

    /** Requests whose headers were answered. */
    int requests() {
        return requests.get();
    }

    /** Stalled connections the client gave up on and closed. */
    int closedByClient() {
        return closedByClient.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread handler = new Thread(() -> stall(socket), "stalling-endpoint-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void stall(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            int contentLength = readHead(in);
            in.readNBytes(contentLength);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\nok")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            requests.incrementAndGet();
            // Nothing more is sent; a read returns only when the client closes the connection.
            if (in.read() < 0) {
                closedByClient.incrementAndGet();
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                closedByClient.incrementAndGet();
            }
        }
    }

    private static int readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
