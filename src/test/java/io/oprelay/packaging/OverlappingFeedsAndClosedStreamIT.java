package io.oprelay.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.Api;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application with feeds whose filters overlap and the hint stream switched off: it warns once per
 * overlapping pair at start-up, shows the overlaps in {@code GET /api/feeds}, publishes a result once per feed that
 * selects it, and answers every hint stream request 404 problem+json.
 */
class OverlappingFeedsAndClosedStreamIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String OPERATOR_X = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b";
    private static final String OPERATOR_Y = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8c";
    private static final String CONFIGURATION = "intelligence_configuration_01kermhm82e5mr98nbeh1hpmbn";
    private static final int BACKLOG = 20;

    private static LocalKafkaBroker broker;
    private static RelayProcess relay;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalBrokers.started("overlapping-feeds");
        Map<String, String> settings = RelayProcess.simulatorAsTwilio(broker.bootstrapServers(), BACKLOG);
        settings.put("relay.routing.enabled", "false");
        settings.put("relay.webhook.enabled", "false");
        settings.put("relay.actions.agent-assist.stream-enabled", "false");
        // Two feeds of everything (every result twice), and filtered feeds that select none of the simulator's.
        settings.put("relay.feeds.\"all\".page-size", "100");
        settings.put("relay.feeds.\"all-again\".page-size", "100");
        settings.put("relay.feeds.\"ops-x\".operator-id", OPERATOR_X);
        settings.put("relay.feeds.\"ops-y\".operator-id", OPERATOR_Y);
        settings.put("relay.feeds.\"support\".intelligence-configuration-id", CONFIGURATION);
        relay = new RelayProcess("overlapping-feeds", settings).start().awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (relay != null) {
            relay.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void overlappingFeedsAreWarnedAboutOncePerPairAndShownInTheirStatus() throws Exception {
        String log = relay.log();
        List<String> warnings = log.lines().filter(line -> line.contains("can both select")).toList();
        assertThat(warnings).as("one WARN per overlapping pair").hasSize(9).allSatisfy(line -> assertThat(line)
                .contains("WARN").contains("each will publish them"));
        assertThat(log).contains("feed all and feed all-again can both select every result")
                .contains("feed all and feed ops-x can both select results of operator " + OPERATOR_X)
                .contains("feed ops-x and feed support can both select results of intelligence configuration "
                        + CONFIGURATION + " and operator " + OPERATOR_X)
                .doesNotContain("feed ops-x and feed ops-y");

        HttpResponse<String> feeds = relay.get("/api/feeds");
        assertThat(feeds.statusCode()).isEqualTo(200);
        Map<String, List<String>> overlaps = new HashMap<>();
        for (JsonNode feed : MAPPER.readTree(feeds.body())) {
            overlaps.put(feed.path("feed").asText(), MAPPER.convertValue(feed.path("overlapsWith"), List.class));
        }
        assertThat(overlaps).containsEntry("all", List.of("all-again", "ops-x", "ops-y", "support"))
                .containsEntry("all-again", List.of("all", "ops-x", "ops-y", "support"))
                .containsEntry("ops-x", List.of("all", "all-again", "support"))
                .containsEntry("ops-y", List.of("all", "all-again", "support"))
                .containsEntry("support", List.of("all", "all-again", "ops-x", "ops-y"));
    }

    @Test
    void aResultSelectedByTwoFeedsIsPublishedByEach() throws Exception {
        Set<String> ids = new SimulatorClient(relay.baseUrl() + "/simulator").allIds();
        assertThat(ids).hasSize(BACKLOG);
        List<String> topics = List.of(OutputFormat.values()).stream()
                .map(format -> "intelligence.operator-results." + format.slug()).toList();

        await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, Long> events = CommittedReader.readAll(broker.bootstrapServers(), topics).stream()
                    .collect(Collectors.groupingBy(r -> EventContract.header(r, "ce_id"), Collectors.counting()));
            assertThat(events.keySet()).isEqualTo(ids);
            assertThat(events).as("published once by each of the two feeds that select it")
                    .isEqualTo(ids.stream().collect(Collectors.toMap(Function.identity(), id -> 2L)));
        });
    }

    @Test
    void aClosedHintStreamAnswers404ProblemJsonWithOrWithoutACredential() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String query : List.of("", "?conversationId=conv_conversation_01k6fc25s7epm9qtk8rszbv3q5")) {
            for (boolean withKey : List.of(true, false)) {
                HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(relay.baseUrl() + "/agent-assist/stream" + query))
                        .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream");
                if (withKey) {
                    request.header("X-API-Key", Api.KEY);
                }
                HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("%s with key %s", query, withKey).isEqualTo(404);
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(MAPPER.readTree(answer.body()).path("detail").asText())
                        .contains("relay.actions.agent-assist.stream-enabled=false");
            }
        }
    }
}
