package io.oprelay.localkafka;

import io.oprelay.support.Api;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RelayTestProfiles;
import io.oprelay.support.TestHttpPort;
import io.oprelay.support.Waits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The local configuration: no broker supplied from outside, so the app embeds its own KRaft broker.
 * Proves the app becomes ready on it and that a record round-trips through it.
 */
@QuarkusTest
@TestProfile(LocalRunTest.LocalRun.class)
class LocalRunTest {

    static final int PORT = RelayTestProfiles.freePortPair();

    @TestHTTPResource("/")
    URL root;

    public static class LocalRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                // As the dev profile runs: the embedded broker, the simulator with a start backlog and new results
                // every second, the default poll interval.
                return Map.of(
                        "relay.local-kafka.included", "true",
                        "relay.local-kafka.port", String.valueOf(PORT),
                        "relay.local-kafka.data-dir", Files.createTempDirectory("local-kafka").toString(),
                        "kafka.bootstrap.servers", "localhost:" + PORT,
                        "relay.simulator.backlog", "500",
                        "relay.simulator.rate", "2",
                        "relay.poller.interval", "5S",
                        "relay.api.auth-enabled", "false",
                        // no global test resources here, so the port the simulator is reached on is set here too
                        "quarkus.http.test-port", String.valueOf(TestHttpPort.port()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void becomesReadyOnTheEmbeddedBroker() {
        await().atMost(Waits.seconds(60)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body(containsString("UP")));
    }

    @Test
    void resultsFlowIntoAllFourTopicsWithinThirtySeconds() {
        List<String> topics = List.of("intelligence.operator-results.classification",
                "intelligence.operator-results.json", "intelligence.operator-results.text",
                "intelligence.operator-results.extraction");
        await().atMost(Waits.seconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var records = CommittedReader.readAll("localhost:" + PORT, topics);
            assertThat(records.stream().map(r -> r.topic()).distinct()).containsExactlyInAnyOrderElementsOf(topics);
            Api.given().get("/api/feeds/default").then().statusCode(200)
                    .body("publishedByFormat.classification", greaterThan(0))
                    .body("publishedByFormat.json", greaterThan(0))
                    .body("publishedByFormat.text", greaterThan(0))
                    .body("publishedByFormat.extraction", greaterThan(0));
        });
    }

    /** The local run has no key: every caller is given the admin identity, which the resources' roles accept. */
    @Test
    void withAuthDisabledTheApiAndTheSimulatorAdminAnswerWithoutAKey() throws Exception {
        given().get("/api/feeds").then().statusCode(200);
        given().get("/simulator/admin/status").then().statusCode(200);
        given().contentType("application/json").body("{\"scope\":\"all\"}").post("/api/agent-assist/tokens").then()
                .statusCode(200);
        given().get("/api/no-such-thing").then().statusCode(404);
        // The target form is checked all the same.
        assertThat(RawHttp.send(root.getHost(), root.getPort(), "GET", "HTTP://x/api/feeds",
                Map.of()).status()).isEqualTo(400);
    }

    @Test
    void recordRoundTripsThroughTheEmbeddedBroker() {
        String topic = "local-roundtrip-" + UUID.randomUUID();
        String bootstrap = "localhost:" + PORT;
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "conv-1", "hello")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Waits.seconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return !seen.isEmpty();
            });
        }
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("conv-1");
            assertThat(r.value()).isEqualTo("hello");
        });
    }
}
