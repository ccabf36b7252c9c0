package io.oprelay.actions;

import io.oprelay.support.Api;

import io.oprelay.support.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A minimal Server-Sent Events client: collects events (with their arrival time) and comment lines. */
final class SseClient implements AutoCloseable {

    record Event(String id, String event, String data, long receivedNanos) {
    }

    /** The answer to a stream request that was not accepted: status, headers and body. */
    record Refusal(int status, java.net.http.HttpHeaders headers, String body) {
    }

    /** The admin API key as the stream accepts it; most tests are not about the stream's access control. */
    static final Map<String, String> WITH_KEY = Map.of("X-API-Key", Api.KEY);

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private volatile Stream<String> lines;

    /** Subscribes with the admin API key. */
    SseClient(URI uri, String lastEventId) throws Exception {
        this(uri, lastEventId, WITH_KEY);
    }

    /** Subscribes with these request headers (credentials, or none). */
    SseClient(URI uri, String lastEventId, Map<String, String> headers) throws Exception {
        HttpResponse<Stream<String>> response = client.send(request(uri, lastEventId, headers),
                HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IllegalStateException("SSE answered " + response.statusCode());
        }
        lines = response.body();
        Thread reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Subscribes with the admin API key and waits until the stream says it is connected. */
    static SseClient connected(URI uri, Duration timeout) throws Exception {
        SseClient client = new SseClient(uri, null);
        try {
            org.awaitility.Awaitility.await().atMost(Waits.scaled(timeout))
                    .until(() -> client.comments.stream().anyMatch(c -> c.startsWith("connected")));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * Requests the stream expecting it to be refused: the refusal, or null (and the stream closed again) when it
     * was accepted.
     */
    static Refusal refusal(URI uri, Map<String, String> headers) throws Exception {
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request(uri, null, headers),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            if (response.statusCode() == 200) {
                return null;
            }
            return new Refusal(response.statusCode(), response.headers(), String.join("\n", body.toList()));
        }
    }

    private static HttpRequest request(URI uri, String lastEventId, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        headers.forEach(request::header);
        return request.build();
    }

    private void read() {
        SseLines parser = new SseLines(events::add, comments::add);
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                parser.accept(line, System.nanoTime());
            }
        } catch (RuntimeException e) {
            // closed
        }
    }

    /** The next event, waiting at most this long. */
    Event next(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    @Override
    public void close() {
        Stream<String> s = lines;
        if (s != null) {
            s.close();
        }
    }
}
