package io.oprelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.EventSchemas;
import io.oprelay.twilio.OutputFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks a published record against the event contract: headers, key, and the JSON Schema of its type. */
public final class EventContract {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The contract as the build publishes it (default topic names and schema base). */
    private static final ContractValidator CONTRACT = ContractValidator.ofClassPath();

    private EventContract() {
    }

    /** The published contract, to validate records of the default topics. */
    public static ContractValidator contract() {
        return CONTRACT;
    }

    /** The JSON Schema of the created events of a format, its references resolved. */
    public static Schema schema(OutputFormat format) {
        return CONTRACT.payloadSchema(CloudEventHeaders.typeOf(format) + ".json");
    }

    /**
     * Asserts that a record, of any topic the relay writes (results, deletions, claim-checks, hints, commands, dead
     * letters), carries the headers its AsyncAPI message declares and a value valid against its ce_dataschema.
     */
    public static void assertKeepsTheContract(ConsumerRecord<String, byte[]> record) {
        assertThat(CONTRACT.problemsAnyTopic(record)).as("contract problems of %s-%d@%d", record.topic(),
                record.partition(), record.offset()).isEmpty();
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Asserts everything the contract promises about one result event. */
    public static void assertValidResultEvent(ConsumerRecord<String, byte[]> record, String expectedPath) {
        JsonNode value = parse(record.value());
        OutputFormat format = OutputFormat.of(value.path("outputFormat").asText(null));
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_id")).isEqualTo(value.path("id").asText());
        assertThat(header(record, "ce_type")).isEqualTo("io.oprelay.operatorresult." + format.slug() + ".v1");
        assertThat(header(record, "ce_subject")).isEqualTo(value.path("conversationId").asText());
        assertThat(record.key()).isEqualTo(value.path("conversationId").asText());
        assertThat(header(record, "ce_source")).startsWith("/twilio/accounts/" + value.path("accountId").asText());
        assertThat(Instant.parse(header(record, "ce_time")))
                .isEqualTo(Instant.parse(value.path("dateCreated").asText()));
        assertThat(header(record, "content-type")).isEqualTo("application/json");
        assertThat(header(record, "ce_relaypath")).isEqualTo(expectedPath);
        assertThat(record.topic()).endsWith("." + format.slug());
        assertThat(header(record, "ce_dataschema"))
                .isEqualTo(EventSchemas.DEFAULT_BASE + CloudEventHeaders.typeOf(format) + ".json");
        assertKeepsTheContract(record);
    }

    public static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
