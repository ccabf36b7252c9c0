package io.oprelay.poller;

import io.oprelay.bench.BenchmarkRun;
import io.oprelay.events.ResultEvents;
import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.retention.RetentionWorker;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.tracing.Tracing;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What tracing costs the backfill: the same feed loop drains a backlog from the simulator into Kafka (HTTP pages,
 * parsing, diff, transactions of events and checkpoint) with the application's tracing (spans for the sweep, each
 * page and each transaction, {@code traceparent} on every event, no OTLP endpoint so nothing is exported) and with
 * tracing off ({@link Tracing#off()}: no span, no header), alternating in one JVM, each round once each way (the
 * order swapped every round). The target is on/off at least 0.95.
 *
 * <p>Both arms run in the same application, so the spans Quarkus makes by itself (the Twilio client's request and
 * the simulator's server span, one each per page of 1,000 results) are in both; what differs is everything the relay
 * does for tracing. Not part of the test suite; run it with
 * {@code ./mvnw -B -ntp verify -DskipITs -Dtest=TracingOverheadBenchmark -Drelay.bench.results=200000
 * -Drelay.test.docker=false} ({@code relay.bench.rounds}, default 4 (keep it even: the order of the arms alternates), measured rounds after a warm-up drain of half
 * the size each way).
 */
@QuarkusTest
@TestProfile(TracingOverheadBenchmark.PollerOnly.class)
class TracingOverheadBenchmark {

    private static final String NAME = "TracingOverheadBenchmark";

    /**
     * No router, the in-JVM broker. The application's own feed (which prepares the topics) sweeps once at start, before
     * any result exists, and then waits an hour (the tests' interval): the benchmark runs a feed loop of its own.
     */
    public static class PollerOnly implements QuarkusTestProfile {
        public PollerOnly() {
            // Read by KafkaBrokerResource when it starts, which is after the profile is made.
            System.setProperty("relay.test.docker", "false");
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.routing.enabled", "false",
                    "relay.actions.agent-assist.stream-enabled", "false", "relay.poller.lookback", "0S");
        }
    }

    /** One measured round: seconds each way for the same number of results. */
    record Round(int results, double offSeconds, double onSeconds) {
        double offRate() {
            return results / offSeconds;
        }

        double onRate() {
            return results / onSeconds;
        }

        double ratio() {
            return onRate() / offRate();
        }
    }

    @Inject
    Simulator simulator;
    @Inject
    OperatorResultsApi api;
    @Inject
    ResultEvents events;
    @Inject
    PollerConfig pollerConfig;
    @Inject
    FeedsConfig feedsConfig;
    @Inject
    PollerMetrics metrics;
    @Inject
    RetentionWorker retention;
    @Inject
    KafkaClients clients;
    @Inject
    TopicsConfig topics;
    @Inject
    TopicProvisioner provisioner;
    @Inject
    Tracing tracing;

    private Feed feed;

    @Test
    void backfillWithTracingOnAndNoExporterAgainstTracingOff() {
        System.out.println(BenchmarkRun.describe(NAME));
        assertThat(KafkaBrokerResource.kind()).as("broker kind pinned to the in-JVM broker").startsWith("in-JVM");
        int count = Integer.getInteger("relay.bench.results", 200_000);
        int rounds = Integer.getInteger("relay.bench.rounds", 4);
        feed = new Feed("tracing-bench", Feed.from(feedsConfig, pollerConfig).get(0).query());

        assertTheArmsDiffer();
        drain(count / 2, Tracing.off());
        drain(count / 2, tracing);

        List<Round> measured = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            double off;
            double on;
            if (i % 2 == 1) {
                off = drain(count, Tracing.off());
                on = drain(count, tracing);
            } else {
                on = drain(count, tracing);
                off = drain(count, Tracing.off());
            }
            Round round = new Round(count, off, on);
            measured.add(round);
            System.out.printf(Locale.ROOT, "%s round %d: tracing off %,.0f results/s (%.2f s) | tracing on, no "
                            + "exporter %,.0f results/s (%.2f s) | on/off %.3f%n", NAME, i, round.offRate(),
                    round.offSeconds(), round.onRate(), round.onSeconds(), round.ratio());
        }
        System.out.printf(Locale.ROOT, "%n%s median of %d rounds, %,d results each (in-JVM broker: %s)%n", NAME,
                rounds, count, KafkaBrokerResource.kind());
        System.out.printf(Locale.ROOT, "%s tracing off:                 %,10.0f results/s%n", NAME,
                median(measured, Round::offRate));
        System.out.printf(Locale.ROOT, "%s tracing on, no exporter:     %,10.0f results/s%n", NAME,
                median(measured, Round::onRate));
        System.out.printf(Locale.ROOT, "%s ratio on / off, median of rounds: %6.3f%n", NAME,
                median(measured, Round::ratio));
        // The rounds alternate which arm drains first. On this broker the second drain of a round tends to be the
        // faster one, whichever arm it is; over an even number of rounds the geometric mean of the round ratios
        // cancels that order effect, which the median of an odd number of rounds does not.
        System.out.printf(Locale.ROOT, "%s ratio on / off, geometric mean over %s rounds (target >= 0.95): %6.3f%n%n",
                NAME, rounds % 2 == 0 ? "balanced" : "UNBALANCED (odd)", geometricMean(measured));
    }

    private static double geometricMean(List<Round> rounds) {
        return Math.exp(rounds.stream().mapToDouble(round -> Math.log(round.ratio())).average().orElse(Double.NaN));
    }

    /** A small drain each way first: with tracing every event carries a traceparent, without it none does. */
    private void assertTheArmsDiffer() {
        List<String> on = simulator.add(50);
        drain(on.size(), tracing);
        List<String> off = simulator.add(50);
        drain(off.size(), Tracing.off());
        Set<String> traced = new HashSet<>();
        Set<String> untraced = new HashSet<>();
        // A commit's markers reach the partitions just after commitTransaction() returns: read until all are there.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            traced.clear();
            untraced.clear();
            for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(
                    KafkaBrokerResource.bootstrapServers(),
                    Arrays.stream(OutputFormat.values()).map(topics::forFormat).distinct().toList())) {
                String id = new String(record.headers().lastHeader("ce_id").value());
                (record.headers().lastHeader(Tracing.TRACEPARENT) != null ? traced : untraced).add(id);
            }
            return traced.size() + untraced.size() >= on.size() + off.size();
        });
        assertThat(traced).as("events of the drain with tracing").containsAll(on).doesNotContainAnyElementsOf(off);
        assertThat(untraced).as("events of the drain without").containsAll(off);
    }

    /**
     * Runs the feed loop with {@code how}: opens it (fencing, restoring the checkpoint) and lets its first sweep find
     * nothing new, then adds {@code count} results and times the sweep that publishes them. The ids were added before
     * the call when {@code count} is small (the check of the arms).
     */
    private double drain(int count, Tracing how) {
        FeedStatus status = new FeedStatus(feed.name());
        FeedRunner runner = new FeedRunner(feed, api, publisher(), events, pollerConfig, metrics, status, retention,
                how);
        Thread thread = new Thread(runner, "bench-feed-" + feed.name());
        thread.start();
        try {
            boolean added = count <= 50;
            if (!added) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> status.state() == FeedStatus.State.IDLE);
                simulator.add(count);
            }
            long before = added ? 0 : published(status);
            long began = System.nanoTime();
            runner.trigger();
            await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> published(status) - before >= count);
            double seconds = (System.nanoTime() - began) / 1e9;
            assertThat(published(status) - before).as("results published by the drain").isEqualTo(count);
            return seconds;
        } finally {
            runner.stop();
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FeedPublisher publisher() {
        return new FeedPublisher(feed.name(), clients, topics, pollerConfig.transactionalIdPrefix(),
                pollerConfig.lookback(), pollerConfig.maxCheckpointSegments(), provisioner::recordLimits,
                new FeedPublisher.Tuning(pollerConfig.publisherBatchSize(), pollerConfig.publisherLinger()));
    }

    private static long published(FeedStatus status) {
        return status.view().publishedByFormat().values().stream().mapToLong(Long::longValue).sum();
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
