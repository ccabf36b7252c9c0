package io.oprelay.actions;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.routing.spi.RuleException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with {@code {{placeholder}}} parts filled from a result: {@code label}, {@code score},
 * {@code conversationId}, {@code resultId}, {@code operatorId}, {@code configurationId}, {@code outputFormat},
 * {@code rule}, {@code result} (the whole result as JSON) and {@code result./json/pointer}. A placeholder whose
 * value is missing renders as an empty text. Unknown placeholders are rejected when the rules are loaded.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final List<String> NAMES = List.of("label", "score", "conversationId", "resultId", "operatorId",
            "configurationId", "outputFormat", "rule", "result", "result./pointer");

    private final String source;
    private final List<Object> parts;

    private Template(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    /** Parses a template; {@code field} names it in errors. */
    public static Template parse(String field, String text) {
        List<Object> parts = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        int last = 0;
        while (matcher.find()) {
            if (matcher.start() > last) {
                parts.add(text.substring(last, matcher.start()));
            }
            parts.add(placeholder(field, matcher.group(1)));
            last = matcher.end();
        }
        if (last < text.length()) {
            parts.add(text.substring(last));
        }
        return new Template(text, List.copyOf(parts));
    }

    private static Placeholder placeholder(String field, String name) {
        if (name.startsWith("result.")) {
            String pointer = name.substring("result.".length());
            if (!pointer.startsWith("/")) {
                throw new RuleException(field, "placeholder {{" + name + "}} needs a JSON pointer starting with '/',"
                        + " for example {{result./explanation}}");
            }
            return new Placeholder(name, JsonPointer.compile(pointer));
        }
        if (!NAMES.contains(name) || name.equals("result./pointer")) {
            throw new RuleException(field, "unknown placeholder {{" + name + "}}; known: " + NAMES);
        }
        return new Placeholder(name, null);
    }

    /** The template as written. */
    public String source() {
        return source;
    }

    /** The template filled from one result. */
    public String render(ResultFacts result, String rule) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Placeholder placeholder) {
                JsonNode value = placeholder.value(result, rule);
                if (value != null) {
                    out.append(value.isValueNode() ? value.asText() : value.toString());
                }
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }

    /**
     * The template filled as a JSON value: a template that is exactly one placeholder keeps the value's JSON type
     * (a score stays a number); anything else renders as text.
     */
    public JsonNode renderJson(ResultFacts result, String rule) {
        if (parts.size() == 1 && parts.get(0) instanceof Placeholder placeholder) {
            JsonNode value = placeholder.value(result, rule);
            return value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value;
        }
        return TextNode.valueOf(render(result, rule));
    }

    private record Placeholder(String name, JsonPointer pointer) {

        JsonNode value(ResultFacts result, String rule) {
            if (pointer != null) {
                return result.at(pointer);
            }
            var view = result.view();
            return switch (name) {
                case "label" -> text(result.label());
                case "score" -> {
                    // A number renders as the operator wrote it (78 stays 78, not 78.0); numeric text becomes one.
                    JsonNode written = result.at(ResultFacts.SCORE);
                    if (written != null && written.isNumber()) {
                        yield written;
                    }
                    Double score = result.number(ResultFacts.SCORE);
                    yield score == null ? null : DoubleNode.valueOf(score);
                }
                case "conversationId" -> text(view.conversationId());
                case "resultId" -> text(view.id());
                case "operatorId" -> text(view.operator() == null ? null : view.operator().id());
                case "configurationId" -> text(view.intelligenceConfiguration() == null ? null
                        : view.intelligenceConfiguration().id());
                case "outputFormat" -> text(view.outputFormat());
                case "rule" -> text(rule);
                case "result" -> view.result();
                default -> null;
            };
        }

        private static JsonNode text(String value) {
            return value == null ? null : TextNode.valueOf(value);
        }
    }
}
