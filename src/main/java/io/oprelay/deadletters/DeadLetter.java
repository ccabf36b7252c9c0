package io.oprelay.deadletters;

import io.oprelay.events.CloudEventHeaders;
import io.oprelay.routing.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * One dead letter as {@code GET /api/dead-letters} lists it: its position in the dead-letter topic ({@code id} is
 * {@code <partition>-<offset>}), the {@code relay_dlq_*} headers and the event's identity (a result event's
 * {@code ce_id} is the result id); never the event itself.
 */
public record DeadLetter(String id, int partition, long offset, String time, String reason, String rule,
                         String action, int attempts, String sourceTopic, Integer sourcePartition, Long sourceOffset,
                         String key, String eventType, String resultId, boolean valueOmitted) {

    /** Whether a record of the dead-letter topic is a dead letter (it carries a reason). */
    static boolean isDeadLetter(ConsumerRecord<String, byte[]> record) {
        return record.headers().lastHeader(DeadLetters.REASON) != null;
    }

    /** The dead letter a record of the dead-letter topic holds. */
    static DeadLetter of(ConsumerRecord<String, byte[]> record) {
        return new DeadLetter(record.partition() + "-" + record.offset(), record.partition(), record.offset(),
                header(record, DeadLetters.TIME), header(record, DeadLetters.REASON), header(record, DeadLetters.RULE),
                header(record, DeadLetters.ACTION), intOr(header(record, DeadLetters.ATTEMPTS), 0),
                header(record, DeadLetters.SOURCE_TOPIC), integer(header(record, DeadLetters.SOURCE_PARTITION)),
                number(header(record, DeadLetters.SOURCE_OFFSET)), record.key(),
                header(record, CloudEventHeaders.TYPE), header(record, CloudEventHeaders.ID),
                header(record, DeadLetters.VALUE_OMITTED) != null);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int intOr(String text, int otherwise) {
        Integer value = integer(text);
        return value == null ? otherwise : value;
    }

    private static Integer integer(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
