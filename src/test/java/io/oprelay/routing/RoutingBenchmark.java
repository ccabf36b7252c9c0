package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.actions.ActionsConfig;
import io.oprelay.actions.AgentAssistAction;
import io.oprelay.actions.EndpointHealth;
import io.oprelay.actions.WebhookPolicy;
import io.oprelay.actions.WebhookSender;
import io.oprelay.actions.WebhookSigner;
import io.oprelay.actions.WorkflowAction;
import io.oprelay.bench.BenchmarkRun;
import io.oprelay.events.EventSchemas;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.support.KafkaBrokerResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing throughput: a backlog of result events routed by 100 rules that fire for a stated share of them, by the
 * router with 1 and 2 consumer threads, and, in the same run on the same input, by a Kafka Streams application
 * ({@code exactly_once_v2}, 1 and 2 stream threads) running the same rule engine and writing the same records; a plain
 * {@code read_committed} consumer that only counts is printed too. The outputs of every pass are counted on the broker.
 *
 * <p>Run (in-JVM KRaft broker; size, rounds and share are system properties):
 * {@code ./mvnw -B -ntp test -Dtest=RoutingBenchmark -Drouting.benchmark.events=200000 -Drelay.bench.rounds=3
 * -Drouting.benchmark.fire-share=0.2}
 */
class RoutingBenchmark {

    static final String NAME = "RoutingBenchmark";
    static final int EVENTS = Integer.getInteger("routing.benchmark.events", 200_000);
    static final int ROUNDS = Integer.getInteger("relay.bench.rounds", 3);
    static final int PARTITIONS = Integer.getInteger("routing.benchmark.partitions", 6);
    static final double SHARE = Double.parseDouble(System.getProperty("routing.benchmark.fire-share", "0.2"));
    static final int RULES = 100;
    static final String HINTS = "agent-assist.hints";
    static final String COMMANDS = "workflow.actions";
    static final String DEAD_LETTERS = "bench.dead-letters";
    static final List<String> OUTPUTS = List.of(HINTS, COMMANDS, DEAD_LETTERS);
    static final int MAX_RECORD_BYTES = 1_048_576;

    private final BenchmarkRuleBook book = new BenchmarkRuleBook(SHARE, RULES);

    @Test
    void routesABacklogWithAHundredRules() throws Exception {
        System.setProperty("relay.test.docker", "false");
        KafkaBrokerResource broker = new KafkaBrokerResource();
        broker.start();
        try {
            System.out.println(BenchmarkRun.describe(NAME));
            run(Map.of("bootstrap.servers", KafkaBrokerResource.bootstrapServers()));
        } finally {
            broker.stop();
        }
    }

    /** One pass: events per second and what it wrote. */
    record Pass(double rate, Outputs outputs) {
    }

