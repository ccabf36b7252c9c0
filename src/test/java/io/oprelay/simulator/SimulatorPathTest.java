package io.oprelay.simulator;

import io.oprelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/** The simulator under the configured path as well (the test profile sets {@code /stand-in/twilio}). */
@QuarkusTest
class SimulatorPathTest extends SimulatorFixture {

    private static final String BASE = "/stand-in/twilio";

    @Test
    void listFetchDeleteAndAdminAnswerUnderTheConfiguredPath() {
        List<String> ids = simulator.add(7);
        String id = ids.get(3);

        twilio().queryParam("pageSize", 5)
                .get(BASE + "/v3/OperatorResults").then().statusCode(200)
                .body("items.size()", equalTo(5)).body("meta.pageSize", equalTo(5));
        twilio().get(BASE + "/v3/OperatorResults/" + id)
                .then().statusCode(200).body("id", equalTo(id));
        twilio().delete(BASE + "/v3/OperatorResults/" + id)
                .then().statusCode(204);
        twilio().get("/simulator/v3/OperatorResults/" + id)
                .then().statusCode(404).body("code", equalTo(20404));
        twilio().queryParam("pageSize", 0)
                .get(BASE + "/v3/OperatorResults").then().statusCode(400).body("code", equalTo(20001));
        given().get(BASE + "/admin/status").then().statusCode(401);
        Api.given().get(BASE + "/admin/status").then().statusCode(200);
        assertThat(simulator.count()).isEqualTo(6);
    }

    @Test
    void aPathThatIsNoPathOrShadowsTheAppIsRefusedNamingTheProperty() {
        assertThat(SimulatorPath.validated("/twilio")).isEqualTo("/twilio");
        for (String bad : new String[] {"twilio", "/twilio/", "/", "/api", "/q/sim", "/a b"}) {
            assertThatThrownBy(() -> SimulatorPath.validated(bad)).as(bad)
                    .hasMessageContaining("relay.simulator.path");
        }
    }
}
