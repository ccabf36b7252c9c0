package io.oprelay.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one HTTP/1.1 request over a plain socket with the request target exactly as given (absolute form, encoded
 * letters, dot segments...), which HTTP client libraries would normalise or refuse before sending.
 */
public final class RawHttp {

    /** The status line's code, the header block and the body of an answer. */
    public record Answer(int status, String head, String body) {

        /** The value of a header (case-insensitive name), or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    public static Answer send(String host, int port, String method, String target, Map<String, String> headers)
            throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (!method.equals("GET") && !method.equals("DELETE")) {
            request.append("Content-Length: 0\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int endOfHead = answer.indexOf("\r\n\r\n");
            String head = endOfHead < 0 ? answer : answer.substring(0, endOfHead);
            String body = endOfHead < 0 ? "" : answer.substring(endOfHead + 4);
            if (!head.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP/1.1 answer to " + method + " " + target + ": " + head);
            }
            return new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
        }
    }
}
