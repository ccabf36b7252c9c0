package io.oprelay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.routing.spi.RuleException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code when} part of a rule (see docs/routing.md) into a {@link Condition}; a mistake throws a
 * {@link RuleException} naming the field, for example {@code when.all[1].score.between}.
 */
final class ConditionParser {

    private static final Set<String> TRIGGERS = Set.of("COMMUNICATION", "CONVERSATION_END", "CONVERSATION_INACTIVE");
    private static final Set<String> PARTICIPANT_TYPES = Set.of("CUSTOMER", "HUMAN_AGENT", "AI_AGENT", "AGENT", "UNKNOWN");
    private static final Set<String> CHANNELS = Set.of("VOICE", "SMS", "RCS", "EMAIL", "WHATSAPP", "CHAT", "API", "SYSTEM");
    private static final Pattern FORMAT = Pattern.compile("^[A-Z][A-Z0-9_]*$");

    private ConditionParser() {
    }

    /** The condition at {@code field} (a map of one or more conditions, all of which must hold). */
    static Condition condition(String field, JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            throw new RuleException(field, "must be a map with one of format, label, number, score, operator,"
                    + " configuration, trigger, channel, participantType, all, any, not");
        }
        List<Condition> parts = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            parts.add(leaf(field + "." + entry.getKey(), entry.getKey(), entry.getValue()));
        }
        return parts.size() == 1 ? parts.get(0) : new Condition.All(List.copyOf(parts));
    }

    private static Condition leaf(String field, String kind, JsonNode value) {
        return switch (kind) {
            case "format" -> new Condition.FormatIn(upperValues(field, value, null, FORMAT));
            case "label" -> new Condition.LabelIn(lowerValues(field, value));
            case "operator" -> new Condition.OperatorIn(lowerValues(field, value));
            case "configuration" -> new Condition.ConfigurationIn(lowerValues(field, value));
            case "trigger" -> new Condition.TriggerIn(upperValues(field, value, TRIGGERS, null));
            case "channel" -> new Condition.ChannelIn(upperValues(field, value, CHANNELS, null));
            case "participantType" -> new Condition.ParticipantTypeIn(upperValues(field, value, PARTICIPANT_TYPES, null));
            case "number" -> number(field, value, null);
            case "score" -> number(field, value, "/score");
            case "all" -> new Condition.All(list(field, value));
            case "any" -> {
                List<Condition> any = list(field, value);
                if (any.isEmpty()) {
                    throw new RuleException(field, "needs at least one condition");
                }
                yield new Condition.Any(any);
            }
            case "not" -> new Condition.Not(condition(field, value));
            default -> throw new RuleException(field, "unknown condition; use one of format, label, number, score,"
                    + " operator, configuration, trigger, channel, participantType, all, any, not");
        };
    }

    private static List<Condition> list(String field, JsonNode value) {
        if (!value.isArray()) {
            throw new RuleException(field, "must be a list of conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            conditions.add(condition(field + "[" + i + "]", value.get(i)));
        }
        return List.copyOf(conditions);
    }

    private static Condition number(String field, JsonNode value, String fixedPointer) {
        if (!value.isObject()) {
            throw new RuleException(field, "must be a map such as {\"<\": 0.3} or {between: [0.3, 0.6]}");
        }
        String pointer = fixedPointer;
        if (fixedPointer == null) {
            JsonNode p = value.get("pointer");
            if (p == null || !p.isTextual() || !p.asText().startsWith("/")) {
                throw new RuleException(field + ".pointer", "is required: a JSON pointer into result starting with '/',"
                        + " for example /score");
            }
            pointer = p.asText();
            try {
                com.fasterxml.jackson.core.JsonPointer.compile(pointer);
            } catch (IllegalArgumentException e) {
                throw new RuleException(field + ".pointer", "'" + pointer + "' is not a JSON pointer");
            }
        }
        List<Condition> comparisons = new ArrayList<>();
        for (String key : fieldNames(value)) {
            if (key.equals("pointer") && fixedPointer == null) {
                continue;
            }
            comparisons.add(comparison(field + "." + key, key, value.get(key), pointer, fixedPointer == null));
        }
        if (comparisons.isEmpty()) {
            throw new RuleException(field, "needs a comparison: <, <=, >, >= or between");
        }
        return comparisons.size() == 1 ? comparisons.get(0) : new Condition.All(List.copyOf(comparisons));
    }

    /** One comparison {@code key: bound} of a number condition, such as {@code "<": 0.3}. */
    private static Condition comparison(String opField, String key, JsonNode bound, String pointer,
                                        boolean pointerAllowed) {
        Condition.Comparison op = switch (key.toLowerCase(Locale.ROOT)) {
            case "<", "lt" -> Condition.Comparison.LT;
            case "<=", "lte" -> Condition.Comparison.LE;
            case ">", "gt" -> Condition.Comparison.GT;
            case ">=", "gte" -> Condition.Comparison.GE;
            case "between" -> Condition.Comparison.BETWEEN;
            default -> throw new RuleException(opField, "unknown comparison; use <, <=, >, >= or between"
                    + (pointerAllowed ? " (and pointer)" : ""));
        };
        if (op != Condition.Comparison.BETWEEN) {
            if (!bound.isNumber()) {
                throw new RuleException(opField, "must be a number, got " + bound);
            }
            return new Condition.NumberAt(pointer, op, bound.doubleValue(), null);
        }
        if (!bound.isArray() || bound.size() != 2 || !bound.get(0).isNumber() || !bound.get(1).isNumber()) {
            throw new RuleException(opField, "needs two numbers [low, high]");
        }
        double low = bound.get(0).doubleValue();
        double high = bound.get(1).doubleValue();
        if (low > high) {
            throw new RuleException(opField, "low " + low + " is above high " + high);
        }
        return new Condition.NumberAt(pointer, op, low, high);
    }

    private static Set<String> upperValues(String field, JsonNode value, Set<String> known, Pattern shape) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : values(field, value)) {
            String upper = v.trim().toUpperCase(Locale.ROOT);
            if (known != null && !known.contains(upper)) {
                throw new RuleException(field, "unknown value '" + v + "'; known: " + new java.util.TreeSet<>(known));
            }
            if (shape != null && !shape.matcher(upper).matches()) {
                throw new RuleException(field, "'" + v + "' is not an output format such as CLASSIFICATION or JSON");
            }
            values.add(upper);
        }
        return Set.copyOf(values);
    }

    private static Set<String> lowerValues(String field, JsonNode value) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : values(field, value)) {
            values.add(v.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(values);
    }

    /** A value, a list of values, {@code {equals: v}} or {@code {oneOf: [...]}}. */
    private static List<String> values(String field, JsonNode value) {
        JsonNode list = value;
        String at = field;
        if (value.isObject()) {
            if (value.size() != 1 || !(value.has("equals") || value.has("oneOf"))) {
                throw new RuleException(field, "must be a value, a list, {equals: value} or {oneOf: [values]}");
            }
            at = field + (value.has("equals") ? ".equals" : ".oneOf");
            list = value.has("equals") ? value.get("equals") : value.get("oneOf");
            if (value.has("equals") && !list.isValueNode()) {
                throw new RuleException(at, "must be a single value");
            }
        }
        List<String> values = new ArrayList<>();
        if (list.isArray()) {
            for (JsonNode element : list) {
                if (!element.isValueNode() || element.isNull() || element.asText().isBlank()) {
                    throw new RuleException(at, "values must be non-empty texts");
                }
                values.add(element.asText());
            }
        } else if (list.isValueNode() && !list.isNull() && !list.asText().isBlank()) {
            values.add(list.asText());
        }
        if (values.isEmpty()) {
            throw new RuleException(at, "needs at least one value");
        }
        return values;
    }

    /** The field names of an object node, in document order. */
    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
