package io.oprelay.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.events.TopicsConfig;
import io.oprelay.poller.FeedStatus;
import io.oprelay.poller.PollerService;
import io.oprelay.simulator.FaultSettings;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Meters;
import io.oprelay.support.TightLimits;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.oprelay.support.Api.given;
import static io.oprelay.support.RuleExecutionWebhooks.body;
import static io.oprelay.support.RuleExecutionWebhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The queue of webhook results waiting for the feed's loop is bounded, and a webhook that stopped waiting takes its
 * results out of it. The loop is held up by a slow page of the simulator (longer than the commit timeout, which
 * {@link TightLimits} sets to 1.5 s, with room for two queued results).
 */
@QuarkusTest
@TestProfile(TightLimits.class)
class WebhookQueueTest {

    private static final long SLOW_PAGE_MS = 4000;

    @Inject
    Simulator simulator;
    @Inject
    MeterRegistry registry;
    @Inject
    PollerService poller;
    @Inject
    TopicsConfig topics;

    @BeforeEach
    void defaultFeedIsIdle() {
        await().atMost(Waits.seconds(60)).until(() -> poller.runsHere("default")
                && poller.status("default").map(s -> s.state() == FeedStatus.State.IDLE).orElse(false));
    }

    @AfterEach
    void simulatorAnswersAtOnce() {
        simulator.resetFaults();
    }

    /** Starts a sweep whose first page takes {@link #SLOW_PAGE_MS}: the loop publishes no push meanwhile. */
    private void holdTheLoopInASlowPage() {
        simulator.setFaults(new FaultSettings(0, 0, 1, SLOW_PAGE_MS, 0, 0, 0, null));
        given().post("/api/feeds/default/sweep").then().statusCode(202);
        await().atMost(Waits.seconds(10)).until(() -> poller.status("default")
                .map(s -> s.state() == FeedStatus.State.SWEEPING).orElse(false));
    }

    private void sweepAgainAtFullSpeed() {
        await().atMost(Waits.seconds(30)).until(() -> poller.status("default")
                .map(s -> s.state() == FeedStatus.State.IDLE).orElse(false));
        simulator.resetFaults();
        given().post("/api/feeds/default/sweep").then().statusCode(202);
    }

    private List<ConsumerRecord<String, byte[]>> eventsOf(Collection<String> ids) {
        List<String> resultTopics = Arrays.stream(OutputFormat.values()).map(topics::forFormat).toList();
        return CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), resultTopics).stream()
                .filter(r -> ids.contains(EventContract.header(r, "ce_id")))
                .toList();
    }

    private void publishedOnceEachByThePoller(List<String> ids) {
        await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> eventsOf(ids).size() >= ids.size());
        List<ConsumerRecord<String, byte[]>> events = eventsOf(ids);
        assertThat(events.stream().map(r -> EventContract.header(r, "ce_id")).toList())
                .as("each result exactly once").containsExactlyInAnyOrderElementsOf(ids);
        events.forEach(record -> EventContract.assertValidResultEvent(record, "poll"));
    }

    @Test
    void aWebhookThatTimedOutIsNotPublishedLateAndThePollerPublishesItsResultsOnce() {
        holdTheLoopInASlowPage();
        List<String> ids = simulator.add(2);
        double abandonedBefore = Meters.count(registry, "relay.poller.push.abandoned", "feed", "default");

        Response answer = postSigned(body(simulator, ids));
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        assertThat(answer.contentType()).startsWith("application/problem+json");

        sweepAgainAtFullSpeed();
        publishedOnceEachByThePoller(ids);
        assertThat(Meters.count(registry, "relay.poller.push.abandoned", "feed", "default") - abandonedBefore)
                .as("the one webhook that timed out").isEqualTo(1.0);
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relay_poller_push_abandoned_total{feed=\"default\"}"));
    }

    @Test
    void aWebhookArrivingAtAFullQueueIsAnswered503WithRetryAfterAtOnce() {
        holdTheLoopInASlowPage();
        List<String> first = simulator.add(2);
        List<String> second = simulator.add(2);
        double queueFullBefore = Meters.count(registry, "relay.webhook.requests", "outcome", "queue_full");
        double refusedBefore = Meters.count(registry, "relay.poller.push.refused", "feed", "default");

        List<CompletableFuture<Response>> posts = new ArrayList<>();
        for (List<String> ids : List.of(first, second)) {
            byte[] body = body(simulator, ids);
            posts.add(CompletableFuture.supplyAsync(() -> postSigned(body)));
        }
        List<Response> answers = posts.stream().map(CompletableFuture::join).toList();
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.header("Retry-After")).isEqualTo("5");
        });
        assertThat(answers).as("one webhook found the queue full")
                .filteredOn(answer -> answer.asString().contains("too many webhook results")).hasSize(1);
        assertThat(Meters.count(registry, "relay.webhook.requests", "outcome", "queue_full") - queueFullBefore)
                .as("queue_full counted for the one webhook").isEqualTo(1.0);
        assertThat(Meters.count(registry, "relay.poller.push.refused", "feed", "default") - refusedBefore)
                .as("the one refused push").isEqualTo(1.0);
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relay_webhook_requests_total{outcome=\"queue_full\"}"))
                .body(containsString("relay_poller_push_refused_total{feed=\"default\"}"));

        sweepAgainAtFullSpeed();
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        publishedOnceEachByThePoller(all);
    }
}
