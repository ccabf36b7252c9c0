package io.oprelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.oprelay.twilio.OutputFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks a published record against the event contract: headers, key, and the JSON Schema of its type. */
public final class EventContract {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<OutputFormat, Schema> SCHEMAS = new EnumMap<>(OutputFormat.class);

    static {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        for (OutputFormat format : OutputFormat.values()) {
            SCHEMAS.put(format, registry.getSchema(schemaText(format), InputFormat.JSON));
        }
    }

    private EventContract() {
    }

    public static String schemaText(OutputFormat format) {
        String path = "/META-INF/resources/schemas/io.oprelay.operatorresult." + format.slug() + ".v1.json";
        try (InputStream in = EventContract.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("no schema at " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        var errors = SCHEMAS.get(format).validate(new String(record.value(), StandardCharsets.UTF_8),
                InputFormat.JSON);
        assertThat(errors).as("schema errors of %s", header(record, "ce_id")).isEmpty();
    }

    public static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
