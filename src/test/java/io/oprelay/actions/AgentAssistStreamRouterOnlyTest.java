package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.events.TopicsConfig;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.SampleResults;
import io.oprelay.support.QuietApp;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hint stream does not depend on the poller: a router-only instance ({@code mode: router}, the poller off, the
 * stream on by default) streams the hints it routes. {@link QuietApp} is exactly that configuration (the poller off);
 * sharing it spares the suite a Quarkus build and start of its own.
 */
@QuarkusTest
@TestProfile(QuietApp.class)
class AgentAssistStreamRouterOnlyTest extends HintStreamOfOneMode {

    @Inject
    TopicsConfig topics;

    @Test
    void aRouterOnlyInstanceStreamsTheHintsItRoutes() throws Exception {
        String conversation = SampleResults.conversationId();
        try (SseClient client = connect(conversation); ResultEvents writer = writer()) {
            writer.publish(topics.classification(), SampleResults.classification(conversation, "angry"));
            SseClient.Event event = client.next(Waits.seconds(30).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("the routed hint arrives").isNotNull();
            JsonNode hint = SampleResults.MAPPER.readTree(event.data());
            assertThat(hint.path("conversationId").asText()).isEqualTo(conversation);
            assertThat(hint.path("rule").asText()).isEqualTo("angry-customer-hint");
        }
    }
}
