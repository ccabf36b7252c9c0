package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.actions.AgentAssistAction;
import io.oprelay.actions.WorkflowAction;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.support.EventContract;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Test clients speaking the relay's event contract: a transactional producer writing result events as the publisher
 * does (key conversation id, value the OperatorResult JSON, CloudEvents headers) and readers of output topics.
 */
public final class ResultEvents implements AutoCloseable {

    private final Map<String, Object> base;
    private final KafkaProducer<String, byte[]> producer;

    public ResultEvents(Map<String, Object> base) {
        this.base = base;
        Map<String, Object> config = new HashMap<>(base);
        config.put("transactional.id", "test-publisher-" + UUID.randomUUID());
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("linger.ms", "0");
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /** The record the publisher writes for a result. */
    public static ProducerRecord<String, byte[]> record(String topic, ObjectNode result) {
        byte[] value = result.toString().getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        String format = result.path("outputFormat").asText();
        add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        add(headers, CloudEventHeaders.ID, result.get("id").asText());
        add(headers, CloudEventHeaders.TYPE, CloudEventHeaders.typeOf(OutputFormat.of(format)));
        add(headers, CloudEventHeaders.SOURCE, "/twilio/accounts/" + result.path("accountId").asText()
                + "/intelligence-configurations/" + result.path("intelligenceConfiguration").path("id").asText());
        add(headers, CloudEventHeaders.SUBJECT, result.get("conversationId").asText());
        add(headers, CloudEventHeaders.TIME, result.path("dateCreated").asText());
        add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        add(headers, CloudEventHeaders.RELAY_PATH, CloudEventHeaders.PATH_POLL);
        return new ProducerRecord<>(topic, null, result.get("conversationId").asText(), value, headers);
    }

    /** Publishes results in one committed transaction. */
    public void publish(String topic, ObjectNode... results) {
        producer.beginTransaction();
        for (ObjectNode result : results) {
            producer.send(record(topic, result));
        }
        producer.commitTransaction();
    }

    /** Publishes records as they are, in one committed transaction. */
    @SafeVarargs
    public final void publishRaw(ProducerRecord<String, byte[]>... records) {
        producer.beginTransaction();
        for (ProducerRecord<String, byte[]> record : records) {
            producer.send(record);
        }
        producer.commitTransaction();
    }

    /** Every record of a topic matching the filter, read from the beginning ({@code read_committed} or not). */
    public List<ConsumerRecord<String, byte[]>> read(String topic, Predicate<ConsumerRecord<String, byte[]>> filter,
                                                     boolean committedOnly) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("isolation.level", committedOnly ? "read_committed" : "read_uncommitted");
        config.put("enable.auto.commit", "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Waits.seconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Duration limit = Waits.seconds(15);
            long deadline = System.nanoTime() + limit.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() >= deadline) {
                    // A partial read would let a count or an exactly-once check pass or fail for the wrong reason.
                    throw new AssertionError("read only part of " + topic + " within " + limit + ": positions "
                            + partitions.stream().map(p -> p + "=" + consumer.position(p)).toList()
                            + ", end offsets " + end);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(record)) {
                        keepsTheContractIfTheRelaysOwn(record);
                        out.add(record);
                    }
                }
            }
        }
        return out;
    }

    /** Hints and commands are the relay's own: each one read must keep the contract (headers, ce_dataschema). */
    private static void keepsTheContractIfTheRelaysOwn(ConsumerRecord<String, byte[]> record) {
        String type = header(record, CloudEventHeaders.TYPE);
        if (record.headers().lastHeader(DeadLetters.REASON) == null
                && (AgentAssistAction.EVENT_TYPE.equals(type) || WorkflowAction.EVENT_TYPE.equals(type))) {
            EventContract.assertKeepsTheContract(record);
        }
    }

    /** Records of a topic with this key. */
    public List<ConsumerRecord<String, byte[]>> readKey(String topic, String key) {
        return read(topic, record -> key.equals(record.key()), true);
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
