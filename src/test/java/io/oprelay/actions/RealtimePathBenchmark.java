package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.bench.BenchmarkRun;
import io.oprelay.bench.Latencies;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.TopicsConfig;
import io.oprelay.poller.PollerService;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.SampleResults;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RuleExecutionWebhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real-time path a user feels, end to end in the app: a signed Rule Execution webhook is posted, its result is
 * committed by the feed loop, routed (a rule fires a hint), the hint committed, and an SSE client subscribed to the
 * conversation reads it. Each sample is one new result, posted after the previous one's hint was read; the time runs
 * from just before the POST to the SSE event read. The baseline, in the same run against the same broker, is the Kafka
 * floor of the same path with plain clients ({@link RealtimeFloor}). The webhook is posted over a plain socket and the
 * stream read by {@link SocketSseClient}, so that the client's own thread hand-offs stay out of the relay's figure.
 * Sizes: {@code relay.bench.samples} (1,000), {@code relay.bench.warm-up} (300), {@code relay.bench.rounds} (3). Not
 * part of the test suite; run it with
 * {@code ./mvnw -B -ntp verify -DskipITs -Dtest=RealtimePathBenchmark -Drelay.bench.samples=1000}.
 */
@QuarkusTest
@TestProfile(RealtimePathBenchmark.Realtime.class)
class RealtimePathBenchmark {

    private static final String NAME = "RealtimePathBenchmark";

