package io.oprelay.poller;

import com.sun.management.OperatingSystemMXBean;
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

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * does for tracing.
 *
 * <p>Every drain starts from the same state: the simulator lists only the drain's own results (the list is emptied
 * before, so the sweep that opens the loop does not grow with the rounds), and a full collection runs just before the
 * timed sweep. The heap must be fixed and touched in advance ({@value #HEAP_OPTIONS}); the benchmark refuses to run
 * otherwise. Without that, a heap that the collector had shrunk was committed again during a drain, and on this
 * machine first touching that memory made whichever drain it fell in up to twice as slow: far more than tracing.
 *
 * <p>Within one JVM the arms can differ by several per cent for the whole run, one way in one run and the other way
 * in the next (the just-in-time compiler's choices), which is more than the rounds of one run scatter: the figure that
 * counts is pooled over runs in separate JVMs ({@code relay.bench.pool}).
 *
 * <p>Not part of the test suite; {@code scripts/benchmarks.sh TracingOverheadBenchmark} runs it three times and pools
 * the runs. One run: {@code ./mvnw -B -ntp verify -DskipITs -Dtest=TracingOverheadBenchmark
 * -Drelay.bench.results=200000 -Drelay.test.docker=false -Dsurefire.failIfNoSpecifiedTests=false
 * "-DargLine=-Xms4g -Xmx4g -XX:+AlwaysPreTouch"} ({@code relay.bench.rounds}, default 6 (keep it even: the order of
 * the arms alternates), measured rounds after a warm-up drain of half the size each way).
 */
@QuarkusTest
@TestProfile(TracingOverheadBenchmark.PollerOnly.class)
class TracingOverheadBenchmark {

    private static final String NAME = "TracingOverheadBenchmark";
    /** The JVM options the measurement needs, passed as {@code -DargLine}. */
    static final String HEAP_OPTIONS = "-Xms4g -Xmx4g -XX:+AlwaysPreTouch";
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /**
     * Student's t, two-sided 95 %, for 1 to 30 degrees of freedom; the last one beyond (it falls to 1.96 at infinity,
     * so that errs on the wide side).
     */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    /** Results of each drain of the check that the arms differ. */
    private static final int ARMS_CHECK = 50;

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

    /** One timed drain: its wall-clock seconds and the CPU seconds the whole JVM spent meanwhile. */
    record Drain(double seconds, double cpuSeconds) {
    }

    /**
     * One measured round: a drain each way for the same number of results. The ratios are tracing on over tracing
     * off: of results per second, and of results per CPU second of the JVM (which holds the broker and the simulator
     * too, and whatever tracing costs on any thread: the span processor, the collector).
     */
    record Round(int results, Drain off, Drain on) {
        double offRate() {
            return results / off.seconds();
        }

        double onRate() {
            return results / on.seconds();
        }

        double ratio() {
            return onRate() / offRate();
        }

        double cpuRatio() {
            return off.cpuSeconds() / on.cpuSeconds();
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
    void backfillWithTracingOnAndNoExporterAgainstTracingOff() throws IOException {
        System.out.println(BenchmarkRun.describe(NAME));
        assertThat(KafkaBrokerResource.kind()).as("broker kind pinned to the in-JVM broker").startsWith("in-JVM");
        assertFixedHeapTouchedInAdvance();
        int count = Integer.getInteger("relay.bench.results", 200_000);
        int rounds = Integer.getInteger("relay.bench.rounds", 6);
        feed = new Feed("tracing-bench", Feed.from(feedsConfig, pollerConfig).get(0).query());

        assertTheArmsDiffer();
        drain(count / 2, Tracing.off());
        drain(count / 2, tracing);

        List<Round> measured = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            Drain off;
            Drain on;
            if (i % 2 == 1) {
                off = drain(count, Tracing.off());
                on = drain(count, tracing);
            } else {
                on = drain(count, tracing);
                off = drain(count, Tracing.off());
            }
            Round round = new Round(count, off, on);
            measured.add(round);
            System.out.printf(Locale.ROOT, "%s round %d: tracing off %,.0f results/s (%.2f s, %.2f CPU s) | tracing "
                            + "on, no exporter %,.0f results/s (%.2f s, %.2f CPU s) | on/off %.3f, per CPU second "
                            + "%.3f%n", NAME, i, round.offRate(), off.seconds(), off.cpuSeconds(), round.onRate(),
                    on.seconds(), on.cpuSeconds(), round.ratio(), round.cpuRatio());
        }
        System.out.printf(Locale.ROOT, "%n%s median of %d rounds, %,d results each (in-JVM broker: %s)%n", NAME,
                rounds, count, KafkaBrokerResource.kind());
        System.out.printf(Locale.ROOT, "%s tracing off:                 %,10.0f results/s%n", NAME,
                median(measured, Round::offRate));
        System.out.printf(Locale.ROOT, "%s tracing on, no exporter:     %,10.0f results/s%n", NAME,
                median(measured, Round::onRate));
        System.out.printf(Locale.ROOT, "%s ratio on / off, median of rounds: %6.3f%n", NAME,
                median(measured, Round::ratio));
        // The rounds alternate which arm drains first; over an even number of rounds the geometric mean of the round
        // ratios cancels any effect of the order, which the median of an odd number of rounds does not.
        String balance = rounds % 2 == 0 ? "balanced" : "UNBALANCED (odd)";
        System.out.printf(Locale.ROOT, "%s ratio on / off, geometric mean over %s rounds (target >= 0.95): %s%n",
                NAME, balance, geometricMean(measured, Round::ratio));
        System.out.printf(Locale.ROOT, "%s results per CPU second on / off, median of rounds: %6.3f%n", NAME,
                median(measured, Round::cpuRatio));
        System.out.printf(Locale.ROOT, "%s results per CPU second on / off, geometric mean over %s rounds: %s%n%n",
                NAME, balance, geometricMean(measured, Round::cpuRatio));
        pool(measured);
    }

    /** Refuses a heap that can grow or shrink, or whose memory is touched for the first time during a drain. */
    private static void assertFixedHeapTouchedInAdvance() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        String fix = "run with \"-DargLine=" + HEAP_OPTIONS + "\"";
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .as("heap touched at start (%s)", fix).contains("-XX:+AlwaysPreTouch");
        assertThat(heap.getInit()).as("initial heap equal to the maximum (%s)", fix).isEqualTo(heap.getMax());
    }

    /**
     * The geometric mean of {@code ratios}, with the 95 % interval of that mean (Student's t on the logarithms, so
     * that a few samples give the wide interval they deserve): how precisely they pin the ratio down.
     */
    private static String geometricMean(double[] ratios) {
        double[] logs = Arrays.stream(ratios).map(Math::log).toArray();
        double mean = Arrays.stream(logs).average().orElse(Double.NaN);
        if (logs.length < 2) {
            return String.format(Locale.ROOT, "%6.3f", Math.exp(mean));
        }
        double variance = Arrays.stream(logs).map(log -> (log - mean) * (log - mean)).sum() / (logs.length - 1);
        double t = logs.length - 1 <= T95.length ? T95[logs.length - 2] : T95[T95.length - 1];
        double margin = t * Math.sqrt(variance / logs.length);
        return String.format(Locale.ROOT, "%6.3f (95 %% interval %.3f to %.3f)", Math.exp(mean),
                Math.exp(mean - margin), Math.exp(mean + margin));
    }

    private static String geometricMean(List<Round> rounds, ToDoubleFunction<Round> ratio) {
        return geometricMean(rounds.stream().mapToDouble(ratio).toArray());
    }

    /**
     * With {@code relay.bench.pool} set to a file, appends this JVM's rounds to it and prints the figures of every
     * JVM run recorded there. One JVM's rounds share its just-in-time compiler's choices, which tilt one arm or the
     * other by several per cent for the whole run (more than the rounds of one run scatter); runs in separate JVMs
     * average that out, so the pooled figure takes each run's geometric mean as one sample. {@code
     * scripts/benchmarks.sh} runs the benchmark three times into one file.
     */
    private static void pool(List<Round> measured) throws IOException {
        String file = System.getProperty("relay.bench.pool");
        if (file == null || file.isBlank()) {
            return;
        }
        Path path = Path.of(file);
        String run = Long.toString(ProcessHandle.current().pid());
        List<String> lines = measured.stream().map(round -> String.format(Locale.ROOT, "%s %.6f %.6f", run,
                round.ratio(), round.cpuRatio())).toList();
        Files.write(path, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(path)) {
            String[] fields = line.trim().split(" ");
            runs.computeIfAbsent(fields[0], key -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(fields[1]), Double.parseDouble(fields[2])});
        }
        double[] wall = runs.values().stream().mapToDouble(rounds -> meanRatio(rounds, 0)).toArray();
        double[] cpu = runs.values().stream().mapToDouble(rounds -> meanRatio(rounds, 1)).toArray();
        System.out.printf(Locale.ROOT, "%s pooled over %d JVM run(s), %d rounds (%s): each run's geometric mean %s%n",
                NAME, runs.size(), runs.values().stream().mapToInt(List::size).sum(), path,
                Arrays.stream(wall).mapToObj(ratio -> String.format(Locale.ROOT, "%.3f", ratio)).toList());
        System.out.printf(Locale.ROOT, "%s pooled ratio on / off (target >= 0.95): %s%n", NAME, geometricMean(wall));
        System.out.printf(Locale.ROOT, "%s pooled results per CPU second on / off: %s%n%n", NAME,
                geometricMean(cpu));
    }

    private static double meanRatio(List<double[]> rounds, int column) {
        return Math.exp(rounds.stream().mapToDouble(round -> Math.log(round[column])).average().orElse(Double.NaN));
    }

    /** A small drain each way first: with tracing every event carries a traceparent, without it none does. */
    private void assertTheArmsDiffer() {
        List<String> on = simulator.add(ARMS_CHECK);
        drain(on.size(), tracing);
        List<String> off = simulator.add(ARMS_CHECK);
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
     * Runs the feed loop with {@code how}: empties the simulator's list, opens the loop (fencing, restoring the
     * checkpoint) and lets its first sweep find nothing new, then adds {@code count} results, collects garbage and
     * times the sweep that publishes them. The ids were added before the call when {@code count} is small (the check
     * of the arms, which keeps its results listed).
     */
    private Drain drain(int count, Tracing how) {
        boolean added = count <= ARMS_CHECK;
        if (!added) {
            simulator.clear();
        }
        FeedStatus status = new FeedStatus(feed.name());
        FeedRunner runner = new FeedRunner(feed, api, publisher(), events, pollerConfig, metrics, status, retention,
                how);
        Thread thread = new Thread(runner, "bench-feed-" + feed.name());
        thread.start();
        try {
            if (!added) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> status.state() == FeedStatus.State.IDLE);
                simulator.add(count);
                System.gc();
            }
            long before = added ? 0 : published(status);
            long cpuBefore = PROCESS.getProcessCpuTime();
            long began = System.nanoTime();
            runner.trigger();
            await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> published(status) - before >= count);
            double seconds = (System.nanoTime() - began) / 1e9;
            double cpuSeconds = (PROCESS.getProcessCpuTime() - cpuBefore) / 1e9;
            assertThat(published(status) - before).as("results published by the drain").isEqualTo(count);
            return new Drain(seconds, cpuSeconds);
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
