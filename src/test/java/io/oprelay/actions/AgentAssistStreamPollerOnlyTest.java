package io.oprelay.actions;

import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.SampleResults;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hint stream does not depend on routing: a poller-only instance ({@code mode: poller}, routing off, the stream
 * on by default) streams the hints that another release's router writes.
 */
@QuarkusTest
@TestProfile(AgentAssistStreamPollerOnlyTest.PollerOnly.class)
class AgentAssistStreamPollerOnlyTest extends HintStreamOfOneMode {

    public static class PollerOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.routing.enabled", "false");
        }
    }

    @Inject
    ActionsConfig actions;

    @Test
    void aPollerOnlyInstanceStreamsTheHintsAnotherReleasesRouterWrote() throws Exception {
        String conversation = SampleResults.conversationId();
        String hint = "{\"conversationId\":\"" + conversation + "\",\"rule\":\"from-the-router-release\"}";
        try (SseClient client = connect(conversation); ResultEvents writer = writer()) {
            writer.publishRaw(new ProducerRecord<>(actions.agentAssist().topic(), conversation,
                    hint.getBytes(StandardCharsets.UTF_8)));
            SseClient.Event event = client.next(Waits.seconds(20).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("the hint arrives").isNotNull();
            assertThat(SampleResults.MAPPER.readTree(event.data()).path("rule").asText())
                    .isEqualTo("from-the-router-release");
        }
    }
}
