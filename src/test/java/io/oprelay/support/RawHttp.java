package io.oprelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what an ordinary client will not do: send a request target exactly as given
 * (absolute form, encoded letters, dot segments...), which client libraries would normalise or refuse; announce a
 * body and send only part of it; or send a {@code Host} header of its choice. Every request asks the server to close
 * the connection after its answer.
 */
public final class RawHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private RawHttp() {
    }

    /**
     * The answer read from the socket.
     *
     * @param status  the status code
     * @param headers header names in lower case, each with its (last) value
     * @param body    the body as text (as sent: a chunked body keeps its chunk lines)
     */
    public record Answer(int status, Map<String, String> headers, String body) {

        /** The value of a header (case-insensitive name), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends a request without a body, with {@code target} exactly as given. */
    public static Answer send(String host, int port, String method, String target, Map<String, String> headers)
            throws IOException {
        long length = method.equals("GET") || method.equals("DELETE") ? -1 : 0;
        return exchange(host, port, method, target, headers, length, new byte[0], TIMEOUT);
    }

    /** Sends a POST with the whole body and the given headers (a {@code Host} among them replaces the real one). */
    public static Answer post(String host, int port, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        return exchange(host, port, "POST", pathAndQuery, headers, body.length, body, Duration.ofSeconds(30));
    }

    /**
     * Sends a POST whose head announces {@code declaredLength} body bytes but sends only {@code sentBytes} of them,
     * then reads the answer without ever sending the rest. A server that wanted the whole body first never answers:
     * the read then fails after {@code timeout}.
     */
    public static Answer postPartially(String host, int port, String pathAndQuery, Map<String, String> headers,
                                       long declaredLength, int sentBytes, Duration timeout) throws IOException {
        byte[] part = new byte[sentBytes];
        Arrays.fill(part, (byte) ' ');
        return exchange(host, port, "POST", pathAndQuery, headers, declaredLength, part, timeout);
    }

    /** @param declaredLength the {@code Content-Length} to announce, or -1 for none */
    private static Answer exchange(String host, int port, String method, String target, Map<String, String> headers,
                                   long declaredLength, byte[] sent, Duration timeout) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
                head.append("Host: ").append(host).append(':').append(port).append("\r\n");
            }
            head.append("Connection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (declaredLength >= 0) {
                head.append("Content-Length: ").append(declaredLength).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(sent);
            out.flush();
            return read(socket.getInputStream(), method + " " + target);
        }
    }

    private static Answer read(InputStream in, String request) throws IOException {
        String statusLine = line(in);
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 answer to " + request + ": " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        return new Answer(Integer.parseInt(statusLine.substring(9, 12)), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed before the answer's head ended: " + line);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
