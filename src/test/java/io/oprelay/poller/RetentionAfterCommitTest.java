package io.oprelay.poller;

import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.events.ResultEvents;
import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.publisher.FencedException;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.retention.RetentionConfig;
import io.oprelay.retention.RetentionWorker;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Waits;
import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.Ttid;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Retention deletes a result at Twilio only after the transaction holding its event committed: the worker with the
 * real Twilio client against the simulator, and a feed loop on the real broker whose writer gets fenced mid-way.
 */
@QuarkusTest
class RetentionAfterCommitTest {

    @Inject
    Simulator simulator;
    @Inject
    OperatorResultsApi api;
    @Inject
    RetentionConfig retentionConfig;
    @Inject
    MeterRegistry registry;
    @Inject
    KafkaClients clients;
    @Inject
    TopicsConfig topics;
    @Inject
    ResultEvents events;
    @Inject
    PollerConfig pollerConfig;
    @Inject
    PollerMetrics metrics;

    private RetentionWorker enabledWorker() {
        RetentionWorker worker = new RetentionWorker(api, retentionConfig, registry);
        worker.setEnabled(true);
        return worker;
    }

    @Test
    void theWorkerDeletesHandedIdsAndCountsAnAlreadyMissingOneAsDone() {
        RetentionWorker worker = enabledWorker();
        try {
            List<String> ids = new ArrayList<>(simulator.add(3));
            String missing = "intelligence_operatorresult_01aaaaaaaaaaaaaaaaaaaaaaab";
            double goneBefore = count("gone");
            worker.afterCommit(List.of(ids.get(0), missing, ids.get(1), ids.get(2)));
            await().atMost(Waits.seconds(20))
                    .until(() -> ids.stream().allMatch(id -> simulator.find(id).isEmpty()) && worker.queued() == 0);
            await().atMost(Waits.seconds(5)).until(() -> count("gone") >= goneBefore + 1);
        } finally {
            worker.stop();
        }
    }

    @Test
    void nothingIsHandedOverWhileRetentionIsOff() {
        RetentionWorker worker = new RetentionWorker(api, retentionConfig, registry);
        try {
            List<String> ids = simulator.add(2);
            worker.afterCommit(ids);
            assertThat(worker.queued()).isZero();
            assertThat(ids).allMatch(id -> simulator.find(id).isPresent());
        } finally {
            worker.stop();
        }
    }

    @Test
    void onlyIdsOfACommittedTransactionAreDeletedNeverThoseOfAFailedOne() throws Exception {
        Ttid.Generator conversations = new Ttid.Generator(new Random());
        String quietConversation = conversations.next("conv_conversation", System.currentTimeMillis());
        String conversation = conversations.next("conv_conversation", System.currentTimeMillis());
        Feed feed = new Feed("retention-" + UUID.randomUUID().toString().substring(0, 8), new ListQuery(
                Optional.of(quietConversation), Optional.empty(), Optional.empty(), 100, Optional.empty()));
        RetentionWorker worker = enabledWorker();
        FeedRunner runner = new FeedRunner(feed, api, publisher(feed), events, pollerConfig, metrics,
                new FeedStatus(feed.name()), worker);
        Thread thread = new Thread(runner, "test-feed-" + feed.name());
        thread.start();
        FeedPublisher intruder = publisher(feed);
        try {
            List<RawResult> committed = fetch(simulator.add(2, Set.of(), conversation));
            PushOutcome outcome = runner.push(committed, Integer.MAX_VALUE).get(30, TimeUnit.SECONDS);
            assertThat(outcome.published()).isEqualTo(2);
            List<String> committedIds = committed.stream().map(RawResult::id).toList();
            List<String> onTopics = CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(),
                            Arrays.stream(OutputFormat.values()).map(topics::forFormat).toList()).stream()
                    .map(r -> EventContract.header(r, "ce_id")).filter(committedIds::contains).toList();
            assertThat(onTopics).containsAll(committedIds);
            await().atMost(Waits.seconds(20))
                    .until(() -> committedIds.stream().allMatch(id -> simulator.find(id).isEmpty()));

            intruder.open();
            List<RawResult> failed = fetch(simulator.add(2, Set.of(), conversation));
            CompletableFuture<PushOutcome> aborted = runner.push(failed, Integer.MAX_VALUE);
            assertThatThrownBy(() -> aborted.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfAny(FencedException.class, PublishFailedException.class);
            await().during(Duration.ofSeconds(3)).atMost(Waits.seconds(5)).until(() -> failed.stream()
                    .allMatch(result -> simulator.find(result.id()).isPresent()) && worker.queued() == 0);
        } finally {
            runner.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            intruder.close();
            worker.stop();
        }
    }

    private FeedPublisher publisher(Feed feed) {
        return new FeedPublisher(feed.name(), clients, topics, pollerConfig.transactionalIdPrefix(),
                pollerConfig.lookback(), pollerConfig.maxCheckpointSegments());
    }

    private List<RawResult> fetch(List<String> ids) {
        return ids.stream().map(api::fetch).toList();
    }

    private double count(String outcome) {
        var counter = registry.find("relay.retention.deletes").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
