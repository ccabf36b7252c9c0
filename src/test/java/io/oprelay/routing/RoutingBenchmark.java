package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.actions.ActionsConfig;
import io.oprelay.actions.AgentAssistAction;
import io.oprelay.actions.EndpointHealth;
import io.oprelay.actions.WebhookPolicy;
import io.oprelay.actions.WebhookSender;
import io.oprelay.actions.WebhookSigner;
import io.oprelay.actions.WorkflowAction;
import io.oprelay.events.EventSchemas;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.support.KafkaBrokerResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing throughput: a backlog of 200,000 result events routed by 100 rules, next to a plain read_committed
 * consumer reading the same topic in the same run. Run: {@code ./mvnw -B -ntp test -Dtest=RoutingBenchmark}.
 */
class RoutingBenchmark {

    static final int EVENTS = Integer.getInteger("routing.benchmark.events", 200_000);
    static final int RULES = 100;
    static final String[] LABELS = {"angry", "frustrated", "neutral", "happy", "confused", "satisfied", "upset",
            "calm", "curious", "impatient"};

    @Test
    void routesABacklogWithAHundredRules() throws Exception {
        KafkaBrokerResource broker = new KafkaBrokerResource();
        broker.start();
        try {
            run(Map.of("bootstrap.servers", KafkaBrokerResource.bootstrapServers()));
        } finally {
            broker.stop();
        }
    }

    private void run(Map<String, Object> base) throws Exception {
        String input = "bench.results." + UUID.randomUUID().toString().substring(0, 6);
        try (Admin admin = Admin.create(base)) {
            admin.createTopics(List.of(new NewTopic(input, 3, (short) 1), new NewTopic("agent-assist.hints", 3, (short) 1),
                    new NewTopic("workflow.actions", 3, (short) 1))).all().get();
        }
        fill(base, input);

        plainRead(base, input);                                  // warm-up
        double plain = plainRead(base, input);
        double routed = route(base, input, "warm-up");           // warm-up
        routed = route(base, input, "measured");
        double plainAfter = plainRead(base, input);
        double plainBest = Math.max(plain, plainAfter);
        System.out.printf("%nRouting benchmark: %,d events, %d rules%n  plain read_committed consumer: %,.0f events/s%n"
                        + "  router (rules + transactional hints/commands + offsets): %,.0f results/s%n"
                        + "  ratio router/plain: %.2f%n%n", EVENTS, RULES, plainBest, routed, routed / plainBest);
        assertThat(routed).isPositive();
    }

    private static void fill(Map<String, Object> base, String topic) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("linger.ms", "20");
        config.put("batch.size", "262144");
        config.put("compression.type", "none");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            String[] conversations = new String[500];
            for (int i = 0; i < conversations.length; i++) {
                conversations[i] = SampleResults.conversationId();
            }
            for (int i = 0; i < EVENTS; i++) {
                String conversation = conversations[i % conversations.length];
                ObjectNode result = i % 2 == 0
                        ? SampleResults.classification(conversation, LABELS[i % LABELS.length])
                        : SampleResults.scored(conversation, (i % 100) / 100.0, "explanation " + i);
                producer.send(ResultEvents.record(topic, result));
            }
            producer.flush();
        }
    }

    private static double plainRead(Map<String, Object> base, String topic) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("group.id", "bench-plain-" + UUID.randomUUID());
        config.put("isolation.level", "read_committed");
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", "false");
        config.put("max.poll.records", "500");
        long count = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < EVENTS) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        count++;
                    }
                }
            }
            consumer.commitSync();
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    private static double route(Map<String, Object> base, String input, String name) throws Exception {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        ActionsConfig config = TestConfigs.actions(Map.of());
        WebhookPolicy policy = new WebhookPolicy(config);
        ActionType assist = new AgentAssistAction(config, policy, mapper, EventSchemas.defaults());
        ActionType workflow = new WorkflowAction(config, policy, mapper, EventSchemas.defaults());
        RulesParser parser = new RulesParser(Map.of(assist.type(), assist, workflow.type(), workflow));
        RoutingEngine engine = new RoutingEngine(parser.parse("benchmark", rules()), mapper, "bench.dead-letters");
        String group = "bench-router-" + UUID.randomUUID();
        RouterClients clients = RouterClients.of(new KafkaClients(base, 1_048_576), group, 500,
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60));
        RouterWorker worker = new RouterWorker("bench-" + name, clients, group + "-0", List.of(input), engine,
                new WebhookSender(config, new WebhookSigner(config), new EndpointHealth(config)),
                new RoutingMetrics(new SimpleMeterRegistry()), Duration.ofMillis(200));
        long started = System.nanoTime();
        worker.start();
        while (worker.routed() < EVENTS) {
            if (!worker.isRunning()) {
                throw new IllegalStateException("router stopped", worker.failure());
            }
            Thread.onSpinWait();
            worker.awaitStopped(Duration.ofMillis(20));
        }
        double rate = worker.routed() / ((System.nanoTime() - started) / 1e9);
        worker.stop();
        worker.awaitStopped(Duration.ofSeconds(30));
        return rate;
    }

    /** 100 rules: label rules, score bands and combinations; about one result in five fires one or more. */
    static String rules() {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (int i = 0; i < RULES - 2; i++) {
            yaml.append("  - name: rule-").append(i).append('\n');
            switch (i % 4) {
                case 0 -> yaml.append("    when: {format: CLASSIFICATION, label: {oneOf: [angry, x").append(i)
                        .append("]}, participantType: CUSTOMER, operator: op-").append(i).append("}\n");
                case 1 -> yaml.append("    when: {score: {between: [").append(i / 100.0).append(", ")
                        .append(i / 100.0).append("]}}\n");
                case 2 -> yaml.append("    when: {all: [{format: JSON}, {channel: SMS}, {score: {'<': 0.")
                        .append(10 + i % 80).append("}}]}\n");
                default -> yaml.append("    when: {any: [{label: x").append(i).append("}, {trigger: CONVERSATION_END}]}\n");
            }
            yaml.append("    actions:\n      - {type: agent-assist, message: \"{{label}} {{score}}\"}\n")
                    .append("      - {type: workflow, action: a").append(i).append("}\n");
        }
        yaml.append("  - name: angry\n    when: {label: angry}\n    actions:\n      - {type: agent-assist, message: hi}\n");
        yaml.append("  - name: low\n    when: {score: {'<': 0.1}}\n    actions:\n      - {type: workflow, action: low}\n");
        return yaml.toString();
    }
}
