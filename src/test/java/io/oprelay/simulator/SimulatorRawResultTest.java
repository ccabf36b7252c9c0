package io.oprelay.simulator;

import io.oprelay.support.CarelessResults;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** {@code POST /simulator/admin/results/raw}: one result exactly as sent, or a clear problem and nothing stored. */
@QuarkusTest
class SimulatorRawResultTest extends SimulatorFixture {

    private static final String RAW = "/simulator/admin/results/raw";

    private String template() {
        String id = simulator.add(1, Set.of(io.oprelay.twilio.OutputFormat.JSON), null).get(0);
        return new String(simulator.find(id).orElseThrow().json(), StandardCharsets.UTF_8);
    }

    @Test
    void aResultIsServedByteForByteWithTheCreationTimeItWasGiven() {
        String json = CarelessResults.datedAt(template(), Instant.parse("2099-01-01T00:00:00Z"));
        String id = CarelessResults.idOf(json);

        given().contentType("application/json").body(json).post(RAW).then().statusCode(201)
                .body("firstId", equalTo(id));

        assertThat(simulator.find(id).orElseThrow().json()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        given().contentType("application/json").body(json).post(RAW).then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void addingARawResultNeedsTheApiKey() {
        String json = CarelessResults.datedAt(template(), Instant.now());
        int before = simulator.count();
        io.restassured.RestAssured.given().contentType("application/json").body(json).post(RAW).then().statusCode(401);
        assertThat(simulator.count()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotAServableResultIsAnswered400ProblemJsonAndNothingIsStored() {
        String good = CarelessResults.datedAt(template(), Instant.now());
        String noDate = good.replaceAll("\"dateCreated\":\"[^\"]*\",?", "");
        String badId = good.replaceFirst("intelligence_operatorresult_", "x_");
        int before = simulator.count();
        for (String body : new String[] {"{\"id\":", "[]", noDate, badId}) {
            given().contentType("application/json").body(body).post(RAW).then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("Not a result"));
        }
        assertThat(simulator.count()).isEqualTo(before);
    }
}
