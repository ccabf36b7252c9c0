package io.oprelay.actions;

import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.routing.SampleResults;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code relay.actions.agent-assist.stream-enabled=false} the instance serves no hint stream: every request is
 * answered 404 problem+json naming the key, whatever credential it carries, and no stream is opened.
 */
@QuarkusTest
@TestProfile(AgentAssistStreamDisabledTest.StreamDisabled.class)
class AgentAssistStreamDisabledTest {

    public static class StreamDisabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.actions.agent-assist.stream-enabled", "false");
        }
    }

    @TestHTTPResource("/agent-assist/stream")
    URL stream;

    @Inject
    MeterRegistry registry;

    @Inject
    HintBroadcaster broadcaster;

    @Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    io.oprelay.events.TopicsConfig topics;

    @Test
    void theHintsChannelIsOffSoNoHintIsReadIntoMemory() {
        String conversation = SampleResults.conversationId();
        try (io.oprelay.routing.ResultEvents events = new io.oprelay.routing.ResultEvents(kafka)) {
            events.publish(topics.classification(), SampleResults.classification(conversation, "angry"));
            org.awaitility.Awaitility.await().atMost(io.oprelay.support.Waits.seconds(30))
                    .until(() -> events.readKey("agent-assist.hints", conversation).size() == 1);
            // The hint is committed; give a running channel (it polls every 100 ms) time to have read it.
            org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(2))
                    .atMost(java.time.Duration.ofSeconds(5)).until(() -> broadcaster.buffered() == 0);
        }
    }

    @Test
    void aStreamRequestIsAnswered404ProblemJsonNamingTheKeyAndOpensNoStream() throws Exception {
        URI all = URI.create(stream.toString());
        URI one = URI.create(stream + "?conversationId=" + SampleResults.conversationId());
        for (URI uri : new URI[] {all, one}) {
            for (Map<String, String> headers : java.util.List.of(SseClient.WITH_KEY, Map.<String, String>of())) {
                SseClient.Refusal refusal = SseClient.refusal(uri, headers);
                assertThat(refusal).as("%s with %s is refused", uri, headers.keySet()).isNotNull();
                assertThat(refusal.status()).isEqualTo(404);
                assertThat(refusal.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(refusal.body()).contains("relay.actions.agent-assist.stream-enabled=false")
                        .contains("\"status\":404");
            }
        }
        assertThat(registry.get("relay.agent-assist.streams").gauge().value()).as("open streams").isZero();
    }
}
