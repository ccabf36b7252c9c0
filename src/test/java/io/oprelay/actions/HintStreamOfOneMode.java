package io.oprelay.actions;

import io.oprelay.routing.ResultEvents;
import io.quarkus.test.common.http.TestHTTPResource;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

/** What the tests of the hint stream in one deployment mode (poller only, router only) share: the stream and Kafka. */
abstract class HintStreamOfOneMode {

    @TestHTTPResource("/agent-assist/stream")
    URL stream;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /** A stream of {@code conversation}'s hints, connected. */
    SseClient connect(String conversation) throws Exception {
        return SseClient.connected(URI.create(stream + "?conversationId=" + conversation), Duration.ofSeconds(10));
    }

    /** A writer to the app's broker. */
    ResultEvents writer() {
        return new ResultEvents(kafka);
    }
}
