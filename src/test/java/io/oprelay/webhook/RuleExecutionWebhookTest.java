package io.oprelay.webhook;

import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.poller.PollerConfig;
import io.oprelay.poller.PollerService;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Meters;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RuleExecutionWebhooks;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static io.oprelay.support.Api.given;
import static io.oprelay.support.RuleExecutionWebhooks.body;
import static io.oprelay.support.RuleExecutionWebhooks.pathFor;
import static io.oprelay.support.RuleExecutionWebhooks.post;
import static io.oprelay.support.RuleExecutionWebhooks.postSigned;
import static io.oprelay.support.RuleExecutionWebhooks.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Rule Execution webhooks against the real broker and the in-app simulator. While a test needs the webhook to come
 * first, it switches the simulator's API off so the poller cannot see the results yet, and on again afterwards.
 */
@QuarkusTest
class RuleExecutionWebhookTest {

    @Inject
    Simulator simulator;
    @Inject
    TopicsConfig topics;
    @Inject
    PollerService poller;
    @Inject
    PollerConfig pollerConfig;
    @Inject
    KafkaClients clients;
    @Inject
    MeterRegistry registry;

    @BeforeEach
    void defaultFeedRunsHere() {
        RuleExecutionWebhooks.awaitDefaultFeedRunsHere(poller);
    }

    @AfterEach
    void simulatorServes() {
        simulator.setEnabled(true);
    }

