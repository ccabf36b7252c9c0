package io.oprelay.routing;

import io.oprelay.kafka.RecordSize;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The router's size check errs on the safe side of the producer's, and a dead letter always fits. */
class RecordSizeTest {

    private static ProducerRecord<String, byte[]> record(int valueBytes, int headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers; i++) {
            h.add("ce_header_" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>("agent-assist.hints", null, "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2",
                new byte[valueBytes], h);
    }

    @Test
    void boundIsNeverBelowTheProducersOwnEstimate() {
        for (int size : new int[] {0, 1, 127, 128, 16_383, 16_384, 1_048_000}) {
            for (int headers : new int[] {0, 1, 8}) {
                ProducerRecord<String, byte[]> record = record(size, headers);
                int kafka = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                        CompressionType.NONE, record.key().getBytes(StandardCharsets.UTF_8), record.value(),
                        record.headers().toArray());
                assertThat(RecordSize.upperBound(record)).isGreaterThanOrEqualTo(kafka).isLessThan(kafka + 200L);
            }
        }
    }

    @Test
    void limitIsTheProducersMaxRequestSize() {
        assertThat(RecordSize.maxRecordBytes(Map.of())).isEqualTo(1_048_576);
        assertThat(RecordSize.maxRecordBytes(Map.of("max.request.size", "2000000"))).isEqualTo(2_000_000);
        assertThat(RecordSize.maxRecordBytes(Map.of("max.request.size", 5_000, "buffer.memory", 4_000L)))
                .isEqualTo(4_000);
    }

    @Test
    void deadLetterTooLargeToSendLeavesItsValueOutAndSaysSo() {
        ConsumerRecord<String, byte[]> source = new ConsumerRecord<>("results", 2, 41L, "conv", new byte[1_048_400]);
        ProducerRecord<String, byte[]> letter = DeadLetters.of("dead", source, "output too large", "r", "a", 0);
        assertThat(RecordSize.upperBound(letter)).isGreaterThan(1_048_576);

        ProducerRecord<String, byte[]> sent = DeadLetters.fitting(letter, 1_048_576);
        assertThat(sent.value()).isNull();
        assertThat(sent.key()).isEqualTo("conv");
        assertThat(header(sent, DeadLetters.VALUE_OMITTED)).isEqualTo("1048400 bytes");
        assertThat(header(sent, DeadLetters.REASON)).isEqualTo("output too large");
        assertThat(header(sent, DeadLetters.SOURCE_OFFSET)).isEqualTo("41");
        assertThat(RecordSize.upperBound(sent)).isLessThan(1_048_576);

        assertThat(DeadLetters.fitting(letter, 2_000_000)).isSameAs(letter);
        ProducerRecord<String, byte[]> output = record(1_100_000, 0);
        assertThat(DeadLetters.fitting(output, 1_048_576)).as("only dead letters are trimmed").isSameAs(output);
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