    private void run(Map<String, Object> base) throws Exception {
        String input = "bench.results." + UUID.randomUUID().toString().substring(0, 6);
        try (Admin admin = Admin.create(base)) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(input, PARTITIONS, (short) 1));
            OUTPUTS.forEach(topic -> topics.add(new NewTopic(topic, PARTITIONS, (short) 1)));
            admin.createTopics(topics).all().get();
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        }
        fill(base, input);
        RoutingEngine engine = engine();
        Path stateDir = Files.createTempDirectory("routing-benchmark-streams");

        plainRead(base, input);                                   // warm-up of each runtime, one pass each
        route(base, input, engine, 1);
        streams(base, input, engine, 1, stateDir);

        Map<String, List<Double>> rates = new HashMap<>();
        Outputs reference = null;
        for (int round = 1; round <= ROUNDS; round++) {
            double plain = plainRead(base, input);
            Pass router1 = route(base, input, engine, 1);
            Pass router2 = route(base, input, engine, 2);
            Pass streams1 = streams(base, input, engine, 1, stateDir);
            Pass streams2 = streams(base, input, engine, 2, stateDir);
            for (Pass pass : List.of(router1, router2, streams1, streams2)) {
                assertThat(pass.outputs().identities()).as("no record written twice")
                        .hasSize(pass.outputs().total());
                assertThat(pass.outputs().identities()).as("every pass writes the same records")
                        .isEqualTo(router1.outputs().identities());
            }
            reference = router1.outputs();
            add(rates, "plain", plain);
            add(rates, "router1", router1.rate());
            add(rates, "router2", router2.rate());
            add(rates, "streams1", streams1.rate());
            add(rates, "streams2", streams2.rate());
            System.out.printf("%s round %d: plain %,.0f/s | router x1 %,.0f/s x2 %,.0f/s | streams x1 %,.0f/s"
                            + " x2 %,.0f/s | outputs %,d per pass, same on both sides%n", NAME, round, plain,
                    router1.rate(), router2.rate(), streams1.rate(), streams2.rate(), router1.outputs().total());
        }
        assertThat(reference.firedResults()).as("the rules fire for results").isPositive();
        double plain = median(rates.get("plain"));
        double router1 = median(rates.get("router1"));
        double router2 = median(rates.get("router2"));
        double streams1 = median(rates.get("streams1"));
        double streams2 = median(rates.get("streams2"));
        System.out.printf("%n%s events=%d partitions=%d rules=%d rounds=%d broker=%s%n", NAME, EVENTS, PARTITIONS,
                RULES, ROUNDS, KafkaBrokerResource.kind());
        System.out.printf("%s fired: %,d of %,d results fired a rule = %.3f (designed %.3f), measured on the broker%n",
                NAME, reference.firedResults(), EVENTS, reference.firedResults() / (double) EVENTS, book.designedShare());
        System.out.printf("%s outputs per pass: %,d (hints %,d, commands %,d, dead letters %,d), identical for the"
                        + " router and Streams%n", NAME, reference.total(), reference.count(HINTS),
                reference.count(COMMANDS), reference.count(DEAD_LETTERS));
        System.out.printf("%s median events/s: plain read_committed %,.0f | router consumers=1 %,.0f, =2 %,.0f |"
                + " streams threads=1 %,.0f, =2 %,.0f%n", NAME, plain, router1, router2, streams1, streams2);
        System.out.printf("%s ratio router/streams: 1 thread %.2f, 2 threads %.2f | router/plain: %.2f | router"
                        + " 2/1 threads: %.2f%n%n", NAME, router1 / streams1, router2 / streams2, router1 / plain,
                router2 / router1);
        assertThat(router1).isPositive();
        assertThat(streams1).isPositive();
    }

    private void fill(Map<String, Object> base, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(base);
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("linger.ms", "20");
        config.put("batch.size", "262144");
        config.put("compression.type", "none");
        // One request in flight: a first batch refused by a partition whose leader has just been elected would
        // otherwise be retried behind later ones and refused as out of order, again and again.
        config.put("max.in.flight.requests.per.connection", "1");
        Random random = new Random(15);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            String[] conversations = new String[500];
            for (int i = 0; i < conversations.length; i++) {
                conversations[i] = SampleResults.conversationId();
            }
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                sent.add(producer.send(ResultEvents.record(topic, book.result(i, conversations[i % conversations.length],
                        random))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> send : sent) {
                send.get();             // a lost input record would make every pass wait for it
            }
        }
    }

    private RoutingEngine engine() {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        ActionsConfig config = TestConfigs.actions(Map.of());
        WebhookPolicy policy = new WebhookPolicy(config);
        ActionType assist = new AgentAssistAction(config, policy, mapper, EventSchemas.defaults());
        ActionType workflow = new WorkflowAction(config, policy, mapper, EventSchemas.defaults());
        assertThat(List.of(config.agentAssist().topic(), config.workflow().topic())).containsExactly(HINTS, COMMANDS);
        RulesParser parser = new RulesParser(Map.of(assist.type(), assist, workflow.type(), workflow));
        List<Rule> rules = parser.parse("benchmark", book.yaml());
        assertThat(rules).hasSize(RULES);
        return new RoutingEngine(rules, mapper, DEAD_LETTERS);
    }

    /** A plain read_committed consumer counting the records, timed from its assignment to the last record. */
    private static double plainRead(Map<String, Object> base, String topic) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("group.id", "bench-plain-" + UUID.randomUUID());
        config.put("isolation.level", "read_committed");
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", "false");
        config.put("max.poll.records", "500");
        long count = 0;
        AtomicLong started = new AtomicLong();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    started.compareAndSet(0, System.nanoTime());
                }
            });
            while (count < EVENTS) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        count++;
                    }
                }
            }
            consumer.commitSync();
            return count / ((System.nanoTime() - started.get()) / 1e9);
        }
    }

    /**
     * The router with {@code threads} workers in one group (as {@code relay.routing.consumers} makes them, the
     * router's configuration defaults), timed from the moment the group holds every input partition to the commit of
     * the last input record.
     */
    private Pass route(Map<String, Object> base, String input, RoutingEngine engine, int threads) throws Exception {
        ActionsConfig actions = TestConfigs.actions(Map.of());
        String group = "bench-router-" + UUID.randomUUID();
        RoutingConfig config = TestConfigs.routing(Map.of("relay.routing.group-id", group));
        RouterClients clients = RouterClients.of(new KafkaClients(base, MAX_RECORD_BYTES), config);
        Map<TopicPartition, Long> before = endOffsets(base, OUTPUTS);
        List<RouterWorker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(new RouterWorker("bench-router-" + i, clients, group + "-" + i, List.of(input), engine,
                    new WebhookSender(actions, new WebhookSigner(actions), new EndpointHealth(actions)),
                    new RoutingMetrics(new SimpleMeterRegistry()), config.poll().timeout()));
        }
        workers.forEach(RouterWorker::start);
        try {
            long started = awaitNanos(() -> workers.stream().mapToInt(w -> w.assignment().size()).sum() == PARTITIONS,
                    workers);
            awaitNanos(() -> workers.stream().mapToLong(RouterWorker::routed).sum() >= EVENTS, workers);
            double rate = EVENTS / ((System.nanoTime() - started) / 1e9);
            return new Pass(rate, Outputs.read(base, before, endOffsets(base, OUTPUTS)));
        } finally {
            workers.forEach(RouterWorker::stop);
            for (RouterWorker worker : workers) {
                worker.awaitStopped(Duration.ofSeconds(30));
            }
        }
    }

    /** Kafka Streams with {@code threads} stream threads, timed from RUNNING to the commit of the last input offset. */
    private Pass streams(Map<String, Object> base, String input, RoutingEngine engine, int threads, Path stateDir)
            throws Exception {
        String application = "bench-streams-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = endOffsets(base, OUTPUTS);
        Map<TopicPartition, Long> inputEnd = endOffsets(base, List.of(input));
        long inputRecords = inputEnd.values().stream().mapToLong(Long::longValue).sum();
        AtomicLong running = new AtomicLong();
        KafkaStreams streams = new KafkaStreams(StreamsRouting.topology(input, engine, OUTPUTS, MAX_RECORD_BYTES),
                new org.apache.kafka.streams.StreamsConfig(StreamsRouting.settings(base, application, threads,
                        stateDir)));
        streams.setStateListener((now, was) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.compareAndSet(0, System.nanoTime());
            }
        });
        try (Admin admin = Admin.create(base)) {
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (committed(admin, application) < inputRecords) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("Streams did not finish: " + streams.state());
                }
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            double rate = EVENTS / ((System.nanoTime() - running.get()) / 1e9);
            return new Pass(rate, Outputs.read(base, before, endOffsets(base, OUTPUTS)));
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** Waits until every partition of the new topics has a leader, so that the first sends do not race it. */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(t -> t.partitions().stream()).anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leaders for " + topics);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /** Waits (parking 1 ms at a time) until {@code done}; returns the time it turned true. */
    private static long awaitNanos(java.util.function.BooleanSupplier done, List<RouterWorker> workers) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!done.getAsBoolean()) {
            for (RouterWorker worker : workers) {
                if (!worker.isRunning() || worker.restarting()) {
                    throw new IllegalStateException("router stopped", worker.failure());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("router did not finish in time");
            }
            LockSupport.parkNanos(1_000_000);
        }
        return System.nanoTime();
    }

    /** High watermarks of the topics' partitions. */
    static Map<TopicPartition, Long> endOffsets(Map<String, Object> base, List<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(base, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return consumer.endOffsets(partitions);
        }
    }

    private static void add(Map<String, List<Double>> rates, String name, double rate) {
        rates.computeIfAbsent(name, k -> new ArrayList<>()).add(rate);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The committed records one pass wrote to the output topics (read_committed, between the high watermarks before
     * and after it): counts per topic, the results that fired (from {@code ce_id} = result id ':' rule), and the
     * identity of every record (topic, key, ce_id) for comparing two runtimes.
     */
    record Outputs(Map<String, Integer> counts, Set<String> identities, int firedResults) {

        int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        int count(String topic) {
            return counts.getOrDefault(topic, 0);
        }

        static Outputs read(Map<String, Object> base, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
            Map<String, Object> config = new HashMap<>(base);
            config.put("isolation.level", "read_committed");
            config.put("enable.auto.commit", "false");
            Map<String, Integer> counts = new HashMap<>();
            Set<String> identities = new HashSet<>();
            Set<String> fired = new HashSet<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.assign(to.keySet());
                to.keySet().forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (to.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read the outputs up to " + to);
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.offset() >= to.get(new TopicPartition(record.topic(), record.partition()))) {
                            continue;
                        }
                        String id = ResultEvents.header(record, io.oprelay.events.CloudEventHeaders.ID);
                        counts.merge(record.topic(), 1, Integer::sum);
                        identities.add(record.topic() + "|" + record.key() + "|" + id);
                        if (id != null && id.contains(":") && !record.topic().equals(DEAD_LETTERS)) {
                            fired.add(id.substring(0, id.indexOf(':')));
                        }
                    }
                }
            }
            return new Outputs(Map.copyOf(counts), identities, fired.size());
        }
    }
}
