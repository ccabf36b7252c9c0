package io.oprelay.twilio;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class TwilioClientRetryTest {

    private static final String PATH = "/v3/OperatorResults";
    private static final String PASSWORD = "s3cr3t-auth-token-value";
    private static final String ID = "intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5";
    private static final String ITEM = "{\"id\":\"" + ID + "\",\"outputFormat\":\"CLASSIFICATION\","
            + "\"result\":{\"label\":\"POSITIVE\"}}";
    private static final String PAGE = "{\"items\":[" + ITEM + "],\"meta\":{\"key\":\"items\",\"pageSize\":1}}";
    private static final String ERROR = "{\"code\":%d,\"message\":\"%s\",\"httpStatusCode\":%d,\"userError\":true,"
            + "\"params\":{\"parameter\":\"pageToken\"}}";
    private static WireMockServer wireMock;

    @Inject
    MeterRegistry registry;

    @Inject
    TwilioReadiness readiness;

    private TestTwilioConfig config;

    @BeforeAll
    static void startWireMock() {
        wireMock = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        wireMock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    @BeforeEach
    void reset() {
        wireMock.resetAll();
        config = TestTwilioConfig.of(wireMock.baseUrl(), "SK0123", PASSWORD);
    }

    @AfterEach
    void credentialsWorkAgain() {
        readiness.callSucceeded();
    }

    private TwilioClient client(TwilioConfig config) {
        return new TwilioClient(config, registry, readiness);
    }

    /** A client whose jitter comes from {@code random} instead of a random source. */
    private TwilioClient client(TwilioConfig config, DoubleSupplier random) {
        return new TwilioClient(config, new TwilioMetrics(registry), readiness,
                new RetryPolicy(config.retry(), Clock.systemUTC(), random));
    }

    private static ListQuery firstPage() {
        return new ListQuery(Optional.empty(), Optional.empty(), Optional.empty(), 50, Optional.empty());
    }

    /** First answer {@code first}, then the page. */
    private void stubOnce(ResponseDefinitionBuilder first) {
        MappingBuilder failing = get(urlPathEqualTo(PATH)).inScenario("retry").whenScenarioStateIs(STARTED)
                .willReturn(first).willSetStateTo("answered");
        wireMock.stubFor(failing);
        wireMock.stubFor(get(urlPathEqualTo(PATH)).inScenario("retry").whenScenarioStateIs("answered")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(PAGE)));
    }

    private int requests() {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo(PATH))).size();
    }

    /**
     * The count of a counter, 0 before its first use. The registry is shared by every {@code @QuarkusTest} class, so
     * a test compares the counts before and after what it does rather than checking that a meter exists.
     */
    private double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** How many times a timer recorded, 0 before its first use. */
    private long timed(String name, String... tags) {
        Timer timer = registry.find(name).tags(tags).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void waitsAsRetryAfterAsksThenSucceeds() {
        stubOnce(aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withBody(ERROR.formatted(20429, "Too many requests", 429)));

        double retriesBefore = count(TwilioMetrics.RETRIES, "endpoint", "list", "reason", "rate_limited");
        double rejectedBefore = count(TwilioMetrics.REQUESTS, "endpoint", "list", "status", "429");
        double answeredBefore = count(TwilioMetrics.REQUESTS, "endpoint", "list", "status", "200");

        long started = System.nanoTime();
        ResultPage page = client(config).list(firstPage());

        assertThat(page.items()).extracting(RawResult::id).containsExactly(ID);
        assertThat(requests()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(count(TwilioMetrics.RETRIES, "endpoint", "list", "reason", "rate_limited") - retriesBefore)
                .isEqualTo(1);
        assertThat(count(TwilioMetrics.REQUESTS, "endpoint", "list", "status", "429") - rejectedBefore).isEqualTo(1);
        assertThat(count(TwilioMetrics.REQUESTS, "endpoint", "list", "status", "200") - answeredBefore).isEqualTo(1);
    }

    @Test
    void addsJitterToTheWaitTwilioAskedForButNeverWaitsLess() {
        stubOnce(aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withBody(ERROR.formatted(20429, "Too many requests", 429)));

        client(config, () -> Math.nextDown(1.0)).list(firstPage());

        List<LoggedRequest> calls = wireMock.findAll(getRequestedFor(urlPathEqualTo(PATH)));
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0).getLoggedDate().toInstant(), calls.get(1).getLoggedDate().toInstant()))
                .as("the highest jitter: a fifth more than asked").isGreaterThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void handsOnTheJitteredWaitWhenItGivesUp() {
        wireMock.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After",
                "1").withBody(ERROR.formatted(20429, "Too many requests", 429))));

        assertThatThrownBy(() -> client(config.withRetry(1, Duration.ofSeconds(2)), () -> 0.5).list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(1100)));
    }

    @Test
    void honoursXRateLimitReset() {
        stubOnce(aResponse().withStatus(429).withHeader("X-RateLimit-Reset", "1")
                .withHeader("X-RateLimit-Remaining", "0").withBody(ERROR.formatted(20429, "Too many requests", 429)));

        long started = System.nanoTime();
        client(config).list(firstPage());

        assertThat(requests()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void retriesA429WithoutHeadersAfterABackoff() {
        stubOnce(aResponse().withStatus(429).withBody(ERROR.formatted(20429, "Too many requests", 429)));

        assertThat(client(config).list(firstPage()).items()).hasSize(1);
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void retriesAServerError() {
        stubOnce(aResponse().withStatus(500).withBody(ERROR.formatted(20500, "Internal server error", 500)));

        assertThat(client(config).list(firstPage()).items()).hasSize(1);
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void retriesAMalformedPage() {
        stubOnce(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(PAGE.substring(0, PAGE.length() / 2)));
        double before = count(TwilioMetrics.RETRIES, "endpoint", "list", "reason", "malformed");

        assertThat(client(config).list(firstPage()).items()).hasSize(1);
        assertThat(requests()).isEqualTo(2);
        assertThat(count(TwilioMetrics.RETRIES, "endpoint", "list", "reason", "malformed") - before).isEqualTo(1);
    }

    @Test
    void retriesATimeout() {
        stubOnce(aResponse().withStatus(200).withFixedDelay(2_000).withBody(PAGE));

        ResultPage page = client(config.withReadTimeout(Duration.ofMillis(300))).list(firstPage());

        assertThat(page.items()).hasSize(1);
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void reportsNoAnswerAsStatusZeroAfterTheAttempts() {
        TwilioConfig closed = TestTwilioConfig.of("http://127.0.0.1:" + RelayTestProfiles.freePort(), "SK0123",
                PASSWORD);

        assertThatThrownBy(() -> client(closed).list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).as("Twilio asked for no wait").isEmpty();
                    assertThat(e.getMessage()).doesNotContain(PASSWORD);
                });
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheWaitTwilioAskedFor() {
        wireMock.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After",
                "1").withBody(ERROR.formatted(20429, "Too many requests", 429))));

        assertThatThrownBy(() -> client(config.withRetry(1, Duration.ofSeconds(2))).list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).contains(20429);
                    assertThat(e.retryAfter()).hasValueSatisfying(wait ->
                            assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1200)));
                });
        assertThat(requests()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void givesUpAtOnceWhenTwilioAsksToWaitLongerThanMaxRetryAfter(int status) {
        wireMock.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Retry-After", "3600").withBody(ERROR.formatted(20429, "Too many requests", status))));

        long started = System.nanoTime();
        assertThatThrownBy(() -> client(config.withRetry(4, Duration.ofSeconds(2))).list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.retryAfter()).as("the wait asked for, not max-retry-after")
                            .hasValueSatisfying(wait -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofHours(1)));
                    assertThat(e.getMessage()).contains("max-retry-after");
                });
        assertThat(requests()).as("no early retry").isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Waits.seconds(2));
    }

    @Test
    void givesUpAfterMaxAttemptsOfServerErrors() {
        wireMock.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> client(config).list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfter()).as("Twilio asked for no wait").isEmpty();
                });
        assertThat(requests()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404})
    void neverRetriesClientErrors(int status) {
        wireMock.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(ERROR.formatted(20001, "Invalid pageToken", status))));

        assertThatThrownBy(() -> client(config).list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.code()).contains(20001);
                    assertThat(e.userError()).isTrue();
                    assertThat(e.params()).containsEntry("parameter", "pageToken");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.retryAfter()).isEmpty();
                });
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void a401IsRememberedWithoutShowingThePasswordAndLeavesThePodReady() {
        wireMock.stubFor(get(urlPathEqualTo(PATH)).inScenario("auth").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(401).withBody(ERROR.formatted(20003, "Authenticate", 401)))
                .willSetStateTo("fixed"));
        wireMock.stubFor(get(urlPathEqualTo(PATH)).inScenario("auth").whenScenarioStateIs("fixed")
                .willReturn(aResponse().withStatus(200).withBody(PAGE)));
        TwilioClient client = client(config);

        assertThatThrownBy(() -> client.list(firstPage()))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> {
                    assertThat(e.authFailure()).isTrue();
                    assertThat(e.getMessage()).doesNotContain(PASSWORD);
                });
        assertThat(readiness.credentialsRejected()).isTrue();
        // One rejected call (an admin fetch, say) must not take the pod's webhooks and SSE stream out of service.
        given().get("/q/health/ready").then().statusCode(200).body(not(containsString(PASSWORD)));
        given().get("/q/metrics").then().body(not(containsString(PASSWORD)));

        client.list(firstPage());

        assertThat(readiness.credentialsRejected()).isFalse();
    }

    @Test
    void sendsEveryFilterAndBasicAuthOnEveryPage() {
        String conversation = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";
        String configuration = "intelligence_configuration_01kermhm82e5mr98nbeh1hpmbn";
        String operator = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b";
        wireMock.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("pageToken", absent()).willReturn(aResponse()
                .withStatus(200).withBody("{\"items\":[" + ITEM + "],\"meta\":{\"key\":\"items\",\"pageSize\":1,"
                        + "\"nextToken\":\"tok-2\"}}")));
        wireMock.stubFor(get(urlPathEqualTo(PATH)).withQueryParam("pageToken", equalTo("tok-2"))
                .willReturn(aResponse().withStatus(200).withBody("{\"items\":[],\"meta\":{\"key\":\"items\","
                        + "\"pageSize\":0,\"previousToken\":\"tok-1\"}}")));
        TwilioClient client = client(config);
        ListQuery query = new ListQuery(Optional.of(conversation), Optional.of(configuration), Optional.of(operator),
                1000, Optional.empty());

        ResultPage first = client.list(query);
        ResultPage second = client.list(query.withPageToken(first.nextToken()));

        assertThat(first.nextToken()).contains("tok-2");
        assertThat(second.items()).isEmpty();
        assertThat(second.nextToken()).isEmpty();
        assertThat(second.previousToken()).contains("tok-1");
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("SK0123:" + PASSWORD).getBytes());
        wireMock.verify(2, getRequestedFor(urlPathEqualTo(PATH))
                .withQueryParam("conversationId", equalTo(conversation))
                .withQueryParam("intelligenceConfigurationId", equalTo(configuration))
                .withQueryParam("operatorId", equalTo(operator))
                .withQueryParam("pageSize", equalTo("1000"))
                .withHeader("Authorization", equalTo(basic)));
    }

    @Test
    void fetchesAndDeletesOneResult() {
        wireMock.stubFor(get(urlPathEqualTo(PATH + "/" + ID)).willReturn(aResponse().withStatus(200)
                .withBody("  " + ITEM + "\n")));
        wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathEqualTo(PATH + "/" + ID))
                .willReturn(aResponse().withStatus(204)));
        TwilioClient client = client(config);
        double fetchesBefore = count(TwilioMetrics.REQUESTS, "endpoint", "fetch", "status", "200");
        double deletesBefore = count(TwilioMetrics.REQUESTS, "endpoint", "delete", "status", "204");
        long timedFetchesBefore = timed(TwilioMetrics.DURATION, "endpoint", "fetch");
        long timedDeletesBefore = timed(TwilioMetrics.DURATION, "endpoint", "delete");

        RawResult result = client.fetch(ID);
        client.delete(ID);

        assertThat(result.jsonText()).isEqualTo(ITEM);
        assertThat(count(TwilioMetrics.REQUESTS, "endpoint", "fetch", "status", "200") - fetchesBefore).isEqualTo(1);
        assertThat(count(TwilioMetrics.REQUESTS, "endpoint", "delete", "status", "204") - deletesBefore).isEqualTo(1);
        assertThat(timed(TwilioMetrics.DURATION, "endpoint", "fetch") - timedFetchesBefore).isEqualTo(1);
        assertThat(timed(TwilioMetrics.DURATION, "endpoint", "delete") - timedDeletesBefore).isEqualTo(1);
    }
}
