package io.oprelay.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void livenessIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessIsUpWhenKafkaAnswers() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Kafka"));
    }

    @Test
    void theReactiveMessagingChannelsCountForLivenessNotReadiness() {
        String live = given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .extract().asString();
        org.assertj.core.api.Assertions.assertThat(live).contains("agent-assist-hints").contains("dead-letters");
        String ready = given().get("/q/health/ready").then().statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(ready).doesNotContain("agent-assist-hints")
                .doesNotContain("dead-letters");
    }

    @Test
    void prometheusMetricsAreServed() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    }
}
