package io.oprelay.poller;

import io.oprelay.events.TopicsConfig;
import io.oprelay.simulator.FaultSettings;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Waits;
import io.oprelay.twilio.SortOrder;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

/**
 * The poller and the exactly-once publisher end to end: the simulator served by this app over real HTTP, a real
 * broker, and a {@code read_committed} reader of the topics, as a subscriber would read them.
 */
@QuarkusTest
class PollerTest {

    @Inject
    Simulator simulator;
    @Inject
    TopicsConfig topics;

    @AfterEach
    void calm() {
        simulator.resetFaults();
        simulator.setSortOrder(SortOrder.NEWEST_FIRST);
    }

    private List<String> resultTopics() {
        return Arrays.stream(OutputFormat.values()).map(topics::forFormat).toList();
    }

    private List<ConsumerRecord<String, byte[]>> committed() {
        return CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), resultTopics());
    }

    /** Waits until every result of the simulator is on the topics, then checks none appears twice. */
    private List<ConsumerRecord<String, byte[]>> awaitEverySimulatorResultExactlyOnce(Duration within) {
        Set<String> expected = Set.copyOf(simulator.ids());
        given().post("/api/feeds/default/sweep");
        Map<String, Integer> counts = new HashMap<>();
        List<ConsumerRecord<String, byte[]>>[] last = new List[1];
        await().atMost(Waits.scaled(within)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            last[0] = committed();
            counts.clear();
            for (ConsumerRecord<String, byte[]> record : last[0]) {
                counts.merge(EventContract.header(record, "ce_id"), 1, Integer::sum);
            }
            assertThat(counts.keySet()).containsAll(expected);
        });
        Map<String, Integer> duplicates = counts.entrySet().stream()
                .filter(e -> expected.contains(e.getKey()) && e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(duplicates).as("results published more than once").isEmpty();
        return last[0];
    }

    @Test
    void aTenThousandResultBacklogLandsOnItsTopicsExactlyOnceWithTheContract() {
        List<String> added = simulator.add(10_000);
        List<ConsumerRecord<String, byte[]>> records = awaitEverySimulatorResultExactlyOnce(Duration.ofSeconds(120));
        Set<String> ours = Set.copyOf(added);
        List<ConsumerRecord<String, byte[]>> mine = records.stream()
                .filter(r -> ours.contains(EventContract.header(r, "ce_id"))).toList();
        assertThat(mine).hasSize(10_000);
        assertThat(mine.stream().map(ConsumerRecord::topic).distinct()).hasSize(4);
        for (int i = 0; i < mine.size(); i += 25) {
            EventContract.assertValidResultEvent(mine.get(i), "poll");
        }
        given().get("/api/feeds").then().statusCode(200)
                .body("feed", hasItem("default"))
                .body("find { it.feed == 'default' }.publishedByFormat.classification", greaterThan(0));
    }

    @Test
    void resultsCreatedLaterArriveWithTheNextSweep() {
        awaitEverySimulatorResultExactlyOnce(Duration.ofSeconds(120));
        List<String> fresh = simulator.add(25);
        given().post("/api/feeds/default/sweep").then().statusCode(202);
        await().atMost(Waits.seconds(12)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(committed().stream().map(r -> EventContract.header(r, "ce_id")))
                        .containsAll(fresh));
    }

    @Test
    void apiFaultsInBothSortOrdersNeverCauseADuplicateOrAGap() {
        for (SortOrder order : List.of(SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST)) {
            simulator.setSortOrder(order);
            simulator.add(3_000);
            simulator.setFaults(new FaultSettings(0.2, 0.1, 1, 0, 2, 1, 2, 1_500L));
            awaitEverySimulatorResultExactlyOnce(Duration.ofSeconds(180));
            simulator.resetFaults();
        }
        given().get("/api/feeds/default").then().statusCode(200).body("feed", equalTo("default"));
    }

    @Test
    void sweepOfAnUnknownFeedAnswersProblemJson() {
        given().post("/api/feeds/nope/sweep").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }
}
