package io.oprelay.api;

import io.oprelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static io.oprelay.support.RuleExecutionWebhooks.PATH;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;

/** The admin API requires its key; everything outside {@code /api} does not. */
@QuarkusTest
class ApiAuthTest {

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
                .header("WWW-Authenticate", "Bearer");
        RestAssured.given().header("Authorization", "Bearer wrong-key").get("/api/feeds").then().statusCode(401);
        RestAssured.given().header("Authorization", "Basic " + Api.KEY).get("/api/feeds").then().statusCode(401);
        RestAssured.given().header("X-API-Key", Api.KEY + "x").post("/api/feeds/default/sweep").then()
                .statusCode(401);
    }

    @Test
    void unknownPathsUnderApiRevealNothingWithoutTheKey() {
        RestAssured.given().get("/api/no-such-thing").then().statusCode(401);
    }

    @Test
    void theRightKeyIsAcceptedAsBearerTokenOrApiKeyHeader() {
        RestAssured.given().header("Authorization", "Bearer " + Api.KEY).get("/api/feeds").then().statusCode(200);
        RestAssured.given().header("X-API-Key", Api.KEY).get("/api/feeds").then().statusCode(200);
    }

    @Test
    void healthMetricsSchemasAndWebhooksAreNotBehindTheKey() {
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        RestAssured.given().get("/q/metrics").then().statusCode(200);
        RestAssured.given().get("/schemas/io.oprelay.operatorresult.text.v1.json").then().statusCode(200);
        RestAssured.given().contentType("application/json").body("{\"operatorResults\":[]}").post(PATH).then()
                .statusCode(403);
    }
}
