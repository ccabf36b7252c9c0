package io.oprelay.api;

import io.oprelay.events.TopicsConfig;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Fetching and deleting results through the relay, against the in-app simulator and the real broker. */
@QuarkusTest
class OperatorResultsResourceTest {

    private static final String UNKNOWN = "intelligence_operatorresult_01aaaaaaaaaaaaaaaaaaaaaaaa";

    @Inject
    Simulator simulator;
    @Inject
    TopicsConfig topics;

    @Test
    void fetchAnswersTheResultAsTwilioSentIt() {
        String id = simulator.add(1).get(0);
        byte[] body = given().get("/api/operator-results/" + id).then().statusCode(200)
                .contentType("application/json").extract().asByteArray();
        assertThat(body).isEqualTo(simulator.find(id).orElseThrow().json());
    }

    @Test
    void aMalformedIdIsAnswered400SayingTheExpectedShape() {
        given().get("/api/operator-results/not-an-id").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("intelligence_operatorresult_"));
        given().delete("/api/operator-results/intelligence_operatorresult_9zzzzzzzzzzzzzzzzzzzzzzzzz").then()
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anUnknownIdIsAnswered404() {
        given().get("/api/operator-results/" + UNKNOWN).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        given().delete("/api/operator-results/" + UNKNOWN).then().statusCode(404);
    }

    @Test
    void deleteRemovesTheResultAtTwilioAndPublishesItsDeletionEvent() {
        for (OutputFormat format : Set.of(OutputFormat.TEXT, OutputFormat.CLASSIFICATION)) {
            String id = simulator.add(1, Set.of(format), null).get(0);
            byte[] json = simulator.find(id).orElseThrow().json();

            given().delete("/api/operator-results/" + id).then().statusCode(204);

            assertThat(simulator.find(id)).isEmpty();
            given().get("/api/operator-results/" + id).then().statusCode(404);
            String topic = topics.forFormat(format);
            await().atMost(Waits.seconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                List<ConsumerRecord<String, byte[]>> deletions = CommittedReader
                        .readAll(KafkaBrokerResource.bootstrapServers(), List.of(topic)).stream()
                        .filter(r -> EventContract.header(r, "ce_type").endsWith(".deleted.v1"))
                        .filter(r -> id.equals(EventContract.parse(r.value()).path("id").asText())).toList();
                assertThat(deletions).hasSize(1);
                ConsumerRecord<String, byte[]> event = deletions.get(0);
                assertThat(EventContract.header(event, "ce_id"))
                        .as("a deletion event has its own id: CloudEvents wants source + id unique per event")
                        .isEqualTo(id + ":deleted");
                assertThat(EventContract.header(event, "ce_type"))
                        .isEqualTo("io.oprelay.operatorresult." + format.slug() + ".deleted.v1");
                assertThat(event.value()).isEqualTo(json);
                assertThat(event.key()).isEqualTo(EventContract.parse(json).path("conversationId").asText());
            });
        }
    }
}
