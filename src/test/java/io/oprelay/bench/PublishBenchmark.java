package io.oprelay.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.poller.FeedStatus;
import io.oprelay.poller.PollerConfig;
import io.oprelay.poller.PollerService;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Api;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.TwilioConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backfill throughput: the relay drains a backlog from the simulator into Kafka (HTTP pages, parsing, diff,
 * transactions of events and checkpoint), and in the same run, for exactly the records each drain published:
 * <ul>
 *     <li>a plain idempotent producer with every setting of the relay's publisher but the transactional id, created
 *     and warmed before anything is timed, writing to copies of the relay's topics (same partitions and configs);</li>
 *     <li>a plain HTTP walk of the same pages (following the next-page token, nothing parsed);</li>
 *     <li>the composed floor: walk then produce one after the other, and perfectly overlapped (the slower of the
 *     two).</li>
 * </ul>
 * Not part of the test suite; run it with
 * {@code ./mvnw -B -ntp verify -DskipITs -Dtest=PublishBenchmark -Drelay.bench.results=200000
 * -Drelay.test.docker=false}
 * ({@code relay.bench.rounds}, default 3, measured rounds after a warm-up drain of half the size).
 */
@QuarkusTest
@TestProfile(PublishBenchmark.PollerOnly.class)
class PublishBenchmark {

    private static final String NAME = "PublishBenchmark";