    /** The shipped logging (the test profile logs the relay at DEBUG), and the broker pinned to the in-JVM kind. */
    public static class Realtime implements QuarkusTestProfile {
        static {
            // Read by KafkaBrokerResource when the app under this profile starts, i.e. after this class loads.
            System.setProperty("relay.test.docker", "false");
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.oprelay\".level", "INFO");
        }
    }

    @Inject
    Simulator simulator;
    @Inject
    PollerService poller;
    @Inject
    TopicsConfig topics;
    @Inject
    ActionsConfig actions;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @TestHTTPResource("/agent-assist/stream")
    URL stream;
    @TestHTTPResource("/")
    URL base;

    @Test
    void relayPathAgainstTheKafkaFloorOfTheSamePath() throws Exception {
        int samples = Integer.getInteger("relay.bench.samples", 1_000);
        int warmUp = Integer.getInteger("relay.bench.warm-up", 300);
        int rounds = Integer.getInteger("relay.bench.rounds", 3);
        System.out.println(BenchmarkRun.describe(NAME));
        assertThat(KafkaBrokerResource.kind()).as("the broker kind this benchmark pins").startsWith("in-JVM");
        // Results reach the feed by webhook only: the test profile sweeps once an hour, so after its first sweep the
        // feed loop only waits for pushes.
        RuleExecutionWebhooks.awaitDefaultFeedRunsHere(poller);

        relayRound(warmUp, "warm-up");
        byte[] hintValue = sampleHint();
        try (RealtimeFloor floor = RealtimeFloor.start(KafkaBrokerResource.bootstrapServers(),
                topics.classification(), actions.agentAssist().topic(), hintValue)) {
            floor.measure(warmUp);
            List<Latencies> relay = new ArrayList<>();
            List<Latencies> plain = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                RelayRound measured = relayRound(samples, "round " + round);
                Latencies floorRound = Latencies.ofNanos(floor.measure(samples));
                relay.add(measured.total());
                plain.add(floorRound);
                System.out.printf(Locale.ROOT, "%s round %d relay  %s%n", NAME, round, measured.total().summary());
                System.out.printf(Locale.ROOT, "%s round %d floor  %s%n", NAME, round, floorRound.summary());
                double top = measured.total().supports(99) ? 99 : 100;
                System.out.printf(Locale.ROOT, "%s round %d ratio relay / floor at %s: %.2f%n", NAME, round,
                        top == 99 ? "p99" : "max", tail(measured.total(), top) / tail(floorRound, top));
                measured.printStages(round);
            }
            printMedians(relay, plain, samples);
        }
    }

    /** What one round of the relay's path measured: the whole path, and its stages from record timestamps. */
    private record RelayRound(Latencies total, Latencies answered, Latencies webhookToResult,
                              Latencies resultToHint, Latencies hintToSse) {

        void printStages(int round) {
            System.out.printf(Locale.ROOT, "%s round %d stages (record times, ms resolution):%n", NAME, round);
            System.out.printf(Locale.ROOT, "%s   POST answered (result committed)     %s%n", NAME, answered.summary());
            System.out.printf(Locale.ROOT, "%s   POST -> result record sent           %s%n", NAME,
                    webhookToResult.summary());
            System.out.printf(Locale.ROOT, "%s   result sent -> hint sent (commit, route) %s%n", NAME,
                    resultToHint.summary());
            System.out.printf(Locale.ROOT, "%s   hint sent -> SSE read (commit, stream) %s%n", NAME, hintToSse.summary());
        }
    }

    /** One sample as taken: the result, when it was posted (both clocks), answered and read on the stream. */
    private record Sample(String resultId, long postNanos, long postWallMillis, long answeredNanos, long readNanos) {
    }

    /** Posts {@code count} new results one at a time, each after the previous one's hint was read on the stream. */
    private RelayRound relayRound(int count, String label) throws Exception {
        String conversation = SampleResults.conversationId();
        List<Sample> taken = new ArrayList<>(count);
        try (SocketSseClient client = new SocketSseClient(URI.create(stream + "?conversationId=" + conversation))) {
            for (int i = 0; i < count; i++) {
                String id = simulator.put(SampleResults.classification(conversation, "angry").toString()
                        .getBytes(StandardCharsets.UTF_8));
                byte[] body = RuleExecutionWebhooks.body(simulator, List.of(id));
                String pathAndQuery = RuleExecutionWebhooks.pathFor(body);
                String url = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + pathAndQuery;
                Map<String, String> headers = Map.of("Content-Type", "application/json",
                        "X-Twilio-Signature", RuleExecutionWebhooks.sign(url));

                long postWall = System.currentTimeMillis();
                long posted = System.nanoTime();
                RawHttp.Answer answer = RawHttp.post(base.getHost(), base.getPort(), pathAndQuery, headers, body);
                long answered = System.nanoTime();
                SseClient.Event event = client.next(10, TimeUnit.SECONDS);

                assertThat(answer.status()).as("%s: webhook %d answered %s", label, i, answer.body())
                        .isEqualTo(200);
                assertThat(event).as("%s: hint %d read within 10 s", label, i).isNotNull();
                JsonNode hint = SampleResults.MAPPER.readTree(event.data());
                assertThat(hint.get("resultId").asText()).as("%s: hint %d is of the result posted", label, i)
                        .isEqualTo(id);
                taken.add(new Sample(id, posted, postWall, answered, event.receivedNanos()));
                simulator.delete(id);
            }
        }
        return stages(conversation, taken);
    }

    /** The whole path per sample, and its stages from the record times of the result and the hint. */
    private RelayRound stages(String conversation, List<Sample> taken) {
        Map<String, Long> resultSent = new HashMap<>();
        Map<String, Long> hintSent = new HashMap<>();
        try (ResultEvents reader = new ResultEvents(kafka)) {
            for (ConsumerRecord<String, byte[]> r : reader.readKey(topics.classification(), conversation)) {
                resultSent.put(ResultEvents.header(r, CloudEventHeaders.ID), r.timestamp());
            }
            for (ConsumerRecord<String, byte[]> r : reader.readKey(actions.agentAssist().topic(), conversation)) {
                try {
                    hintSent.put(SampleResults.MAPPER.readTree(r.value()).get("resultId").asText(), r.timestamp());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("a hint that is not JSON", e);
                }
            }
        }
        int n = taken.size();
        long[] total = new long[n];
        long[] answered = new long[n];
        long[] toResult = new long[n];
        long[] toHint = new long[n];
        long[] toSse = new long[n];
        for (int i = 0; i < n; i++) {
            Sample s = taken.get(i);
            long result = resultSent.getOrDefault(s.resultId(), s.postWallMillis());
            long hint = hintSent.getOrDefault(s.resultId(), result);
            long readWall = s.postWallMillis() + TimeUnit.NANOSECONDS.toMillis(s.readNanos() - s.postNanos());
            total[i] = s.readNanos() - s.postNanos();
            answered[i] = s.answeredNanos() - s.postNanos();
            toResult[i] = TimeUnit.MILLISECONDS.toNanos(Math.max(0, result - s.postWallMillis()));
            toHint[i] = TimeUnit.MILLISECONDS.toNanos(Math.max(0, hint - result));
            toSse[i] = TimeUnit.MILLISECONDS.toNanos(Math.max(0, readWall - hint));
        }
        return new RelayRound(Latencies.ofNanos(total), Latencies.ofNanos(answered), Latencies.ofNanos(toResult),
                Latencies.ofNanos(toHint), Latencies.ofNanos(toSse));
    }

    /** The value of a hint the relay wrote, so that the floor forwards a record of the same size. */
    private byte[] sampleHint() {
        try (ResultEvents reader = new ResultEvents(kafka)) {
            List<ConsumerRecord<String, byte[]>> hints = reader.read(actions.agentAssist().topic(), r -> true, true);
            assertThat(hints).as("hints written by the warm-up").isNotEmpty();
            return hints.get(hints.size() - 1).value();
        }
    }

    private static double tail(Latencies latencies, double p) {
        return p >= 100 ? latencies.maxMillis() : latencies.millis(p);
    }

    private static void printMedians(List<Latencies> relay, List<Latencies> plain, int samples) {
        double[] ps = {50, 95, 99};
        System.out.printf(Locale.ROOT, "%n%s median of %d rounds, %d samples each (ms):%n", NAME, relay.size(),
                samples);
        StringBuilder relayLine = new StringBuilder(NAME + " relay ");
        StringBuilder floorLine = new StringBuilder(NAME + " floor ");
        for (double p : ps) {
            if (relay.get(0).supports(p)) {
                relayLine.append(String.format(Locale.ROOT, " p%.0f=%.1f", p, median(relay, p)));
                floorLine.append(String.format(Locale.ROOT, " p%.0f=%.1f", p, median(plain, p)));
            }
        }
        relayLine.append(String.format(Locale.ROOT, " max=%.1f", median(relay, 100)));
        floorLine.append(String.format(Locale.ROOT, " max=%.1f", median(plain, 100)));
        System.out.println(relayLine);
        System.out.println(floorLine);
        double top = relay.get(0).supports(99) ? 99 : 100;
        System.out.printf(Locale.ROOT, "%s ratio relay / floor at %s: %.2f of the medians, %.2f median of the rounds'"
                        + " ratios (target <= 1.30)%n", NAME, top == 99 ? "p99" : "max (fewer than 1,000 samples)",
                median(relay, top) / median(plain, top), medianRatio(relay, plain, top));
        System.out.printf(Locale.ROOT, "%s broker: %s%n%n", NAME, KafkaBrokerResource.kind());
    }

    /** The median over rounds of each round's relay / floor ratio: both were measured back to back. */
    private static double medianRatio(List<Latencies> relay, List<Latencies> plain, double p) {
        double[] ratios = new double[relay.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = tail(relay.get(i), p) / tail(plain.get(i), p);
        }
        return medianOf(ratios);
    }

    private static double medianOf(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double median(List<Latencies> rounds, double p) {
        return medianOf(rounds.stream().mapToDouble(l -> tail(l, p)).toArray());
    }
}
