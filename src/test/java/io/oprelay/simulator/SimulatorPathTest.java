package io.oprelay.simulator;

import io.oprelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/** The simulator under the configured path as well (the test profile sets {@code /stand-in/twilio}). */
@QuarkusTest
class SimulatorPathTest {

    private static final String BASE = "/stand-in/twilio";

    @Inject
    Simulator simulator;

    @BeforeEach
    void fresh() {
        simulator.setEnabled(true);
        simulator.clear();
        simulator.resetFaults();
    }

    @Test
    void listFetchDeleteAndAdminAnswerUnderTheConfiguredPath() {
        List<String> ids = simulator.add(7);
        String id = ids.get(3);

        given().auth().preemptive().basic("SKtest", "secret").queryParam("pageSize", 5)
                .get(BASE + "/v3/OperatorResults").then().statusCode(200)
                .body("items.size()", equalTo(5)).body("meta.pageSize", equalTo(5));
        given().auth().preemptive().basic("SKtest", "secret").get(BASE + "/v3/OperatorResults/" + id)
                .then().statusCode(200).body("id", equalTo(id));
        given().auth().preemptive().basic("SKtest", "secret").delete(BASE + "/v3/OperatorResults/" + id)
                .then().statusCode(204);
        given().auth().preemptive().basic("SKtest", "secret").get("/simulator/v3/OperatorResults/" + id)
                .then().statusCode(404).body("code", equalTo(20404));
        given().auth().preemptive().basic("SKtest", "secret").queryParam("pageSize", 0)
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
