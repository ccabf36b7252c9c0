package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.oprelay.twilio.TwilioSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The schemas of the official OpenAPI 3.0 description turned into one JSON Schema (draft 2020-12) document, for
 * networknt's validator:
 * <ul>
 *     <li>only the schemas are kept, under {@code $defs}: each component schema by its name (the spec's
 *     {@code $ref}s to {@code #/components/schemas/X} become {@code #/$defs/X}), and the JSON body schema of each
 *     answer by method, path and status ({@link #response});</li>
 *     <li>{@code nullable: true}, and a description saying "null if ..." (the spec's own word for a field it forgot to
 *     mark), allow {@code null}; {@code nullable: false} is dropped;</li>
 *     <li>a {@code discriminator} mapping pins the discriminating property of each mapped variant to its value, so the
 *     {@code oneOf} picks exactly one (the JSON variant accepts any {@code result}, so without that a
 *     CLASSIFICATION result would match two variants);</li>
 *     <li>OpenAPI-only keywords ({@code example}, {@code xml}, {@code externalDocs}, {@code x-*}) go, siblings of a
 *     {@code $ref} are ignored as OpenAPI 3.0 ignores them, and {@code additionalProperties} stays as the spec
 *     says;</li>
 *     <li>{@code format} is asserted ({@code date-time} must be RFC 3339).</li>
 * </ul>
 */
final class OpenApiSchemas {

    /** The base of the converted document; pointers into it name the schemas. */
    static final String BASE = "https://oprelay.test/twilio-intelligence-v3.schema.json";
    static final String RESULT = "#/$defs/OperatorResultsResponseV1";
    private static final String COMPONENTS = "#/components/schemas/";
    private static final Pattern NULL_IF = Pattern.compile("(?i)\\bnull if\\b");
    private static final List<String> OPENAPI_ONLY = List.of("example", "xml", "externalDocs", "discriminator",
            "nullable");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final OpenApiSchemas OFFICIAL = new OpenApiSchemas(TwilioSpec.tree());

    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    OpenApiSchemas(JsonNode openApi) {
        String document = convert(openApi).toString();
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(BASE, document)).schemaRegistryConfig(config));
    }

    /** The schemas of the official spec vendored in the test resources. */
    static OpenApiSchemas official() {
        return OFFICIAL;
    }

    /** The pointer of the JSON body schema of one answer of one operation, e.g. ("/v3/OperatorResults", "get", 200). */
    static String response(String path, String method, int status) {
        return "#/$defs/" + responseName(path, method, String.valueOf(status));
    }

    /** The name under {@code $defs} of an answer's body schema: {@code get_v3_OperatorResults_200}, say. */
    private static String responseName(String path, String method, String status) {
        return (method + path + "/" + status).replaceAll("[^A-Za-z0-9]+", "_");
    }

    /** Every way {@code json} breaks the schema at {@code pointer}, one line each; empty when it is valid. */
    List<String> problems(String pointer, String json) {
        Schema schema = schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + p)));
        List<String> problems = new ArrayList<>();
        schema.validate(json, InputFormat.JSON).forEach(error -> problems.add(error.toString()));
        return problems;
    }

    /** The schemas of an OpenAPI 3.0 document as one JSON Schema 2020-12 document (see the class comment). */
    static ObjectNode convert(JsonNode openApi) {
        ObjectNode document = NODES.objectNode();
        document.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        document.put("$id", BASE);
        ObjectNode components = openApi.path("components").path("schemas").deepCopy();
        pinDiscriminators(components);
        ObjectNode definitions = document.putObject("$defs");
        components.fields().forEachRemaining(entry -> definitions.set(entry.getKey(), schema(entry.getValue())));
        openApi.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation ->
                operation.getValue().path("responses").fields().forEachRemaining(answer -> {
                    JsonNode body = answer.getValue().path("content").path("application/json").path("schema");
                    if (body.isObject()) {
                        definitions.set(responseName(path.getKey(), operation.getKey(), answer.getKey()),
                                schema(body.deepCopy()));
                    }
                })));
        return document;
    }

    private static void pinDiscriminators(ObjectNode components) {
        components.fields().forEachRemaining(entry -> {
            JsonNode discriminator = entry.getValue().path("discriminator");
            String property = discriminator.path("propertyName").asText();
            discriminator.path("mapping").fields().forEachRemaining(mapping -> {
                String variant = mapping.getValue().asText().substring(COMPONENTS.length());
                ObjectNode properties = ((ObjectNode) components.path(variant)).withObjectProperty("properties");
                ArrayNode both = NODES.arrayNode();
                both.add(properties.path(property).isMissingNode() ? NODES.objectNode() : properties.get(property));
                both.addObject().put("const", mapping.getKey());
                properties.putObject(property).set("allOf", both);
            });
        });
    }

    /** One schema object converted, its sub-schemas with it. */
    private static JsonNode schema(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode schema = (ObjectNode) node;
        boolean nullable = schema.path("nullable").asBoolean(false)
                || NULL_IF.matcher(schema.path("description").asText("")).find();
        if (schema.has("$ref")) {
            schema.retain("$ref");
            schema.put("$ref", schema.get("$ref").asText().replace(COMPONENTS, "#/$defs/"));
        }
        OPENAPI_ONLY.forEach(schema::remove);
        List<String> extensions = new ArrayList<>();
        schema.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("x-")) {
                extensions.add(name);
            }
        });
        schema.remove(extensions);
        for (String keyword : List.of("properties", "patternProperties")) {
            if (schema.get(keyword) instanceof ObjectNode properties) {
                properties.fields().forEachRemaining(entry -> entry.setValue(schema(entry.getValue())));
            }
        }
        for (String keyword : List.of("items", "additionalProperties", "not")) {
            if (schema.has(keyword)) {
                schema.set(keyword, schema(schema.get(keyword)));
            }
        }
        for (String keyword : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.get(keyword) instanceof ArrayNode members) {
                for (int i = 0; i < members.size(); i++) {
                    members.set(i, schema(members.get(i)));
                }
            }
        }
        return nullable ? orNull(schema) : schema;
    }

    private static JsonNode orNull(ObjectNode schema) {
        if (schema.path("type").isTextual()) {
            String type = schema.get("type").asText();
            schema.putArray("type").add(type).add("null");
            if (schema.get("enum") instanceof ArrayNode values) {
                values.addNull();
            }
            return schema;
        }
        ObjectNode either = NODES.objectNode();
        either.putArray("anyOf").add(schema).addObject().put("type", "null");
        return either;
    }
}
