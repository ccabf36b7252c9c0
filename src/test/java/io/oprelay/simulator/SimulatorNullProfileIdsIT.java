package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay whose simulator starts with the {@code null-profile-ids} fault: it serves
 * {@code "profileId": null}, and the relay's own poller reads those results and publishes each once, exactly as served.
 * Through the admin API the fault is read and switched off; bodies that do not read are refused, changing nothing.
 */
class SimulatorNullProfileIdsIT {

    private static final List<String> TOPICS = List.of("intelligence.operator-results.classification",
            "intelligence.operator-results.json", "intelligence.operator-results.text",
            "intelligence.operator-results.extraction", "intelligence.operator-results.other");
    private static final String FAULTS = "/simulator/admin/faults";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    final LocalBrokers kafka = new LocalBrokers();

    @Test
    void resultsWithNullProfileIdsArePublishedAsServedAndTheFaultIsSwitchedAtRunTime() throws Exception {
        try (RelayProcess relay = new RelayProcess("null-profile-ids", Map.ofEntries(
                entry("kafka.bootstrap.servers", kafka.bootstrap()),
                entry("relay.simulator.enabled", "true"),
                entry("relay.simulator.backlog", "12"),
                entry("relay.simulator.rate", "0"),
                entry("relay.simulator.faults.null-profile-ids", "true"),
                entry("relay.twilio.base-url", "http://localhost:${quarkus.http.port}/simulator"),
                entry("relay.twilio.username", "SKtest"),
                entry("relay.twilio.password", "test-secret"),
                entry("relay.poller.interval", "1S"),
                entry("relay.webhook.enabled", "false"),
                entry("relay.routing.enabled", "false"))).start().awaitReady(Duration.ofSeconds(60))) {
            SimulatorClient twilio = new SimulatorClient(relay.baseUrl() + "/simulator");
            Map<String, String> served = new HashMap<>();
            for (String id : twilio.allIds()) {
                served.put(id, twilio.result(id));
            }
            assertThat(served).hasSize(12);
            assertThat(served.values()).allSatisfy(json -> assertThat(json).contains("\"profileId\":null"));
            assertThat(MAPPER.readTree(relay.get(FAULTS).body()).path("nullProfileIds").asBoolean()).isTrue();

            await().atMost(Waits.seconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, String> published = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(kafka.bootstrap(), TOPICS)) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    assertThat(published.put(MAPPER.readTree(value).path("id").asText(), value))
                            .as("published twice").isNull();
                }
                assertThat(published).isEqualTo(served);
            });

            String before = relay.get(FAULTS).body();
            for (String bad : List.of("{\"nullProfileIds\":\"sometimes\"}", "{\"nullProfileId\":false}",
                    "{\"retryAfterSeconds\":\"soon\"}", "not json")) {
                HttpResponse<String> refused = relay.send("PUT", FAULTS, bad);
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
                JsonNode error = MAPPER.readTree(refused.body());
                assertThat(error.path("code").asInt()).isEqualTo(20001);
                assertThat(error.path("message").asText()).as(bad).contains("fault settings");
            }
            assertThat(relay.get(FAULTS).body()).isEqualTo(before);

            HttpResponse<String> off = relay.send("PUT", FAULTS, "{\"retryAfterSeconds\":1,\"nullProfileIds\":false}");
            assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
            String id = twilio.addOne("CLASSIFICATION");
            assertThat(twilio.result(id)).doesNotContain("\"profileId\":null").contains("\"participants\"");
            Set<String> all = twilio.allIds();
            assertThat(all).hasSize(13).contains(id);
        }
    }
}
