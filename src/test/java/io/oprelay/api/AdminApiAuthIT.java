package io.oprelay.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.AdminPathSpellings;
import io.oprelay.support.Api;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.SimulatorClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an outsider can send to the packaged application (production profile, real broker, the simulator as its
 * Twilio): no spelling of an admin request gets past the key, the hint stream needs the key or a token of its
 * conversation, and the simulator's admin endpoints need the key.
 */
class AdminApiAuthIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONVERSATION = "conv_conversation_01k6fc25s7epm9qtk8rszbv3q5";
    private static final String OTHER_CONVERSATION = "conv_conversation_01k6fc25s7epm9qtk8rszbv3q6";

    private static LocalKafkaBroker broker;
    private static RelayProcess relay;
    private static SimulatorClient twilio;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalBrokers.started("admin-auth");
        Map<String, String> settings = RelayProcess.simulatorAsTwilio(broker.bootstrapServers(), 20);
        settings.put("relay.poller.enabled", "false");
        settings.put("relay.webhook.enabled", "false");
        relay = new RelayProcess("admin-auth", settings).start().awaitReady(Duration.ofSeconds(90));
        port = URI.create(relay.baseUrl()).getPort();
        twilio = new SimulatorClient(relay.baseUrl() + "/simulator");
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

    private static RawHttp.Answer raw(String method, String target, Map<String, String> headers) throws IOException {
        return RawHttp.send("localhost", port, method, target, headers);
    }

    /**
     * {@code answer} refuses the request: 400 for a target not in origin form; otherwise 401 where the same spelling
     * reaches a resource with the key ({@code withKey}: the status of a GET of that spelling with the key), and the
     * very answer the key gets where it reaches none.
     */
    private static void assertRefused(String method, AdminPathSpellings.Spelling spelling, RawHttp.Answer answer)
            throws IOException {
        String request = method + " " + spelling.target();
        if (spelling.originForm()) {
            int withKey = raw("GET", spelling.target(), Map.of("X-API-Key", Api.KEY)).status();
            assertThat(answer.status()).as("%s (GET with the key: %d)", request, withKey)
                    .isEqualTo(withKey == 200 ? 401 : withKey);
        } else {
            assertThat(answer.status()).as(request).isEqualTo(400);
        }
        assertThat(answer.header("Content-Type")).as(request).startsWith("application/problem+json");
        assertThat(answer.body()).as(request).doesNotContain("\"feed\"").doesNotContain("\"conversationId\"")
                .doesNotContain(Api.KEY);
        if (answer.status() == 401) {
            assertThat(answer.header("WWW-Authenticate")).as(request).isEqualTo("Bearer");
        }
    }

    @Test
    void noSpellingOfAnAdminRequestGetsPastTheKeyAndNoResultIsDeleted() throws Exception {
        String id = twilio.allIds().iterator().next();
        List<AdminPathSpellings.Spelling> feeds = AdminPathSpellings.of("feeds");
        List<AdminPathSpellings.Spelling> result = AdminPathSpellings.of("operator-results/" + id);
        assertThat(feeds).hasSizeGreaterThanOrEqualTo(20);
        assertThat(result).hasSizeGreaterThanOrEqualTo(20);

        for (AdminPathSpellings.Spelling spelling : feeds) {
            assertRefused("GET", spelling, raw("GET", spelling.target(), Map.of()));
            assertRefused("GET", spelling, raw("GET", spelling.target(),
                    Map.of("Authorization", "Basic " + Api.KEY)));
        }
        for (AdminPathSpellings.Spelling spelling : result) {
            assertRefused("DELETE", spelling, raw("DELETE", spelling.target(), Map.of()));
            assertRefused("GET", spelling, raw("GET", spelling.target(), Map.of()));
        }
        assertThat(twilio.allIds()).as("no DELETE reached Twilio").contains(id);

        // With the key: the canonical requests work, targets not in origin form are still refused.
        Map<String, String> key = Map.of("X-API-Key", Api.KEY);
        for (AdminPathSpellings.Spelling spelling : feeds) {
            RawHttp.Answer answer = raw("GET", spelling.target(), key);
            if (spelling.originForm()) {
                // Either the spelling names the resource, or it names no resource at all: never an error.
                if (answer.status() == 200) {
                    assertThat(answer.body()).as("GET %s with the key", spelling.target()).contains("\"feed\"");
                } else {
                    assertThat(answer.status()).as("GET %s with the key", spelling.target()).isEqualTo(404);
                    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                }
            } else {
                assertThat(answer.status()).as("GET %s with the key", spelling.target()).isEqualTo(400);
            }
        }
        for (AdminPathSpellings.Spelling spelling : result) {
            if (!spelling.originForm()) {
                assertThat(raw("DELETE", spelling.target(), key).status()).as("DELETE %s", spelling.target())
                        .isEqualTo(400);
            }
        }
        assertThat(twilio.allIds()).contains(id);
        RawHttp.Answer feedsAnswer = raw("GET", "/api/feeds", key);
        assertThat(feedsAnswer.status()).isEqualTo(200);
        assertThat(feedsAnswer.body()).contains("\"feed\"");
        assertThat(raw("GET", "/api/operator-results/" + id, Map.of("Authorization", "Bearer " + Api.KEY)).status())
                .isEqualTo(200);
        assertThat(raw("DELETE", "/api/operator-results/" + id, key).status()).isEqualTo(204);
        assertThat(twilio.allIds()).as("deleted with the key").doesNotContain(id);
    }

    @Test
    void theDeadLetterApiNeedsTheKeyInEverySpellingAndAnswersProblemsWithIt() throws Exception {
        for (AdminPathSpellings.Spelling spelling : AdminPathSpellings.of("dead-letters")) {
            assertRefused("GET", spelling, raw("GET", spelling.target(), Map.of()));
        }
        for (AdminPathSpellings.Spelling spelling : AdminPathSpellings.of("dead-letters/0-0/replay")) {
            if (spelling.originForm()) {
                RawHttp.Answer answer = raw("POST", spelling.target(), Map.of());
                assertThat(answer.status()).as("POST %s", spelling.target()).isIn(401, 404, 405);
                assertThat(answer.body()).doesNotContain("\"outcome\"");
            }
        }
        Map<String, String> key = Map.of("X-API-Key", Api.KEY);
        RawHttp.Answer list = raw("GET", "/api/dead-letters?limit=5", key);
        assertThat(list.status()).isEqualTo(200);
        assertThat(MAPPER.readTree(list.body()).get("deadLetters").isArray()).isTrue();
        RawHttp.Answer badLimit = raw("GET", "/api/dead-letters?limit=501", key);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.header("Content-Type")).startsWith("application/problem+json");
        RawHttp.Answer none = raw("POST", "/api/dead-letters/0-999999/replay", key);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.header("Content-Type")).startsWith("application/problem+json");
        assertThat(raw("POST", "/api/dead-letters/not-an-id/replay", key).status()).isEqualTo(400);
    }

    @Test
    void theHintStreamNeedsTheKeyOrATokenOfItsConversation() throws Exception {
        String stream = relay.baseUrl() + "/agent-assist/stream";
        assertThat(streamStatus(stream + "?conversationId=" + CONVERSATION, Map.of())).isEqualTo(401);
        assertThat(streamStatus(stream, Map.of())).isEqualTo(401);
        assertThat(streamStatus(stream, Map.of("X-API-Key", Api.KEY))).isEqualTo(200);

        HttpResponse<String> minted = relay.send("POST", "/api/agent-assist/tokens",
                "{\"conversationId\":\"" + CONVERSATION + "\"}");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        String token = URLEncoder.encode(MAPPER.readTree(minted.body()).get("token").asText(),
                StandardCharsets.UTF_8);
        assertThat(minted.body()).doesNotContain(Api.KEY);

        assertThat(streamStatus(stream + "?conversationId=" + CONVERSATION + "&access_token=" + token, Map.of()))
                .isEqualTo(200);
        assertThat(streamStatus(stream + "?conversationId=" + OTHER_CONVERSATION + "&access_token=" + token,
                Map.of())).isEqualTo(403);
        assertThat(streamStatus(stream + "?access_token=" + token, Map.of())).isEqualTo(403);
        assertThat(raw("GET", "/api/feeds?access_token=" + token, Map.of()).status()).as("a token is no key")
                .isEqualTo(403);
        assertThat(raw("GET", "HTTP://x/agent-assist/stream?access_token=" + token + "&conversationId="
                + CONVERSATION, Map.of()).status()).isEqualTo(400);
    }

    @Test
    void theSimulatorAdminEndpointsNeedTheKey() throws Exception {
        for (String target : List.of("/simulator/admin/status", "/simulator/admin/faults")) {
            RawHttp.Answer answer = raw("GET", target, Map.of());
            assertThat(answer.status()).as(target).isEqualTo(401);
            assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
        }
        int before = twilio.allIds().size();
        assertThat(raw("DELETE", "/simulator/admin/results", Map.of()).status()).isEqualTo(401);
        assertThat(raw("DELETE", "HTTP://x/simulator/admin/results", Map.of()).status()).isEqualTo(400);
        assertThat(raw("POST", "/simulator/admin/results?count=5", Map.of()).status()).isEqualTo(401);
        assertThat(twilio.allIds()).hasSize(before);
        assertThat(raw("GET", "/simulator/admin/status", Map.of("X-API-Key", Api.KEY)).status()).isEqualTo(200);
        // The simulator's Twilio API keeps its own Basic credentials, untouched by the API key's mechanism.
        assertThat(raw("GET", "/simulator/v3/OperatorResults", Map.of()).status()).isEqualTo(401);
        assertThat(raw("GET", "/simulator/v3/OperatorResults", Map.of("X-API-Key", Api.KEY)).status())
                .isEqualTo(401);
    }

    /** The status of a stream request; an accepted stream must say it is connected, and is then closed. */
    private static int streamStatus(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() == 200) {
                Iterator<String> it = lines.iterator();
                assertThat(it.hasNext() ? it.next() : "").as(url).startsWith(": connected");
            } else {
                assertThat(response.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
            }
            return response.statusCode();
        }
    }
}
