package io.oprelay.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay with credentials Twilio rejects (its own simulator, restricted to another password): an admin
 * fetch answers a problem naming the settings to fix, the feed reports the rejection, and the pod stays ready, so its
 * webhooks, SSE stream and routing stay in service. No answer shows the password.
 */
class RejectedCredentialsIT {

    private static final String WRONG_PASSWORD = "wrong-secret-4711";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    final LocalBrokers kafka = new LocalBrokers();

    @Test
    void rejectedCredentialsAreReportedByTheFeedAndTheFetchWithoutTakingThePodOutOfService() throws Exception {
        try (RelayProcess relay = new RelayProcess("rejected-credentials", Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", kafka.bootstrap()),
                Map.entry("relay.simulator.enabled", "true"),
                Map.entry("relay.simulator.backlog", "5"),
                Map.entry("relay.simulator.rate", "0"),
                Map.entry("relay.simulator.auth.username", "SKtest"),
                Map.entry("relay.simulator.auth.password", "test-secret"),
                Map.entry("relay.twilio.base-url", "http://localhost:${quarkus.http.port}/simulator"),
                Map.entry("relay.twilio.username", "SKtest"),
                Map.entry("relay.twilio.password", WRONG_PASSWORD),
                Map.entry("relay.poller.interval", "1S"),
                Map.entry("relay.webhook.enabled", "false"))).start().awaitReady(Duration.ofSeconds(60))) {
            SimulatorClient twilio = new SimulatorClient(relay.baseUrl() + "/simulator");
            String id = twilio.allIds().iterator().next();

            HttpResponse<String> fetch = relay.get("/api/operator-results/" + id);
            assertThat(fetch.statusCode()).as(fetch.body()).isEqualTo(502);
            assertThat(fetch.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(fetch.body()).contains("relay.twilio.password").doesNotContain(WRONG_PASSWORD);

            await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode feed = MAPPER.readTree(relay.get("/api/feeds/default").body());
                assertThat(feed.path("twilioCredentialsRejected").asBoolean()).as(feed.toString()).isTrue();
                assertThat(feed.path("lastError").asText()).contains("401");
            });
            // Several probes after the rejections: the pod stays ready, and the poller's check says what to fix.
            await().during(Duration.ofSeconds(3)).atMost(Waits.seconds(10)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        HttpResponse<String> ready = relay.get("/q/health/ready");
                        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                        assertThat(ready.body()).contains("relay.twilio.password").doesNotContain(WRONG_PASSWORD);
                    });
            assertThat(relay.get("/q/metrics").body()).doesNotContain(WRONG_PASSWORD);
        }
    }
}
