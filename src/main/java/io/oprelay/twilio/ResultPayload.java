package io.oprelay.twilio;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** The typed {@code result} of an OperatorResult, one record per {@code outputFormat}. */
public sealed interface ResultPayload permits ResultPayload.Classification, ResultPayload.Text,
        ResultPayload.Extraction, ResultPayload.Json, ResultPayload.Unrecognized {

    /** CLASSIFICATION: {@code {label}} (the spec has no confidence field). */
    record Classification(String label) implements ResultPayload {
    }

    /** TEXT: {@code {text}}. */
    record Text(String text) implements ResultPayload {
    }

    /** EXTRACTION: {@code {entities: [{text, label}]}}. */
    record Extraction(List<Entity> entities) implements ResultPayload {
    }

    /** One entity found by an extraction operator. */
    record Entity(String text, String label) {
    }

    /** JSON: any object shaped by the operator's output schema, for example {@code {score, explanation}}. */
    record Json(JsonNode value) implements ResultPayload {
    }

    /** A format the relay does not know yet; the tree is kept as it came. */
    record Unrecognized(String outputFormat, JsonNode value) implements ResultPayload {
    }

    static ResultPayload of(OutputFormat format, String rawFormat, JsonNode result) {
        return switch (format) {
            case CLASSIFICATION -> new Classification(text(result, "label"));
            case TEXT -> new Text(text(result, "text"));
            case EXTRACTION -> new Extraction(entities(result));
            case JSON -> new Json(result);
            case OTHER -> new Unrecognized(rawFormat, result);
        };
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.hasNonNull(field)) {
            return null;
        }
        return node.get(field).asText();
    }

    private static List<Entity> entities(JsonNode result) {
        List<Entity> entities = new ArrayList<>();
        if (result != null && result.path("entities").isArray()) {
            for (JsonNode e : result.get("entities")) {
                entities.add(new Entity(text(e, "text"), text(e, "label")));
            }
        }
        return List.copyOf(entities);
    }
}
