package io.oprelay.routing;

import io.oprelay.kafka.RecordSize;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Dead-letter records: the original event (same key, value and headers) plus {@code relay_dlq_*} headers saying why,
 * for which rule and action, and where the event came from.
 */
public final class DeadLetters {

    public static final String REASON = "relay_dlq_reason";
    public static final String RULE = "relay_dlq_rule";
    public static final String ACTION = "relay_dlq_action";
    public static final String ATTEMPTS = "relay_dlq_attempts";
    public static final String SOURCE_TOPIC = "relay_dlq_topic";
    public static final String SOURCE_PARTITION = "relay_dlq_partition";
    public static final String SOURCE_OFFSET = "relay_dlq_offset";
    public static final String TIME = "relay_dlq_time";
    /** Set when the original value was left out because the dead letter would have been too large to send. */
    public static final String VALUE_OMITTED = "relay_dlq_value_omitted";

    private DeadLetters() {
    }

    /** The dead letter of an event; rule and action may be null (an unreadable event), attempts 0 when none was made. */
    public static ProducerRecord<String, byte[]> of(String topic, ConsumerRecord<String, byte[]> original,
                                                    String reason, String rule, String action, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            headers.add(header);
        }
        add(headers, REASON, reason);
        if (rule != null) {
            add(headers, RULE, rule);
        }
        if (action != null) {
            add(headers, ACTION, action);
        }
        add(headers, ATTEMPTS, Integer.toString(attempts));
        add(headers, SOURCE_TOPIC, original.topic());
        add(headers, SOURCE_PARTITION, Integer.toString(original.partition()));
        add(headers, SOURCE_OFFSET, Long.toString(original.offset()));
        add(headers, TIME, Instant.now().toString());
        return new ProducerRecord<>(topic, null, original.key(), original.value(), headers);
    }

    /**
     * The record as it is when it fits in {@code maxRecordBytes}; otherwise, when it is a dead letter, the same
     * letter without the original value and with {@value #VALUE_OMITTED} giving its size (the source topic and
     * offset headers still locate it). Other records are returned unchanged.
     */
    static ProducerRecord<String, byte[]> fitting(ProducerRecord<String, byte[]> record, long maxRecordBytes) {
        if (record.headers().lastHeader(REASON) == null || RecordSize.upperBound(record) <= maxRecordBytes) {
            return record;
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        add(headers, VALUE_OMITTED, (record.value() == null ? 0 : record.value().length) + " bytes");
        return new ProducerRecord<>(record.topic(), record.partition(), record.key(), null, headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
