package io.oprelay.actions;

import io.oprelay.events.CloudEventHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Kafka records written by actions: keyed by conversation id, CloudEvents headers in binary mode. */
final class OutputRecords {

    private OutputRecords() {
    }

    /** The idempotency key of what a rule does for a result: stable across retries, replays and restarts. */
    static String idempotencyKey(String resultId, String rule) {
        return resultId + ":" + rule;
    }

    /**
     * A hint or command record: {@code ce_id} the idempotency key, {@code ce_source} the rule, {@code ce_dataschema}
     * the schema of {@code eventType}.
     */
    static ProducerRecord<String, byte[]> record(String topic, String conversationId, String eventType, String eventId,
                                                 String rule, String dataSchema, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        add(headers, CloudEventHeaders.ID, eventId);
        add(headers, CloudEventHeaders.TYPE, eventType);
        add(headers, CloudEventHeaders.SOURCE, "/relay/routing/rules/" + rule);
        if (conversationId != null) {
            add(headers, CloudEventHeaders.SUBJECT, conversationId);
        }
        add(headers, CloudEventHeaders.TIME, Instant.now().toString());
        add(headers, CloudEventHeaders.DATA_SCHEMA, dataSchema);
        add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        return new ProducerRecord<>(topic, null, conversationId, value, headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
