package io.oprelay.api;

import io.oprelay.support.AdminPathSpellings;
import io.oprelay.support.Api;
import io.oprelay.support.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.Map;

import static io.oprelay.support.RuleExecutionWebhooks.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

/**
 * The admin API and the simulator's admin endpoints require an API key (any of the configured ones); a stream token
 * is no key; everything else is not behind the key; request targets not in origin form are refused before routing.
 */
@QuarkusTest
class ApiAuthTest {

    /** {@code %test.relay.api.keys}: keys accepted next to {@code relay.api.key}, as during a rotation. */
    static final List<String> MORE_KEYS = List.of("test-api-key-next", "test-api-key-other");

    @TestHTTPResource("/")
    URL root;

    @Test
    void aMissingKeyIsAnswered401WithoutDetail() {
        RestAssured.given().get("/api/feeds").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401))
                .body("$", not(hasKey("detail")))
                .body(not(containsString(Api.KEY)));
    }

    @Test
    void aWrongKeyIsAnswered401() {
        RestAssured.given().header("X-API-Key", "wrong-key").get("/api/feeds").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").contentType("application/problem+json")
                .body("$", not(hasKey("detail")));
        RestAssured.given().header("Authorization", "Bearer wrong-key").get("/api/feeds").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
        RestAssured.given().header("Authorization", "Basic " + Api.KEY).get("/api/feeds").then().statusCode(401);
        RestAssured.given().header("X-API-Key", Api.KEY + "x").post("/api/feeds/default/sweep").then()
                .statusCode(401);
        RestAssured.given().header("X-API-Key", Api.KEY.substring(1)).get("/api/feeds").then().statusCode(401);
        RestAssured.given().header("X-API-Key", "").get("/api/feeds").then().statusCode(401);
    }

    @Test
    void theKeyIsNeverAcceptedInTheQueryString() {
        RestAssured.given().queryParam("access_token", Api.KEY).get("/api/feeds").then().statusCode(401);
    }

    @Test
    void unknownPathsUnderApiAnswer404WithoutDetailWithOrWithoutTheKey() {
        for (var request : List.of(RestAssured.given(), Api.given())) {
            String body = request.get("/api/no-such-thing").then().statusCode(404).extract().asString();
            assertThat(body).doesNotContain("feeds", "operator-results", "routing", "agent-assist");
        }
    }

    @Test
    void theRightKeyIsAcceptedAsBearerTokenOrApiKeyHeader() {
        RestAssured.given().header("Authorization", "Bearer " + Api.KEY).get("/api/feeds").then().statusCode(200);
        RestAssured.given().header("authorization", "bearer " + Api.KEY).get("/api/feeds").then().statusCode(200);
        RestAssured.given().header("X-API-Key", Api.KEY).get("/api/feeds").then().statusCode(200);
    }

    @Test
    void everyConfiguredKeyIsAcceptedSoKeysCanBeRotated() {
        for (String key : MORE_KEYS) {
            RestAssured.given().header("Authorization", "Bearer " + key).get("/api/feeds").then().statusCode(200);
            RestAssured.given().header("X-API-Key", key).get("/api/routing/rules").then().statusCode(200);
        }
    }

    @Test
    void everyResourceUnderApiNeedsTheKey() {
        RestAssured.given().get("/api/feeds/default").then().statusCode(401);
        RestAssured.given().post("/api/feeds/default/sweep").then().statusCode(401);
        RestAssured.given().get("/api/operator-results/intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5")
                .then().statusCode(401);
        RestAssured.given().delete("/api/operator-results/intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5")
                .then().statusCode(401);
        RestAssured.given().get("/api/routing/rules").then().statusCode(401);
        RestAssured.given().contentType("application/json").body("{}").post("/api/routing/evaluate").then()
                .statusCode(401);
        RestAssured.given().contentType("application/json").body("{\"scope\":\"all\"}")
                .post("/api/agent-assist/tokens").then().statusCode(401);
        RestAssured.given().get("/api/dead-letters").then().statusCode(401);
        RestAssured.given().post("/api/dead-letters/0-0/replay").then().statusCode(401);
    }

    @Test
    void aStreamTokenIsNoKeyForTheApi() {
        String token = Api.given().contentType("application/json").body("{\"scope\":\"all\"}")
                .post("/api/agent-assist/tokens").then().statusCode(200).extract().path("token");
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/feeds").then().statusCode(403)
                .contentType("application/problem+json").body("$", not(hasKey("detail")));
        RestAssured.given().queryParam("access_token", token).get("/api/feeds").then().statusCode(403);
        RestAssured.given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"scope\":\"all\"}").post("/api/agent-assist/tokens").then().statusCode(403);
        RestAssured.given().header("X-API-Key", token).get("/api/feeds").then().statusCode(401);
    }

    @Test
    void theSimulatorAdminEndpointsNeedTheKey() {
        RestAssured.given().get("/simulator/admin/status").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").contentType("application/problem+json");
        RestAssured.given().delete("/simulator/admin/results").then().statusCode(401);
        RestAssured.given().contentType("application/json").body("{}").put("/simulator/admin/faults").then()
                .statusCode(401);
        Api.given().get("/simulator/admin/status").then().statusCode(200).body("enabled", equalTo(true));
    }

    @Test
    void healthMetricsSchemasAndWebhooksAreNotBehindTheKey() {
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        RestAssured.given().get("/q/metrics").then().statusCode(200);
        RestAssured.given().get("/schemas/io.oprelay.operatorresult.text.v1.json").then().statusCode(200);
        RestAssured.given().contentType("application/json").body("{\"operatorResults\":[]}").post(PATH).then()
                .statusCode(403);
        // A wrong key where none is needed is ignored, not answered 401.
        RestAssured.given().header("X-API-Key", "wrong").get("/q/health/live").then().statusCode(200);
    }

    static List<AdminPathSpellings.Spelling> spellings() {
        return AdminPathSpellings.of("feeds");
    }

    /**
     * Every spelling of an /api path is refused without the key: 400 when not in origin form; else 401 where the same
     * spelling with the key reaches the resource, and the very answer the key gets where it reaches none.
     */
    @ParameterizedTest
    @MethodSource("spellings")
    void noSpellingOfAnApiPathReachesAResourceWithoutTheKey(AdminPathSpellings.Spelling spelling)
            throws IOException {
        RawHttp.Answer answer = RawHttp.send(root.getHost(), root.getPort(), "GET", spelling.target(), Map.of());
        if (spelling.originForm()) {
            RawHttp.Answer withKey = RawHttp.send(root.getHost(), root.getPort(), "GET", spelling.target(),
                    Map.of("X-API-Key", Api.KEY));
            if (spelling.target().equals("/api/feeds")) {
                assertThat(withKey.status()).as("the canonical spelling with the key").isEqualTo(200);
            }
            int expected = withKey.status() == 200 ? 401 : withKey.status();
            assertThat(answer.status()).as("GET %s without the key (%d with it)", spelling.target(), withKey.status())
                    .isEqualTo(expected);
            assertThat(answer.header("Content-Type")).as("GET %s", spelling.target())
                    .startsWith("application/problem+json");
        } else {
            assertThat(answer.status()).as("GET %s", spelling.target()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(answer.body()).as("GET %s", spelling.target()).doesNotContain("\"feed\"");
    }

    /** The target form is checked before anything else, for every path, with or without a key. */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP://x/q/health/live", "http://localhost/schemas/io.oprelay.operatorresult.text.v1.json",
            "HTTPS://x/api/feeds", "x/api/feeds"})
    void aTargetNotInOriginFormIsAnswered400EvenWithTheKey(String target) throws IOException {
        RawHttp.Answer answer = RawHttp.send(root.getHost(), root.getPort(), "GET", target,
                Map.of("X-API-Key", Api.KEY));
        assertThat(answer.status()).as("GET %s", target).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain(target);
    }
}