    private List<ConsumerRecord<String, byte[]>> eventsOf(Collection<String> ids) {
        List<String> resultTopics = Arrays.stream(OutputFormat.values()).map(topics::forFormat).toList();
        return CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), resultTopics).stream()
                .filter(r -> ids.contains(EventContract.header(r, "ce_id")))
                .filter(r -> EventContract.header(r, "ce_type").endsWith(".v1")
                        && !EventContract.header(r, "ce_type").endsWith(".deleted.v1"))
                .toList();
    }

    private static List<String> idsOf(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> EventContract.header(r, "ce_id")).toList();
    }

    @Test
    void signedWebhookPublishesItsResultsAndThePollerAddsOnlyTheOneWhoseWebhookNeverCame() {
        simulator.setEnabled(false);
        List<String> ids = simulator.add(3);
        List<String> pushed = ids.subList(0, 2);

        postSigned(body(simulator, pushed)).then().statusCode(200)
                .body("published", equalTo(2)).body("alreadyPublished", equalTo(0));
        List<ConsumerRecord<String, byte[]>> early = eventsOf(ids);
        assertThat(idsOf(early)).containsExactlyInAnyOrderElementsOf(pushed);
        early.forEach(record -> EventContract.assertValidResultEvent(record, "webhook"));

        simulator.setEnabled(true);
        given().post("/api/feeds/default/sweep").then().statusCode(202);
        await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> idsOf(eventsOf(ids)).contains(ids.get(2)));
        List<ConsumerRecord<String, byte[]>> all = eventsOf(ids);
        assertThat(idsOf(all)).as("each result once, read_committed").containsExactlyInAnyOrderElementsOf(ids);
        all.stream().filter(r -> EventContract.header(r, "ce_id").equals(ids.get(2)))
                .forEach(record -> EventContract.assertValidResultEvent(record, "poll"));
    }

    @Test
    void resultsThePollerPublishedFirstAreAnsweredAlreadyPublishedAndNotRepublished() {
        List<String> ids = simulator.add(2);
        given().post("/api/feeds/default/sweep");
        await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> idsOf(eventsOf(ids)).containsAll(ids));

        postSigned(body(simulator, ids)).then().statusCode(200)
                .body("published", equalTo(0)).body("alreadyPublished", equalTo(2));
        postSigned(body(simulator, ids)).then().statusCode(200).body("alreadyPublished", equalTo(2));

        List<ConsumerRecord<String, byte[]>> all = eventsOf(ids);
        assertThat(idsOf(all)).containsExactlyInAnyOrderElementsOf(ids);
        all.forEach(record -> EventContract.assertValidResultEvent(record, "poll"));
    }

    @Test
    void aRetriedWebhookIsAnsweredAlreadyPublished() {
        simulator.setEnabled(false);
        List<String> ids = simulator.add(2);
        byte[] body = body(simulator, ids);
        postSigned(body).then().statusCode(200).body("published", equalTo(2));
        postSigned(body).then().statusCode(200).body("published", equalTo(0)).body("alreadyPublished", equalTo(2));
        assertThat(idsOf(eventsOf(ids))).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void forgedTamperedUnsignedAndReplayedWebhooksAreRejectedAndPublishNothing() {
        simulator.setEnabled(false);
        List<String> ids = simulator.add(2);
        byte[] body = body(simulator, ids);
        String pathAndQuery = pathFor(body);
        String ownUrl = RestAssured.baseURI + ":" + RestAssured.port + pathAndQuery;
        double rejectedBefore = webhookRequests("rejected");

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replaceFirst("\"id\"", " \"id\"")
                .getBytes(StandardCharsets.UTF_8);
        post(pathAndQuery, tampered, sign(ownUrl)).then().statusCode(403)
                .contentType("application/problem+json").body(not(containsString("bodySHA256=")));
        String tamperedPath = pathFor(tampered);
        post(tamperedPath, tampered, sign(ownUrl)).then().statusCode(403);
        post(pathAndQuery, body, sign(ownUrl + "&x=1")).then().statusCode(403);
        post(pathAndQuery, body, "bm90IGEgc2lnbmF0dXJl").then().statusCode(403);
        post(pathAndQuery, body, null).then().statusCode(403).contentType("application/problem+json");
        post(pathAndQuery, body, sign("https://relay.example.com" + pathAndQuery)).then().statusCode(403)
                .body("detail", not(containsString(sign(ownUrl))));
        post(RuleExecutionWebhooks.PATH, body, sign(RestAssured.baseURI + ":" + RestAssured.port
                + RuleExecutionWebhooks.PATH)).then().statusCode(403);

        assertThat(eventsOf(ids)).as("nothing published by rejected webhooks").isEmpty();
        assertThat(webhookRequests("rejected") - rejectedBefore).as("each of the seven counted rejected")
                .isEqualTo(7.0);
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relay_webhook_requests_total{outcome=\"rejected\"}"));
        ids.forEach(simulator::delete);
    }

    @Test
    void oversizedBodiesAreAnswered413AndMalformedOnes400() {
        byte[] big = new byte[1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        postSigned(big).then().statusCode(413).contentType("application/problem+json");

        postSigned("not json".getBytes(StandardCharsets.UTF_8)).then().statusCode(400)
                .contentType("application/problem+json");
        postSigned("{\"accountId\":\"ACtest\"}".getBytes(StandardCharsets.UTF_8)).then().statusCode(400)
                .body("detail", containsString("operatorResults"));
        postSigned("{\"operatorResults\":[{\"outputFormat\":\"TEXT\"}]}".getBytes(StandardCharsets.UTF_8))
                .then().statusCode(400).body("detail", containsString("no id"));
    }

    @Test
    void aTransactionThatFailsIsAnswered503WithRetryAfterAndTheRetryPublishes() {
        simulator.setEnabled(false);
        List<String> ids = simulator.add(2);
        byte[] body = body(simulator, ids);
        try (FeedPublisher intruder = new FeedPublisher("default", clients, topics,
                pollerConfig.transactionalIdPrefix(), pollerConfig.lookback(), pollerConfig.maxCheckpointSegments())) {
            intruder.open();
            postSigned(body).then().statusCode(503).header("Retry-After", equalTo("5"))
                    .contentType("application/problem+json");
        }
        assertThat(eventsOf(ids)).as("nothing published by the failed transaction").isEmpty();

        defaultFeedRunsHere();
        await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> postSigned(body).statusCode() == 200);
        List<ConsumerRecord<String, byte[]>> all = eventsOf(ids);
        assertThat(idsOf(all)).containsExactlyInAnyOrderElementsOf(ids);
        all.forEach(record -> EventContract.assertValidResultEvent(record, "webhook"));
    }

    @Test
    void webhooksNeedNoAdminApiKey() {
        postSigned("{\"operatorResults\":[]}".getBytes(StandardCharsets.UTF_8)).then().statusCode(200)
                .body("published", equalTo(0)).body("alreadyPublished", equalTo(0));
    }

    @Test
    void publishedResultsCountsTheWebhookPath() {
        simulator.setEnabled(false);
        List<String> ids = simulator.add(1);
        double before = publishedByWebhook();
        postSigned(body(simulator, ids)).then().statusCode(200).body("published", equalTo(1));
        assertThat(publishedByWebhook() - before).as("the one result counted on the webhook path").isEqualTo(1.0);
        RestAssured.given().get("/q/metrics").then()
                .body(containsString("relay_results_published_total{"))
                .body(containsString("path=\"webhook\""));
        assertThat(idsOf(eventsOf(ids))).containsExactlyElementsOf(ids);
    }

    @Test
    void anUnsignedWebhookIsRefused403BeforeItsBodyIsSent() throws Exception {
        String zeros = "0".repeat(64);
        String pathAndQuery = RuleExecutionWebhooks.PATH + "?bodySHA256=" + zeros;
        long declared = 1_000_000;
        Map<String, Map<String, String>> cases = Map.of(
                "a wrong signature", Map.of("Content-Type", "application/json", "X-Twilio-Signature",
                        sign("http://elsewhere.example.com" + pathAndQuery)),
                "no signature", Map.of("Content-Type", "application/json"));
        for (var forged : cases.entrySet()) {
            RawHttp.Answer answer = RawHttp.postPartially("localhost", RestAssured.port, pathAndQuery,
                    forged.getValue(), declared, 4096, Duration.ofSeconds(10));
            assertThat(answer.status()).as(forged.getKey()).isEqualTo(403);
            assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        }
        String ownUrlWithoutHash = RestAssured.baseURI + ":" + RestAssured.port + RuleExecutionWebhooks.PATH;
        RawHttp.Answer noHash = RawHttp.postPartially("localhost", RestAssured.port, RuleExecutionWebhooks.PATH,
                Map.of("X-Twilio-Signature", sign(ownUrlWithoutHash)), declared, 4096, Duration.ofSeconds(10));
        assertThat(noHash.status()).as("signed, but without bodySHA256 to bind the body").isEqualTo(403);
    }

    @Test
    void forwardedHeadersDoNotChooseTheVerifiedUrlWithoutProxyConfiguration() throws Exception {
        simulator.setEnabled(false);
        List<String> ids = simulator.add(1);
        byte[] body = body(simulator, ids);
        String pathAndQuery = pathFor(body);
        RawHttp.Answer answer = RawHttp.post("localhost", RestAssured.port, pathAndQuery, Map.of(
                "Content-Type", "application/json",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "relay.example.com",
                "X-Twilio-Signature", sign("https://relay.example.com" + pathAndQuery)), body);
        assertThat(answer.status()).isEqualTo(403);
        assertThat(eventsOf(ids)).isEmpty();
        ids.forEach(simulator::delete);
    }

    private double webhookRequests(String outcome) {
        return Meters.count(registry, "relay.webhook.requests", "outcome", outcome);
    }

    private double publishedByWebhook() {
        return Meters.count(registry, "relay.results.published", "path", "webhook", "feed", "default");
    }
}
