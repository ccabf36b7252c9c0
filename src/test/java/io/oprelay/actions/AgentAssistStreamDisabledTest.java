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
