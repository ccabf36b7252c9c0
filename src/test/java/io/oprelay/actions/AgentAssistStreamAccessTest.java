package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.events.TopicsConfig;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.SampleResults;
import io.oprelay.support.Api;
import io.oprelay.support.Waits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

/**
 * Who may open the hint streams: the API key opens every stream; a token minted with the key opens the stream of its
 * conversation (or all hints, for a supervisor token) until it expires; nothing else opens any.
 */
@QuarkusTest
class AgentAssistStreamAccessTest {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    TopicsConfig topics;

    @TestHTTPResource("/agent-assist/stream")
    URL stream;

    private URI conversationStream(String conversationId, String token) {
        return URI.create(stream + "?conversationId=" + conversationId
                + (token == null ? "" : "&access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    private URI allHints(String token) {
        return URI.create(stream + "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private static ValidatableResponse mint(String body) {
        return Api.given().contentType("application/json").body(body).post("/api/agent-assist/tokens").then();
    }

    private static String tokenFor(String conversationId) {
        return mint("{\"conversationId\":\"" + conversationId + "\"}").statusCode(200).extract().path("token");
    }

    private static void assertUnauthenticated(SseClient.Refusal refusal) {
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(refusal.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refusal.body()).doesNotContain("detail");
    }

    @Test
    void withoutACredentialEveryStreamAnswers401() throws Exception {
        assertUnauthenticated(SseClient.refusal(URI.create(stream.toString()), Map.of()));
        assertUnauthenticated(SseClient.refusal(conversationStream(SampleResults.conversationId(), null), Map.of()));
        assertUnauthenticated(SseClient.refusal(URI.create(stream.toString()), Map.of("X-API-Key", "wrong")));
        assertUnauthenticated(SseClient.refusal(URI.create(stream.toString()),
                Map.of("Authorization", "Bearer wrong")));
    }

    @Test
    void theApiKeyOpensEveryStream() throws Exception {
        assertThat(SseClient.refusal(URI.create(stream.toString()), SseClient.WITH_KEY)).isNull();
        assertThat(SseClient.refusal(conversationStream(SampleResults.conversationId(), null),
                Map.of("Authorization", "Bearer " + Api.KEY))).isNull();
    }

    @Test
    void aConversationTokenOpensTheStreamOfItsConversationOnlyAndCarriesItsHints() throws Exception {
        String mine = SampleResults.conversationId();
        String other = SampleResults.conversationId();
        String token = tokenFor(mine);

        try (SseClient agent = new SseClient(conversationStream(mine, token), null, Map.of());
             ResultEvents events = new ResultEvents(kafka)) {
            await().atMost(Waits.seconds(5)).until(() -> agent.comments.stream()
                    .anyMatch(c -> c.startsWith("connected")));
            events.publish(topics.classification(), SampleResults.classification(mine, "angry"));
            SseClient.Event hint = agent.next(Waits.seconds(5).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(hint).isNotNull();
            assertThat(SampleResults.MAPPER.readTree(hint.data()).get("conversationId").asText()).isEqualTo(mine);
        }

        for (URI forbidden : new URI[] {conversationStream(other, token), allHints(token)}) {
            SseClient.Refusal refusal = SseClient.refusal(forbidden, Map.of());
            assertThat(refusal).as("%s refused", forbidden).isNotNull();
            assertThat(refusal.status()).isEqualTo(403);
            assertThat(refusal.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
        // The same token as a bearer credential: the same rules.
        assertThat(SseClient.refusal(conversationStream(mine, null), Map.of("Authorization", "Bearer " + token)))
                .isNull();
        assertThat(SseClient.refusal(conversationStream(other, null), Map.of("Authorization", "Bearer " + token))
                .status()).isEqualTo(403);
    }

    @Test
    void aSupervisorTokenOpensTheStreamOfAllHintsAndEveryConversation() throws Exception {
        String token = mint("{\"scope\":\"all\"}").statusCode(200).body("scope", equalTo("all"))
                .body("$", not(hasKey("conversationId"))).extract().path("token");

        assertThat(SseClient.refusal(allHints(token), Map.of())).isNull();
        assertThat(SseClient.refusal(conversationStream(SampleResults.conversationId(), token), Map.of())).isNull();
    }

    @Test
    void aTokenStopsOpeningTheStreamOnceItExpires() throws Exception {
        String conversation = SampleResults.conversationId();
        Instant before = Instant.now();
        ValidatableResponse minted = mint("{\"conversationId\":\"" + conversation + "\",\"ttl\":1}").statusCode(200)
                .body("scope", equalTo("conversation")).body("conversationId", equalTo(conversation));
        Instant expiresAt = Instant.parse(minted.extract().path("expiresAt"));
        assertThat(expiresAt).isBetween(before, before.plusSeconds(3));
        String token = minted.extract().path("token");

        await().atMost(Waits.seconds(5)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertUnauthenticated(
                        SseClient.refusal(conversationStream(conversation, token), Map.of())));
    }

    @Test
    void aForgedOrDamagedTokenIsAnswered401() throws Exception {
        String mine = SampleResults.conversationId();
        String other = SampleResults.conversationId();
        String token = tokenFor(mine);
        String[] parts = token.split("\\.");
        assertThat(parts).as("version, payload, signature").hasSize(3);

        ObjectNode payload = (ObjectNode) SampleResults.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
        payload.put("conversationId", other);
        String otherPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        payload.put("conversationId", mine).put("exp", payload.get("exp").asLong() + 86_400);
        String longerPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        char last = parts[2].charAt(parts[2].length() - 2);
        String otherSignature = parts[2].substring(0, parts[2].length() - 2) + (last == 'A' ? 'B' : 'A')
                + parts[2].charAt(parts[2].length() - 1);

        assertUnauthenticated(SseClient.refusal(conversationStream(other,
                parts[0] + "." + otherPayload + "." + parts[2]), Map.of()));
        assertUnauthenticated(SseClient.refusal(conversationStream(mine,
                parts[0] + "." + longerPayload + "." + parts[2]), Map.of()));
        assertUnauthenticated(SseClient.refusal(conversationStream(mine,
                parts[0] + "." + parts[1] + "." + otherSignature), Map.of()));
        assertUnauthenticated(SseClient.refusal(conversationStream(mine, parts[0] + "." + parts[1] + "."),
                Map.of()));
        assertUnauthenticated(SseClient.refusal(conversationStream(mine, "not-a-token"), Map.of()));
        assertUnauthenticated(SseClient.refusal(conversationStream(mine, Api.KEY), Map.of()));
    }

    @Test
    void tokenRequestsAreCheckedAndAnsweredWithAClearProblem() {
        String conversation = SampleResults.conversationId();
        for (String body : new String[] {"{}", "{\"scope\":\"all\",\"conversationId\":\"" + conversation + "\"}",
                "{\"scope\":\"everything\"}", "{\"conversationId\":\"conv_x\"}",
                "{\"conversationId\":\"" + conversation + "\",\"ttl\":0}",
                "{\"conversationId\":\"" + conversation + "\",\"ttl\":901}",
                "{\"conversationId\":\"" + conversation + "\",\"ttl\":\"soon\"}", "not json", "[]"}) {
            mint(body).statusCode(400).contentType("application/problem+json").body("status", equalTo(400))
                    .body("$", hasKey("detail"));
        }
        JsonNode longest = SampleResults.MAPPER.valueToTree(mint("{\"conversationId\":\"" + conversation
                + "\",\"ttl\":900}").statusCode(200).extract().as(Map.class));
        assertThat(Instant.parse(longest.get("expiresAt").asText()))
                .isBetween(Instant.now().plusSeconds(890), Instant.now().plusSeconds(901));
        JsonNode byDefault = SampleResults.MAPPER.valueToTree(mint("{\"conversationId\":\"" + conversation + "\"}")
                .statusCode(200).extract().as(Map.class));
        assertThat(Instant.parse(byDefault.get("expiresAt").asText()))
                .isBetween(Instant.now().plusSeconds(290), Instant.now().plusSeconds(301));
    }
}
