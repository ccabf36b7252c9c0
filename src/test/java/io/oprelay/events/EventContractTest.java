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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** The event contract checked on the official spec's example results, one per format, plus an unknown format. */
@QuarkusTest
class EventContractTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    private static final ObjectMapper YAML = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

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
    void schemasAndTheAsyncApiDocumentAreServed() throws Exception {
        for (OutputFormat format : OutputFormat.values()) {
            given().get("/schemas/" + CloudEventHeaders.typeOf(format) + ".json").then().statusCode(200)
                    .body(containsString("$schema"));
        }
        JsonNode asyncApi = YAML.readTree(given().get("/asyncapi.yaml").then().statusCode(200).extract().asString());
        for (OutputFormat format : OutputFormat.values()) {
            JsonNode channel = channelAt(asyncApi, topics.forFormat(format));
            Map<String, JsonNode> messages = messagesOf(asyncApi, channel);
            assertThat(messages).as("messages on %s", topics.forFormat(format)).containsOnlyKeys(
                    CloudEventHeaders.typeOf(format), CloudEventHeaders.deletedTypeOf(format),
                    CloudEventHeaders.oversizeTypeOf(format));
            String ownSchema = "schemas/" + CloudEventHeaders.typeOf(format) + ".json";
            assertThat(payloadOf(messages.get(CloudEventHeaders.typeOf(format)))).isEqualTo(ownSchema);
            assertThat(payloadOf(messages.get(CloudEventHeaders.deletedTypeOf(format)))).isEqualTo(ownSchema);
            assertThat(payloadOf(messages.get(CloudEventHeaders.oversizeTypeOf(format))))
                    .isEqualTo("schemas/" + EventSchemas.OVERSIZE_FILE);
        }
        JsonNode checkpoints = channelAt(asyncApi, topics.checkpoints());
        assertThat(checkpoints.path("messages").size()).as("the checkpoint topic is not for subscribers").isZero();
        String ceId = asyncApi.at("/components/schemas/resultHeaders/properties/ce_id/description").asText();
        assertThat(ceId).contains("<id>:deleted").contains("<id>:oversize");
    }

    /** The one channel of the document with this address. */
    private static JsonNode channelAt(JsonNode asyncApi, String address) {
        List<JsonNode> matching = new ArrayList<>();
        asyncApi.path("channels").forEach(channel -> {
            if (address.equals(channel.path("address").asText())) {
                matching.add(channel);
            }
        });
        assertThat(matching).as("channels with address %s", address).hasSize(1);
        return matching.get(0);
    }

    /** The messages a channel refers to, resolved in the document's components, by their name (the ce_type). */
    private static Map<String, JsonNode> messagesOf(JsonNode asyncApi, JsonNode channel) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        channel.path("messages").forEach(reference -> {
            String ref = reference.path("$ref").asText();
            assertThat(ref).startsWith("#/");
            JsonNode message = asyncApi.at(ref.substring(1));
            assertThat(message.isMissingNode()).as("%s resolves", ref).isFalse();
            assertThat(byName.put(message.path("name").asText(), message)).as("one message named %s",
                    message.path("name").asText()).isNull();
        });
        return byName;
    }

    private static String payloadOf(JsonNode message) {
        return message.path("payload").path("$ref").asText();
    }
}