    /**
     * The poller alone, as in a poller-only Deployment, on the in-JVM broker. No lookback keeps each round's sweep to
     * its own results and one page of the round before: the simulator dates all results of a round alike, seconds
     * after the round before, so a sweep would otherwise walk back over every earlier round still inside the
     * lookback, where a backfill of months walks back over only its last minutes.
     */
    public static class PollerOnly implements QuarkusTestProfile {
        public PollerOnly() {
            // Read by KafkaBrokerResource when it starts, which is after the profile is made.
            System.setProperty("relay.test.docker", "false");
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.routing.enabled", "false", "relay.actions.agent-assist.stream-enabled", "false",
                    "relay.poller.lookback", "0S");
        }
    }

    /** One measured round. */
    record Round(int results, int pages, double relaySeconds, double plainSeconds, double walkSeconds) {
        double relayRate() {
            return results / relaySeconds;
        }

        double plainRate() {
            return results / plainSeconds;
        }

        double walkRate() {
            return results / walkSeconds;
        }

        double composedFloorRate() {
            return results / (walkSeconds + plainSeconds);
        }

        double overlappedFloorRate() {
            return results / Math.max(walkSeconds, plainSeconds);
        }

        double ratio() {
            return relayRate() / plainRate();
        }
    }

    @Inject
    Simulator simulator;
    @Inject
    PollerService poller;
    @Inject
    TopicsConfig topics;
    @Inject
    KafkaClients clients;
    @Inject
    TopicProvisioner provisioner;
    @Inject
    TwilioConfig twilio;
    @Inject
    PollerConfig pollerConfig;
    @Inject
    MeterRegistry registry;

    @Test
    void relayThroughputAgainstAPlainIdempotentProducerAndTheComposedFloor() throws Exception {
        System.out.println(BenchmarkRun.describe(NAME));
        assertThat(KafkaBrokerResource.kind()).as("broker kind pinned to the in-JVM broker").startsWith("in-JVM");
        int count = Integer.getInteger("relay.bench.results", 200_000);
        int rounds = Integer.getInteger("relay.bench.rounds", 3);
        List<String> resultTopics = Arrays.stream(OutputFormat.values()).map(topics::forFormat).distinct().toList();
        PageWalk walk = new PageWalk(twilio.baseUrl(), twilio.username().orElseThrow(),
                twilio.password().orElseThrow(), pollerConfig.pageSize());
        int batchSize = (int) Math.min(pollerConfig.publisherBatchSize(), provisioner.recordLimits().smallest());

        // Warm-up: a backlog drain, then the plain producer and the walk over what it published and read.
        DrainedRecords warmMark = DrainedRecords.mark(KafkaBrokerResource.bootstrapServers(), resultTopics);
        simulator.addBacklog(count / 2, Duration.ofDays(1));
        int warmPages = (int) drainTimed(count / 2)[1];
        try (PlainPublisher plain = new PlainPublisher(clients, resultTopics, batchSize,
                pollerConfig.publisherLinger())) {
            System.out.printf("%s plain producer settings: %s%n", NAME, plain.settings());
            plain.send(warmMark.since());
            walk.walk(warmPages);

            List<Round> measured = new ArrayList<>();
            for (int i = 1; i <= rounds; i++) {
                DrainedRecords mark = DrainedRecords.mark(KafkaBrokerResource.bootstrapServers(), resultTopics);
                simulator.add(count);
                long[] drained = drainTimed(count);
                List<ConsumerRecord<String, byte[]>> records = mark.since();
                assertThat(records).as("records the drain published").hasSize(count);
                double plainSeconds = plain.send(records);
                PageWalk.Walk walked = walk.walk((int) drained[1]);
                records = null;
                Round round = new Round(count, walked.pages(), drained[0] / 1e9, plainSeconds, walked.seconds());
                measured.add(round);
                print("round " + i, round);
            }
            summary(count, measured);
        }
    }

    private static void print(String label, Round round) {
        System.out.printf(Locale.ROOT, "%s %s: relay %,.0f results/s (%.2f s, %d pages) | plain producer %,.0f/s "
                        + "(%.2f s) | walk %,.0f/s (%.2f s) | floor composed %,.0f/s, overlapped %,.0f/s | "
                        + "relay/plain %.2f%n", NAME, label, round.relayRate(), round.relaySeconds(), round.pages(),
                round.plainRate(), round.plainSeconds(), round.walkRate(), round.walkSeconds(),
                round.composedFloorRate(), round.overlappedFloorRate(), round.ratio());
    }

    private static void summary(int count, List<Round> rounds) {
        System.out.printf(Locale.ROOT, "%n%s median of %d rounds, %,d results each (in-JVM broker: %s)%n", NAME,
                rounds.size(), count, KafkaBrokerResource.kind());
        System.out.printf(Locale.ROOT, "%s relay (poll + diff + transactional publish): %,10.0f results/s%n", NAME,
                median(rounds, Round::relayRate));
        System.out.printf(Locale.ROOT, "%s plain idempotent producer, same records:     %,10.0f records/s%n", NAME,
                median(rounds, Round::plainRate));
        System.out.printf(Locale.ROOT, "%s plain HTTP walk of the same pages:           %,10.0f results/s%n", NAME,
                median(rounds, Round::walkRate));
        System.out.printf(Locale.ROOT, "%s floor, walk then produce:                    %,10.0f results/s%n", NAME,
                median(rounds, Round::composedFloorRate));
        System.out.printf(Locale.ROOT, "%s floor, walk and produce overlapped:          %,10.0f results/s%n", NAME,
                median(rounds, Round::overlappedFloorRate));
        System.out.printf(Locale.ROOT, "%s ratio relay / plain producer:                %10.2f%n", NAME,
                median(rounds, Round::ratio));
        System.out.printf(Locale.ROOT, "%s ratio relay / floor composed:                %10.2f%n", NAME,
                median(rounds, r -> r.relayRate() / r.composedFloorRate()));
        System.out.printf(Locale.ROOT, "%s ratio relay / floor overlapped:              %10.2f%n%n", NAME,
                median(rounds, r -> r.relayRate() / r.overlappedFloorRate()));
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /**
     * Sweeps and waits until the relay has published {@code count} more results and the sweep ended; returns the
     * nanoseconds it took and the pages the sweep read.
     */
    private long[] drainTimed(int count) {
        long before = published();
        double pagesBefore = pages();
        long began = System.nanoTime();
        Api.given().post("/api/feeds/default/sweep");
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> published() - before >= count && pages() > pagesBefore);
        long took = System.nanoTime() - began;
        assertThat(published() - before).as("results published by the drain").isEqualTo(count);
        return new long[] {took, Math.round(pages() - pagesBefore)};
    }

    private long published() {
        return poller.statuses().stream().map(FeedStatus.View::publishedByFormat)
                .flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    private double pages() {
        return registry.find("relay.poller.pages").counters().stream().mapToDouble(Counter::count).sum();
    }
}
