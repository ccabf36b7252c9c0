package io.oprelay.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How large a record is on the wire, at most, and how large a producer lets it be. A record above the
 * limit fails inside the transaction and would make the whole batch fail again on every replay, so the router
 * checks before it sends.
 */
public final class RecordSize {

    /** Kafka's record batch header (magic v2). */
    private static final int BATCH_OVERHEAD = 61;
    /** Record length, attributes, timestamp delta, offset delta, key length, value length, header count. */
    private static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
    /** Key length and value length of one header. */
    private static final int HEADER_OVERHEAD = 5 + 5;
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

    private RecordSize() {
    }

    /**
     * An upper bound of the serialised size of a record alone in an uncompressed batch, as the producer estimates
     * it before comparing it with {@code max.request.size} (varints counted at their longest).
     */
    public static long upperBound(ProducerRecord<String, byte[]> record) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD;
        if (record.key() != null) {
            size += record.key().getBytes(StandardCharsets.UTF_8).length;
        }
        if (record.value() != null) {
            size += record.value().length;
        }
        for (Header header : record.headers()) {
            size += HEADER_OVERHEAD + header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /** The largest record a producer with these settings sends: {@code max.request.size} (within {@code buffer.memory}). */
    public static long maxRecordBytes(Map<String, Object> producerConfig) {
        long maxRequest = number(producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), DEFAULT_MAX_REQUEST_SIZE);
        long bufferMemory = number(producerConfig.get(ProducerConfig.BUFFER_MEMORY_CONFIG), DEFAULT_BUFFER_MEMORY);
        return Math.min(maxRequest, bufferMemory);
    }

    private static long number(Object value, long fallback) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text && !text.isBlank()) {
            return Long.parseLong(text.trim());
        }
        return fallback;
    }
}
