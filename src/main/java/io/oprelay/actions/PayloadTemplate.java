package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.routing.spi.ResultFacts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON shape whose text values are {@link Template}s: {@code {reason: "{{label}}", score: "{{score}}"}} renders to
 * {@code {"reason": "angry", "score": 0.2}} (a value that is exactly one placeholder keeps its JSON type).
 */
final class PayloadTemplate {

    private final JsonNode source;
    private final Part root;

    private PayloadTemplate(JsonNode source, Part root) {
        this.source = source;
        this.root = root;
    }

    /** Compiles a shape; {@code field} names it in errors. */
    static PayloadTemplate parse(String field, JsonNode shape) {
        return new PayloadTemplate(shape.deepCopy(), compile(field, shape));
    }

    /** The shape as written. */
    JsonNode source() {
        return source;
    }

    /** The shape filled from one result. */
    JsonNode render(ResultFacts result, String rule) {
        return root.render(result, rule);
    }

    private static Part compile(String field, JsonNode node) {
        if (node.isTextual()) {
            Template template = Template.parse(field, node.asText());
            return template::renderJson;
        }
        if (node.isObject()) {
            Map<String, Part> fields = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), compile(field + "." + e.getKey(), e.getValue())));
            return (result, rule) -> {
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                fields.forEach((name, part) -> out.set(name, part.render(result, rule)));
                return out;
            };
        }
        if (node.isArray()) {
            List<Part> elements = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                elements.add(compile(field + "[" + i + "]", node.get(i)));
            }
            return (result, rule) -> {
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                elements.forEach(part -> out.add(part.render(result, rule)));
                return out;
            };
        }
        JsonNode constant = node.deepCopy();
        return (result, rule) -> constant;
    }

    private interface Part {
        JsonNode render(ResultFacts result, String rule);
    }
}
