package io.oprelay.actions;

import io.oprelay.routing.SampleResults;
import io.oprelay.support.TightLimits;
import io.oprelay.support.Waits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance serves at most {@code relay.actions.agent-assist.max-streams} streams ({@link TightLimits}: two); more
 * are told to come back.
 */
@QuarkusTest
@TestProfile(TightLimits.class)
class AgentAssistStreamCapTest {

    @TestHTTPResource("/agent-assist/stream")
    URL stream;

    private URI conversation() {
        return URI.create(stream + "?conversationId=" + SampleResults.conversationId());
    }

    private SseClient connected(URI uri) throws Exception {
        SseClient client = new SseClient(uri, null);
        await().atMost(Waits.seconds(5)).until(() -> client.comments.stream()
                .anyMatch(c -> c.startsWith("connected")));
        return client;
    }

    @Test
    void beyondTheCapAStreamIsAnswered503WithRetryAfterUntilOneCloses() throws Exception {
        SseClient first = connected(conversation());
        try (SseClient second = connected(URI.create(stream.toString()))) {
            SseClient.Refusal refusal = SseClient.refusal(conversation(), SseClient.WITH_KEY);
            assertThat(refusal).as("third stream refused").isNotNull();
            assertThat(refusal.status()).isEqualTo(503);
            assertThat(refusal.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
            assertThat(refusal.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));

            first.close();
            await().atMost(Waits.seconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> SseClient.refusal(conversation(), SseClient.WITH_KEY) == null);
        } finally {
            first.close();
        }
    }
}
