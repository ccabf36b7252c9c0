package io.oprelay.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A plain walk of {@code GET /v3/OperatorResults} over HTTP: page after page following {@code meta.nextToken}, with
 * no parsing beyond finding that token. What reading the pages costs without the relay.
 */
final class PageWalk {

    private static final String NEXT = "\"nextToken\":\"";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String listUrl;
    private final String authorization;
    private final int pageSize;

    /** @param baseUrl the Twilio base URL the relay uses (without {@code /v3}) */
    PageWalk(String baseUrl, String username, String password, int pageSize) {
        this.listUrl = baseUrl + "/v3/OperatorResults?pageSize=" + pageSize;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.pageSize = pageSize;
    }

    /** What a walk read. */
    record Walk(int pages, long bytes, double seconds) {
    }

    /** Reads {@code pages} pages from the top of the list (fewer if it ends first). */
    Walk walk(int pages) throws IOException, InterruptedException {
        long began = System.nanoTime();
        long bytes = 0;
        int read = 0;
        String token = null;
        while (read < pages) {
            String uri = token == null ? listUrl
                    : listUrl + "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(uri))
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("page " + read + " answered " + response.statusCode());
            }
            bytes += response.body().length;
            read++;
            token = nextToken(response.body());
            if (token == null) {
                break;
            }
        }
        return new Walk(read, bytes, (System.nanoTime() - began) / 1e9);
    }

    int pageSize() {
        return pageSize;
    }

    /** The next-page token of a page (meta comes last in the simulator's answers, so it is searched from the end). */
    private static String nextToken(byte[] body) {
        String tail = new String(body, Math.max(0, body.length - 4096), Math.min(body.length, 4096),
                StandardCharsets.ISO_8859_1);
        int at = tail.lastIndexOf(NEXT);
        if (at < 0) {
            return null;
        }
        int from = at + NEXT.length();
        int to = tail.indexOf('"', from);
        return to < 0 ? null : tail.substring(from, to);
    }
}
