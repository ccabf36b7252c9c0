package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.oprelay.twilio.TwilioJson;
import io.oprelay.twilio.TwilioSpec;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of answer the simulator gives validates against the schemas of the official OpenAPI description
 * (OpenAPI 3.0 dialect: {@code nullable} and {@code discriminator} honoured).
 */
@QuarkusTest
class SimulatorContractTest extends SimulatorFixture {

    private static final String SPEC = "https://oprelay.test/spec.json";
    /** The spec plus the deviations seen in real payloads (README of the reference): nullable profileId and memory. */
    private static final String OBSERVED = "https://oprelay.test/observed.json";
    private static final String LIST_PATH = "#/paths/~1v3~1OperatorResults/get/responses/";
    private static final String JSON_SCHEMA = "/content/application~1json/schema";
    private static final String RESULT = "#/components/schemas/OperatorResultsResponseV1";
    private static final SchemaRegistry REGISTRY = registry();

    private static SchemaRegistry registry() {
        JsonNode spec = discriminatedByEnum(TwilioSpec.tree());
        JsonNode observed = spec.deepCopy();
        JsonNode schemas = observed.path("components").path("schemas");
        ((ObjectNode) schemas.path("ExecutionDetails").path("properties").path("participants").path("items")
                .path("properties").path("profileId")).put("nullable", true);
        ((ObjectNode) schemas.path("ResolvedContext").path("properties").path("memory")).put("nullable", true);
        return SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(),
                builder -> builder.schemas(Map.of(SPEC, spec.toString(), OBSERVED, observed.toString())));
    }

    /**
     * The result schema is a {@code oneOf} whose JSON variant accepts any {@code result}, so only its
     * {@code discriminator} tells the variants apart. The mapping is applied by pinning {@code outputFormat} of each
     * mapped variant to its value, which makes the {@code oneOf} exact (and the discriminator keyword redundant).
     */
    private static JsonNode discriminatedByEnum(JsonNode spec) {
        JsonNode schemas = spec.path("components").path("schemas");
        ObjectNode union = (ObjectNode) schemas.path("OperatorResultsResponseV1");
        union.path("discriminator").path("mapping").fields().forEachRemaining(entry -> {
            String variant = entry.getValue().asText().substring("#/components/schemas/".length());
            ObjectNode properties = (ObjectNode) schemas.path(variant).path("properties");
            properties.putObject("outputFormat").putArray("enum").add(entry.getKey());
        });
        union.remove("discriminator");
        return spec;
    }

    private static void assertValid(String document, String pointer, String json) {
        Schema schema = REGISTRY.getSchema(SchemaLocation.of(document + pointer));
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        assertThat(errors).as("%s against %s", json.length() > 600 ? json.substring(0, 600) + "..." : json, pointer)
                .isEmpty();
    }

    @Test
    void listPagesAndFetchedResultsMatchTheSpec() {
        simulator.setQuirks(false);
        simulator.add(300);
        String token = null;
        int pages = 0;
        do {
            var request = twilio().queryParam("pageSize", 120);
            if (token != null) {
                request.queryParam("pageToken", token);
            }
            ExtractableResponse<Response> page = request.get(LIST).then().statusCode(200).extract();
            assertValid(SPEC, LIST_PATH + "200" + JSON_SCHEMA, body(page));
            token = page.jsonPath().getString("meta.nextToken");
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        for (String id : simulator.ids().subList(0, 40)) {
            assertValid(SPEC, RESULT, body(twilio().get(LIST + "/" + id).then().statusCode(200).extract()));
        }
    }

    @Test
    void resultsWithRealPayloadQuirksMatchTheSpecAsObserved() {
        simulator.setQuirks(true);
        simulator.add(400);

        String page = body(twilio().queryParam("pageSize", 1000).get(LIST).then().statusCode(200).extract());

        assertValid(OBSERVED, LIST_PATH + "200" + JSON_SCHEMA, page);
        assertThat(page).contains("\"displayName\"").containsPattern("\\.\\d{9}Z\"");
    }

    @Test
    void errorAnswersMatchTheSpec() throws Exception {
        String error400 = LIST_PATH + "400" + JSON_SCHEMA;
        assertValid(SPEC, error400, body(twilio().queryParam("pageSize", 0).get(LIST).then().statusCode(400)
                .extract()));
        assertValid(SPEC, error400, body(twilio().queryParam("pageToken", "forged").get(LIST).then().statusCode(400)
                .extract()));
        assertValid(SPEC, error400, body(twilio().get(LIST + "/bad-id").then().statusCode(400).extract()));
        assertValid(SPEC, error400, body(given().get(LIST).then().statusCode(401).extract()));
        String missing = "intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5";
        assertValid(SPEC, "#/paths/~1v3~1OperatorResults~1%7BoperatorResultId%7D/get/responses/404" + JSON_SCHEMA,
                body(twilio().get(LIST + "/" + missing).then().statusCode(404).extract()));
        assertValid(SPEC, "#/paths/~1v3~1OperatorResults~1%7BoperatorResultId%7D/delete/responses/404" + JSON_SCHEMA,
                body(twilio().delete(LIST + "/" + missing).then().statusCode(404).extract()));
        simulator.setFaults(new FaultSettings(1, 0, 1, 0, 0, 0, 0, null));
        assertValid(SPEC, LIST_PATH + "429" + JSON_SCHEMA, body(twilio().get(LIST).then().statusCode(429)
                .header("X-RateLimit-Reset", "1").extract()));
        simulator.setFaults(new FaultSettings(0, 1, 1, 0, 0, 0, 0, null));
        assertValid(SPEC, LIST_PATH + "500" + JSON_SCHEMA, body(twilio().get(LIST).then().statusCode(500).extract()));
        assertThat(TwilioJson.mapper().readTree(body(twilio().get(LIST).then().extract())).has("params")).isTrue();
    }

    @Test
    void theSchemasRejectAResultOfTheWrongShape() {
        simulator.setQuirks(false);
        String id = simulator.add(1, java.util.Set.of(io.oprelay.twilio.OutputFormat.CLASSIFICATION), null).get(0);
        String json = body(twilio().get(LIST + "/" + id).then().statusCode(200).extract());
        String broken = json.replaceFirst("\"label\":", "\"labels\":");

        Schema schema = REGISTRY.getSchema(SchemaLocation.of(SPEC + RESULT));

        assertThat(schema.validate(broken, InputFormat.JSON)).isNotEmpty();
        assertThat(schema.validate(json.replaceFirst("\"participants\":\\[\\{\"id\":\"[^\"]+\"",
                "\"participants\":[{\"id\":\"CH1\""), InputFormat.JSON)).isNotEmpty();
    }
}
