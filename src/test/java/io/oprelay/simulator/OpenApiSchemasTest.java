package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.twilio.TwilioJson;
import io.oprelay.twilio.TwilioSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conversion of the official OpenAPI description to JSON Schema keeps what the spec says: the spec's own example
 * passes; {@code nullable} and "null if ..." fields take null, others do not; the discriminator tells the formats
 * apart; patterns, formats and {@code additionalProperties} hold.
 */
class OpenApiSchemasTest {

    private static final OpenApiSchemas SPEC = OpenApiSchemas.official();
    private static final String ERROR_400 = OpenApiSchemas.response("/v3/OperatorResults", "get", 400);

    /** The spec's single-result example with the {@code metadata} its own schema requires (the example lacks it). */
    private static ObjectNode example() {
        ObjectNode example = TwilioSpec.example("OperatorResultExample").deepCopy();
        example.putObject("metadata").putObject("system").put("latencyMs", 1200).put("inputCharacters", 5000)
                .put("outputCharacters", 80).put("inputTruncated", false);
        return example;
    }

    private static ObjectNode participant(ObjectNode result) {
        return (ObjectNode) result.path("executionDetails").path("participants").get(0);
    }

    private static ObjectNode resolvedContext(ObjectNode result) {
        return result.withObjectProperty("executionDetails").withObjectProperty("resolvedContext");
    }

    private static java.util.List<String> problems(JsonNode result) {
        return SPEC.problems(OpenApiSchemas.RESULT, result.toString());
    }

    @Test
    void theSpecsExampleIsValidOnceItHasTheMetadataItsSchemaRequires() {
        assertThat(problems(TwilioSpec.example("OperatorResultExample")))
                .anySatisfy(problem -> assertThat(problem).contains("required property 'metadata' not found"));
        assertThat(problems(example())).isEmpty();
        ObjectNode page = TwilioSpec.example("OperatorResultListExample").deepCopy();
        page.putArray("items").add(example()).add(example());
        assertThat(SPEC.problems(OpenApiSchemas.response("/v3/OperatorResults", "get", 200), page.toString()))
                .isEmpty();
    }

    @Test
    void fieldsMarkedNullableOrSaidToBeNullIfSomethingTakeNull() {
        ObjectNode result = example();
        resolvedContext(result).putNull("memory");
        resolvedContext(result).putNull("knowledge");

        assertThat(problems(result)).isEmpty();
    }

    @Test
    void aNullProfileIdIsOffTheSpec() {
        ObjectNode result = example();
        participant(result).putNull("profileId");

        assertThat(problems(result)).anySatisfy(problem -> assertThat(problem)
                .contains("/executionDetails/participants/0/profileId: null found, string expected"));
        participant(result).remove("profileId");
        assertThat(problems(result)).isEmpty();
    }

    @Test
    void theDiscriminatorHoldsEachFormatToItsResultShape() {
        ObjectNode result = example();
        result.put("outputFormat", "CLASSIFICATION");
        result.putObject("result").put("labels", "POSITIVE");

        assertThat(problems(result)).isNotEmpty();
        ((ObjectNode) result.get("result")).put("label", "POSITIVE");
        assertThat(problems(result)).isEmpty();
        result.put("outputFormat", "AUDIO");
        assertThat(problems(result)).isNotEmpty();
    }

    @Test
    void patternsFormatsAndAdditionalPropertiesHoldAsTheSpecSays() throws Exception {
        ObjectNode badId = example();
        participant(badId).put("id", "CH1");
        ObjectNode badDate = example();
        badDate.put("dateCreated", "yesterday");
        ObjectNode extraField = example();
        extraField.withObjectProperty("operator").put("displayName", "Sentiment");

        assertThat(problems(badId)).isNotEmpty();
        assertThat(problems(badDate)).isNotEmpty();
        assertThat(problems(extraField)).isEmpty();
        JsonNode error = TwilioJson.mapper().readTree(
                "{\"code\":20001,\"message\":\"m\",\"httpStatusCode\":400,\"params\":{\"parameter\":\"pageSize\"}}");
        assertThat(SPEC.problems(ERROR_400, error.toString())).isEmpty();
        ((ObjectNode) error.get("params")).put("count", 3);
        assertThat(SPEC.problems(ERROR_400, error.toString())).isNotEmpty();
    }
}
