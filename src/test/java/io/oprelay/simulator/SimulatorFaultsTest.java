package io.oprelay.simulator;

import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.TwilioClient;
import io.oprelay.support.QuietApp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

@QuarkusTest
@TestProfile(QuietApp.class)
class SimulatorFaultsTest extends SimulatorFixture {

    private TwilioClient client;

    @BeforeEach
    void thirtyResults() {
        simulator.add(30);
        client = client();
    }

    private static ListQuery query() {
        return query(10);
    }

    private static void putFaults(String json) {
        given().contentType(ContentType.JSON).body(json).put("/simulator/admin/faults").then().statusCode(200);
    }

    @Test
    void faultsAreReadAndSetThroughTheAdminEndpoint() {
        putFaults("{\"rateLimitShare\":0.25,\"serverErrorShare\":0.1,\"retryAfterSeconds\":3,\"pageDelayMs\":0,"
                + "\"malformedPages\":2,\"pagesWithoutMeta\":0,\"repeatedTokenPages\":0,\"tokenTtlMs\":60000,"
                + "\"nullProfileIds\":true}");

        given().get("/simulator/admin/faults").then().statusCode(200)
                .body("rateLimitShare", equalTo(0.25f)).body("malformedPages", equalTo(2))
                .body("tokenTtlMs", equalTo(60000)).body("nullProfileIds", equalTo(true));
        assertThat(simulator.faults().retryAfterSeconds()).isEqualTo(3);
        given().contentType(ContentType.JSON).body("{\"rateLimitShare\":2}").put("/simulator/admin/faults")
                .then().statusCode(400).body("code", equalTo(20001));
    }

    @Test
    void faultSettingsThatDoNotReadAreRefusedNamingTheFieldAndChangeNothing() {
        simulator.setFaults(FaultSettings.none().withNullProfileIds(true));

        for (String[] bad : new String[][] {{"{\"nullProfileIds\":\"sometimes\"}", "nullProfileIds"},
            {"{\"nullProfileId\":true}", "nullProfileId"}, {"{\"malformedPages\":[]}", "malformedPages"},
            {"[1,2]", "not a JSON object"}, {"{\"pageDelayMs\":", "not a JSON object"}}) {
            given().contentType(ContentType.JSON).body(bad[0]).put("/simulator/admin/faults").then().statusCode(400)
                    .body("code", equalTo(20001)).body("params.parameter", equalTo("body"))
                    .body("message", containsString(bad[1]));
        }
        assertThat(simulator.faults()).isEqualTo(FaultSettings.none().withNullProfileIds(true));
    }

    @Test
    void nullProfileIdsAreAFaultOfNewResultsThatTheClientStillReads() {
        putFaults("{\"retryAfterSeconds\":1,\"nullProfileIds\":true}");
        List<String> quirky = simulator.add(20);

        ResultPage page = client.list(query(50));

        assertThat(page.items()).hasSize(50);
        for (RawResult item : page.items()) {
            boolean madeWithTheFault = quirky.contains(item.id());
            assertThat(item.jsonText().contains("\"profileId\":null")).as(item.id()).isEqualTo(madeWithTheFault);
            assertThat(item.json()).isEqualTo(simulator.find(item.id()).orElseThrow().json());
            assertThat(item.view().executionDetails().participants()).allSatisfy(participant ->
                    assertThat(participant.id()).startsWith("conv_participant_"));
            assertThat(item.view().format()).isNotEqualTo(OutputFormat.OTHER);
        }
        RawResult fetched = client.fetch(quirky.get(0));
        assertThat(fetched.view().executionDetails().participants())
                .anySatisfy(participant -> assertThat(participant.profileId()).isNull());
        assertThat(fetched.jsonText()).contains("\"profileId\":null");
        simulator.resetFaults();
        assertThat(simulator.find(simulator.add(1).get(0)).orElseThrow().json())
                .asString(StandardCharsets.UTF_8).doesNotContain("\"profileId\":null");
    }

