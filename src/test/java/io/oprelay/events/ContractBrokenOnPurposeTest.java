package io.oprelay.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.support.ContractValidator;
import io.oprelay.support.EventContract;
import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract tests can fail: the shared validator, fed a copy of the published contract broken on purpose (a
 * schema, the AsyncAPI document) or a record with a broken header, reports it; the pristine copy reports nothing.
 * Also: the five result schemas are one common schema plus their format's two properties, so they cannot drift.
 */
@QuarkusTest
class ContractBrokenOnPurposeTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    private static final Path PUBLISHED = Path.of("target/contract");

    @Inject
    ResultEvents events;

    @TempDir
    Path copy;

    private ProducerRecord<String, byte[]> created;
    private ProducerRecord<String, byte[]> deleted;

    @BeforeEach
    void copyThePublishedContractAndMakeEvents() throws Exception {
        Files.createDirectories(copy.resolve("schemas"));
        Files.copy(PUBLISHED.resolve("asyncapi.yaml"), copy.resolve("asyncapi.yaml"));
        try (var files = Files.list(PUBLISHED.resolve("schemas"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve("schemas").resolve(file.getFileName()));
            }
        }
        ObjectNode example = EventContractTest.specExamples().get(1);
        byte[] json = MAPPER.writeValueAsBytes(example);
        RawResult result = new RawResult(MAPPER.readValue(json, OperatorResult.class), json);
        created = events.created(result, CloudEventHeaders.PATH_POLL);
        deleted = events.deleted(result);
    }

    private ContractValidator copied() {
        return ContractValidator.ofDirectory(copy, EventSchemas.DEFAULT_BASE);
    }

    private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> record) {
        return EventContractTest.asConsumed(record);
    }

    private static ProducerRecord<String, byte[]> withHeader(ProducerRecord<String, byte[]> record, String name,
                                                             String value) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(name);
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers);
    }

    @Test
    void thePublishedContractAcceptsTheRelaysEvents() {
        assertThat(copied().problems(consumed(created))).isEmpty();
        assertThat(copied().problems(consumed(deleted))).isEmpty();
        assertThat(copied().problems(consumed(ResultEvents.claimCheck(created)))).isEmpty();
    }

    @Test
    void aSchemaBrokenOnPurposeFailsTheCheck() throws Exception {
        Path common = copy.resolve("schemas/io.oprelay.operatorresult.common.v1.json");
        Files.writeString(common, Files.readString(common).replace("\"conversationId\": {\n      \"type\": \"string\"",
                "\"conversationId\": {\n      \"type\": \"integer\""));
        assertThat(copied().problems(consumed(created))).anySatisfy(p -> assertThat(p).contains("conversationId"));
    }

    @Test
    void aBrokenHeaderFailsTheCheck() {
        assertThat(copied().problems(consumed(withHeader(created, "ce_dataschema",
                "/schemas/io.oprelay.operatorresult.classification.v1.json"))))
                .anySatisfy(p -> assertThat(p).contains("not an absolute URI"));
        assertThat(copied().problems(consumed(withHeader(created, "ce_dataschema",
                EventSchemas.DEFAULT_BASE + "io.oprelay.operatorresult.text.v1.json"))))
                .anySatisfy(p -> assertThat(p).contains("is not the payload schema"));
        assertThat(copied().problems(consumed(withHeader(created, "ce_dataschema", null))))
                .anySatisfy(p -> assertThat(p).contains("ce_dataschema"));
        assertThat(copied().problems(consumed(withHeader(created, "ce_specversion", null))))
                .anySatisfy(p -> assertThat(p).contains("ce_specversion"));
        assertThat(copied().problems(consumed(withHeader(created, "ce_type", "io.oprelay.operatorresult.json.v1"))))
                .anySatisfy(p -> assertThat(p).contains("belongs to channel 'json'"));
    }

    @Test
    void anAsyncApiDocumentBrokenOnPurposeFailsTheCheck() throws Exception {
        Path document = copy.resolve("asyncapi.yaml");
        String text = Files.readString(document);
        Files.writeString(document, text.replace(
                "      deleted: {$ref: '#/components/messages/classificationDeleted'}\n", ""));
        assertThat(copied().problems(consumed(deleted))).anySatisfy(p -> assertThat(p).contains("no message"));
        Files.writeString(document, text.replace("required: [ce_specversion, ce_id, ce_type, ce_source,",
                "required: [ce_missing, ce_specversion, ce_id, ce_type, ce_source,"));
        assertThat(copied().problems(consumed(created))).anySatisfy(p -> assertThat(p).contains("ce_missing"));
    }

    @Test
    void everyResultSchemaIsTheCommonSchemaPlusItsOutputFormatAndResult() throws Exception {
        for (OutputFormat format : OutputFormat.values()) {
            JsonNode schema = MAPPER.readTree(PUBLISHED.resolve("schemas")
                    .resolve(CloudEventHeaders.typeOf(format) + ".json").toFile());
            assertThat(schema.path("allOf")).as(format.slug()).hasSize(1);
            assertThat(schema.at("/allOf/0/$ref").asText()).isEqualTo("io.oprelay.operatorresult.common.v1.json");
            assertThat(fieldNames(schema.path("properties"))).as(format.slug())
                    .containsExactlyInAnyOrder("outputFormat", "result");
            assertThat(schema.has("required")).as("requirements belong to the common schema").isFalse();
            assertThat(schema.path("$id").asText()).isEqualTo(EventSchemas.DEFAULT_BASE
                    + CloudEventHeaders.typeOf(format) + ".json");
        }
        JsonNode common = MAPPER.readTree(PUBLISHED.resolve("schemas/io.oprelay.operatorresult.common.v1.json")
                .toFile());
        assertThat(fieldNames(common.path("properties"))).doesNotContain("outputFormat", "result");
        assertThat(EventContract.schema(OutputFormat.OTHER).validate("{\"outputFormat\":\"X\"}",
                com.networknt.schema.InputFormat.JSON)).as("the common requirements apply to every format")
                .isNotEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

}
