package io.oprelay.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.support.EventContract;
import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** The event contract checked on the official spec's example results, one per format, plus an unknown format. */
@QuarkusTest
class EventContractTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

    @Inject
    ResultEvents events;
    @Inject
    TopicsConfig topics;

    static List<ObjectNode> specExamples() throws Exception {
        try (InputStream in = EventContractTest.class.getResourceAsStream("/twilio/twilio-intelligence-v3.openapi.json")) {
            JsonNode spec = MAPPER.readTree(in);
            JsonNode item = spec.at("/components/examples/OperatorResultListExample/value/items/0");
            List<ObjectNode> examples = new ArrayList<>();
            for (String format : List.of("JSON", "CLASSIFICATION", "TEXT", "EXTRACTION", "SENTIMENT_V2")) {
                ObjectNode copy = item.deepCopy();
                copy.put("outputFormat", format);
                switch (format) {
                    case "CLASSIFICATION" -> copy.set("result", MAPPER.readTree("{\"label\":\"frustrated\"}"));
                    case "TEXT" -> copy.set("result", MAPPER.readTree("{\"text\":\"Customer asked for a refund.\"}"));
                    case "EXTRACTION" -> copy.set("result",
                            MAPPER.readTree("{\"entities\":[{\"text\":\"order 1234\",\"label\":\"ORDER\"}]}"));
                    default -> { }
                }
                examples.add(copy);
            }
            return examples;
        }
    }

    static ConsumerRecord<String, byte[]> asConsumed(ProducerRecord<String, byte[]> record) {
        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(record.topic(), 0, 0L, 0L,
                TimestampType.CREATE_TIME, 0, record.value().length, record.key(), record.value(), record.headers(),
                Optional.empty());
        return consumed;
    }

    @Test
    void everyFormatGoesToItsTopicWithTheContractHeadersAndValidatesAgainstItsSchema() throws Exception {
        for (ObjectNode example : specExamples()) {
            byte[] json = MAPPER.writeValueAsBytes(example);
            RawResult result = new RawResult(MAPPER.readValue(json, OperatorResult.class), json);
            ProducerRecord<String, byte[]> record = events.created(result, CloudEventHeaders.PATH_POLL);
            assertThat(record.topic()).isEqualTo(topics.forFormat(result.view().format()));
            assertThat(record.value()).isSameAs(json);
            EventContract.assertValidResultEvent(asConsumed(record), "poll");
        }
    }

    @Test
    void anUnknownFormatIsKeptOnTheOtherTopicWithItsNameInAHeader() throws Exception {
        ObjectNode example = specExamples().get(4);
        byte[] json = MAPPER.writeValueAsBytes(example);
        RawResult result = new RawResult(MAPPER.readValue(json, OperatorResult.class), json);
        ProducerRecord<String, byte[]> record = events.created(result, CloudEventHeaders.PATH_WEBHOOK);
        assertThat(record.topic()).isEqualTo("intelligence.operator-results.other");
        assertThat(EventContract.header(asConsumed(record), "ce_outputformat")).isEqualTo("SENTIMENT_V2");
        assertThat(EventContract.header(asConsumed(record), "ce_relaypath")).isEqualTo("webhook");
    }

    @Test
    void aSchemaRejectsAResultMissingWhatTheSpecRequires() throws Exception {
        ObjectNode broken = specExamples().get(1);
        broken.remove("conversationId");
        var schema = EventContract.schema(OutputFormat.CLASSIFICATION);
        assertThat(schema.validate(MAPPER.writeValueAsString(broken), com.networknt.schema.InputFormat.JSON))
                .isNotEmpty();
    }

    @Test
    void everySchemaAcceptsAResultThatAccessedNoMemory() throws Exception {
        for (ObjectNode example : specExamples()) {
            example.with("executionDetails").with("resolvedContext").putNull("memory");
            byte[] json = MAPPER.writeValueAsBytes(example);
            RawResult result = new RawResult(MAPPER.readValue(json, OperatorResult.class), json);
            EventContract.assertValidResultEvent(asConsumed(events.created(result, CloudEventHeaders.PATH_POLL)),
                    "poll");
        }
    }

    @Test
    void aDeletionEventHasItsOwnIdBesideTheCreatedEventsId() throws Exception {
        ObjectNode example = specExamples().get(2);
        byte[] json = MAPPER.writeValueAsBytes(example);
        RawResult result = new RawResult(MAPPER.readValue(json, OperatorResult.class), json);
        ConsumerRecord<String, byte[]> created = asConsumed(events.created(result, CloudEventHeaders.PATH_POLL));
        ConsumerRecord<String, byte[]> deleted = asConsumed(events.deleted(result));
        assertThat(EventContract.header(created, "ce_id")).isEqualTo(result.id());
        assertThat(EventContract.header(deleted, "ce_id")).isEqualTo(result.id() + ":deleted");
        assertThat(EventContract.header(deleted, "ce_source")).isEqualTo(EventContract.header(created, "ce_source"));
        assertThat(EventContract.header(deleted, "ce_type")).isEqualTo(CloudEventHeaders.deletedTypeOf(OutputFormat.TEXT));
    }

    @Test
    void aClaimCheckKeepsKeyAndHeadersWithItsOwnIdTypeAndSchema() throws Exception {
        ObjectNode example = specExamples().get(0);
        byte[] json = MAPPER.writeValueAsBytes(example);
        RawResult result = new RawResult(MAPPER.readValue(json, OperatorResult.class), json);
        ProducerRecord<String, byte[]> created = events.created(result, CloudEventHeaders.PATH_WEBHOOK);
        ConsumerRecord<String, byte[]> claim = asConsumed(ResultEvents.claimCheck(created));

        assertThat(claim.topic()).isEqualTo(created.topic());
        assertThat(claim.key()).isEqualTo(created.key());
        assertThat(EventContract.header(claim, "ce_id")).isEqualTo(result.id() + ":oversize");
        assertThat(EventContract.header(claim, "ce_type")).isEqualTo("io.oprelay.operatorresult.json.oversize.v1");
        assertThat(EventContract.header(claim, "ce_dataschema"))
                .isEqualTo("https://schemas.oprelay.io/io.oprelay.operatorresult.oversize.v1.json");
        for (String same : List.of("ce_specversion", "ce_source", "ce_subject", "ce_time", "ce_outputformat",
                "ce_relaypath", "content-type")) {
            assertThat(EventContract.header(claim, same)).as(same)
                    .isEqualTo(EventContract.header(asConsumed(created), same));
        }
        JsonNode value = EventContract.parse(claim.value());
        assertThat(value.path("id").asText()).isEqualTo(result.id());
        assertThat(value.path("outputFormat").asText()).isEqualTo("JSON");
        assertThat(value.path("size").asLong()).isEqualTo(json.length);
        given().get("/schemas/" + EventSchemas.OVERSIZE_FILE).then().statusCode(200);
        EventContract.assertKeepsTheContract(claim);
    }

    @Test
    void schemasAndTheAsyncApiDocumentAreServed() {
        for (OutputFormat format : OutputFormat.values()) {
            given().get("/schemas/" + CloudEventHeaders.typeOf(format) + ".json").then().statusCode(200)
                    .body(containsString("$schema"));
        }
        String asyncApi = given().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        for (OutputFormat format : OutputFormat.values()) {
            assertThat(asyncApi).contains("address: " + topics.forFormat(format))
                    .contains(CloudEventHeaders.typeOf(format)).contains(CloudEventHeaders.deletedTypeOf(format))
                    .contains(CloudEventHeaders.oversizeTypeOf(format))
                    .contains("schemas/" + CloudEventHeaders.typeOf(format) + ".json");
        }
        assertThat(asyncApi).contains("address: " + topics.checkpoints()).contains(EventSchemas.OVERSIZE_FILE)
                .contains("<id>:deleted").contains("<id>:oversize");
        assertThat(new String(asyncApi.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isNotBlank();
    }
}
