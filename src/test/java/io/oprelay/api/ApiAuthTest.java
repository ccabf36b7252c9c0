package io.oprelay.api;

import io.oprelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import static io.oprelay.support.RuleExecutionWebhooks.PATH;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin API requires its key; everything outside {@code /api} does not. */
@QuarkusTest
class ApiAuthTest {

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

    /** Spellings of an /api path that a router may decode or normalise: none reaches a resource without the key. */
    @ParameterizedTest
    @ValueSource(strings = {"/%61pi/feeds", "/%61%70%69/feeds", "/ap%69/feeds", "//api/feeds", "/./api/feeds",
            "/x/../api/feeds", "/api/./feeds", "/api/%2e/feeds", "/%2e/api/feeds", "/api;x=1/feeds",
            "/api/feeds/%64efault", "/%41pi/feeds"})
    void encodedOrDotSegmentSpellingsOfApiPathsStillNeedTheKey(String path) throws IOException {
        String answer = rawGet(path);
        assertThat(answer).as("GET %s", path).doesNotStartWith("HTTP/1.1 200").doesNotContain("\"feed\"");
    }

    /** Sends the request line exactly as given: HTTP client libraries would normalise it first. */
    private String rawGet(String path) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
