package io.oprelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what an ordinary client will not do: announce a body and send only part of it,
 * or send a {@code Host} header of its choice.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * The answer read from the socket.
     *
     * @param status  the status code
     * @param headers header names in lower case, each with its (last) value
     * @param body    the body as text
     */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    /** Sends a POST with the whole body and the given headers (a {@code Host} among them replaces the real one). */
    public static Answer post(String host, int port, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        return send(host, port, pathAndQuery, headers, body.length, body, Duration.ofSeconds(30));
    }

    /**
     * Sends a POST whose head announces {@code declaredLength} body bytes but sends only {@code sentBytes} of them,
     * then reads the answer without ever sending the rest. A server that wanted the whole body first never answers:
     * the read then fails after {@code timeout}.
     */
    public static Answer postPartially(String host, int port, String pathAndQuery, Map<String, String> headers,
                                       long declaredLength, int sentBytes, Duration timeout) throws IOException {
        byte[] part = new byte[sentBytes];
        java.util.Arrays.fill(part, (byte) ' ');
        return send(host, port, pathAndQuery, headers, declaredLength, part, timeout);
    }

    private static Answer send(String host, int port, String pathAndQuery, Map<String, String> headers,
                               long declaredLength, byte[] sent, Duration timeout) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST ").append(pathAndQuery).append(" HTTP/1.1\r\n");
            if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
                head.append("Host: ").append(host).append(':').append(port).append("\r\n");
            }
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(declaredLength).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(sent);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
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