    @Test
    void addsResultsThroughTheAdminEndpoint() {
        given().queryParam("count", 5).queryParam("format", "TEXT").post("/simulator/admin/results")
                .then().statusCode(200).body("added", equalTo(5)).body("total", equalTo(35));
        given().queryParam("count", 0).post("/simulator/admin/results").then().statusCode(400);
        given().get("/simulator/admin/status").then().statusCode(200).body("results", equalTo(35));
    }

    @Test
    void rateLimitedCallsCarryRetryHeaders() {
        simulator.setFaults(new FaultSettings(1, 0, 2, 0, 0, 0, 0, null));

        twilio().get(LIST).then().statusCode(429).header("Retry-After", "2").header("X-RateLimit-Reset", "2")
                .header("X-RateLimit-Remaining", "0").header("X-RateLimit-Limit", "100")
                .body("code", equalTo(20429)).body("httpStatusCode", equalTo(429));
        simulator.setFaults(new FaultSettings(1, 0, 1, 0, 0, 0, 0, null));
        TwilioClient impatient = client(config -> config.withRetry(2, java.time.Duration.ofSeconds(5)));
        assertThatThrownBy(() -> impatient.list(query()))
                .isInstanceOfSatisfying(io.oprelay.twilio.TwilioApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).hasValueSatisfying(wait -> assertThat(wait)
                            .isBetween(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(1200)));
                });
    }

    @Test
    void serverErrorsAreRetriedByTheClient() {
        simulator.setFaults(new FaultSettings(0, 1, 1, 0, 0, 0, 0, null));
        twilio().get(LIST).then().statusCode(500).body("code", equalTo(20500)).body("userError", equalTo(false));

        // The app's own poller draws from the same fault dice, so give the client enough attempts that half the
        // calls failing cannot exhaust them by chance (0.5^12 per call).
        TwilioClient patient = client(config -> config.withRetry(12, java.time.Duration.ofSeconds(5)));
        simulator.setFaults(new FaultSettings(0, 0.5, 1, 0, 0, 0, 0, null));
        for (int i = 0; i < 5; i++) {
            assertThat(patient.list(query()).items()).hasSize(10);
        }
    }

    @Test
    void malformedPagesAreBrokenJsonAndCountDown() {
        simulator.setFaults(new FaultSettings(0, 0, 1, 0, 1, 0, 0, null));

        String body = twilio().get(LIST).then().statusCode(200).extract().asString();

        assertThat(body).startsWith("{\"items\":[").doesNotEndWith("}");
        assertThat(simulator.faults().malformedPages()).isZero();
        simulator.setFaults(new FaultSettings(0, 0, 1, 0, 1, 0, 0, null));
        assertThat(client.list(query()).items()).hasSize(10);
    }

    @Test
    void pagesWithoutMetaAreServed() {
        simulator.setFaults(new FaultSettings(0, 0, 1, 0, 0, 1, 0, null));

        ResultPage page = client.list(query());
        ResultPage next = client.list(query());

        assertThat(page.metaPresent()).isFalse();
        assertThat(page.items()).hasSize(10);
        assertThat(next.metaPresent()).isTrue();
    }

    @Test
    void repeatedTokenPagesAnswerTheTokenJustUsed() {
        ResultPage first = client.list(query());
        simulator.setFaults(new FaultSettings(0, 0, 1, 0, 0, 0, 1, null));

        ResultPage second = client.list(query().withPageToken(first.nextToken()));

        assertThat(second.nextToken()).isEqualTo(first.nextToken());
    }

    @Test
    void slowPagesTakeTheirDelay() {
        simulator.setFaults(new FaultSettings(0, 0, 1, 300, 0, 0, 0, null));

        twilio().get(LIST).then().statusCode(200).time(greaterThanOrEqualTo(290L));
    }
}
