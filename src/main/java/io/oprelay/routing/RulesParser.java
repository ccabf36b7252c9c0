package io.oprelay.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.oprelay.actions.Action;
import io.oprelay.actions.ActionParams;
import io.oprelay.actions.BoundAction;
import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the YAML rule language (see docs/routing.md) into {@link Rule}s. Any mistake stops with a
 * {@link ConfigurationException} whose one-line message names the file, the rule and the field.
 */
public final class RulesParser {

    /** The property whose file is being read, named in errors. */
    public static final String PROPERTY = "relay.routing.rules-file";

    private static final Pattern RULE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$");
    private static final Set<String> RULE_FIELDS = Set.of("name", "description", "when", "actions");
    private static final Set<String> TRIGGERS = Set.of("COMMUNICATION", "CONVERSATION_END", "CONVERSATION_INACTIVE");
    private static final Set<String> PARTICIPANT_TYPES = Set.of("CUSTOMER", "HUMAN_AGENT", "AI_AGENT", "AGENT", "UNKNOWN");
    private static final Set<String> CHANNELS = Set.of("VOICE", "SMS", "RCS", "EMAIL", "WHATSAPP", "CHAT", "API", "SYSTEM");
    private static final Pattern FORMAT = Pattern.compile("^[A-Z][A-Z0-9_]*$");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Action> actions;

    /** @param actions the available action strategies, by {@link Action#type()} */
    public RulesParser(Map<String, Action> actions) {
        this.actions = new TreeMap<>(actions);
    }

    /** Parses a rules document; {@code source} names it in errors. */
    public List<Rule> parse(String source, String yaml) {
        JsonNode document;
        try {
            document = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw error(source, "not valid YAML" + where + ": " + oneLine(e.getOriginalMessage()));
        }
        if (document == null || document.isMissingNode() || document.isNull()) {
            return List.of();
        }
        JsonNode list = document.isObject() ? document.get("rules") : document;
        if (document.isObject() && !Set.of("rules").containsAll(fieldNames(document))) {
            throw error(source, "the document has one top-level field, 'rules' (a list), found " + fieldNames(document));
        }
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw error(source, "'rules' must be a list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String label = "rule #" + (i + 1);
            if (node.isObject() && node.path("name").isTextual()) {
                label = "rule '" + node.get("name").asText() + "'";
            }
            try {
                Rule rule = rule(node);
                if (!names.add(rule.name())) {
                    throw new RuleException("name", "another rule has the same name");
                }
                rules.add(rule);
            } catch (RuleException e) {
                throw error(source, label + ": " + e.getMessage());
            }
        }
        return List.copyOf(rules);
    }

    private Rule rule(JsonNode node) {
        if (!node.isObject()) {
            throw new RuleException("(rule)", "must be a map with name, when and actions");
        }
        for (String field : fieldNames(node)) {
            if (!RULE_FIELDS.contains(field)) {
                throw new RuleException(field, "unknown field; a rule has " + new java.util.TreeSet<>(RULE_FIELDS));
            }
        }
        JsonNode nameNode = node.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            throw new RuleException("name", "is required");
        }
        String name = nameNode.asText();
        if (!RULE_NAME.matcher(name).matches()) {
            throw new RuleException("name", "must be letters, digits, '.', '_' or '-' (at most 100), got '" + name + "'");
        }
        JsonNode when = node.get("when");
        if (when == null || when.isNull()) {
            throw new RuleException("when", "is required (use 'when: {all: []}' to match every result)");
        }
        Condition condition = condition("when", when);
        JsonNode actionList = node.get("actions");
        if (actionList == null || !actionList.isArray() || actionList.isEmpty()) {
            throw new RuleException("actions", "must be a non-empty list");
        }
        List<BoundAction> bound = new ArrayList<>();
        for (int i = 0; i < actionList.size(); i++) {
            String path = "actions[" + i + "]";
            JsonNode actionNode = actionList.get(i);
            if (!actionNode.isObject()) {
                throw new RuleException(path, "must be a map with a type");
            }
            JsonNode type = actionNode.get("type");
            if (type == null || !type.isTextual()) {
                throw new RuleException(path + ".type", "is required; known actions: " + actions.keySet());
            }
            Action action = actions.get(type.asText());
            if (action == null) {
                throw new RuleException(path + ".type", "unknown action '" + type.asText() + "'; known actions: "
                        + actions.keySet());
            }
            bound.add(action.bind(name, new ActionParams(path, (ObjectNode) actionNode)));
        }
        return new Rule(name, condition, List.copyOf(bound));
    }

    Condition condition(String field, JsonNode node) {
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

    private Condition leaf(String field, String kind, JsonNode value) {
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

    private List<Condition> list(String field, JsonNode value) {
        if (!value.isArray()) {
            throw new RuleException(field, "must be a list of conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            conditions.add(condition(field + "[" + i + "]", value.get(i)));
        }
        return List.copyOf(conditions);
    }

    private Condition number(String field, JsonNode value, String fixedPointer) {
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
            String opField = field + "." + key;
            Condition.Comparison op = switch (key.toLowerCase(Locale.ROOT)) {
                case "<", "lt" -> Condition.Comparison.LT;
                case "<=", "lte" -> Condition.Comparison.LE;
                case ">", "gt" -> Condition.Comparison.GT;
                case ">=", "gte" -> Condition.Comparison.GE;
                case "between" -> Condition.Comparison.BETWEEN;
                default -> throw new RuleException(opField, "unknown comparison; use <, <=, >, >= or between"
                        + (fixedPointer == null ? " (and pointer)" : ""));
            };
            JsonNode bound = value.get(key);
            if (op == Condition.Comparison.BETWEEN) {
                if (!bound.isArray() || bound.size() != 2 || !bound.get(0).isNumber() || !bound.get(1).isNumber()) {
                    throw new RuleException(opField, "needs two numbers [low, high]");
                }
                double low = bound.get(0).doubleValue();
                double high = bound.get(1).doubleValue();
                if (low > high) {
                    throw new RuleException(opField, "low " + low + " is above high " + high);
                }
                comparisons.add(new Condition.NumberAt(pointer, op, low, high));
            } else {
                if (!bound.isNumber()) {
                    throw new RuleException(opField, "must be a number, got " + bound);
                }
                comparisons.add(new Condition.NumberAt(pointer, op, bound.doubleValue(), null));
            }
        }
        if (comparisons.isEmpty()) {
            throw new RuleException(field, "needs a comparison: <, <=, >, >= or between");
        }
        return comparisons.size() == 1 ? comparisons.get(0) : new Condition.All(List.copyOf(comparisons));
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

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static ConfigurationException error(String source, String message) {
        return new ConfigurationException("Invalid routing rules in " + source + " (" + PROPERTY + "): "
                + oneLine(message), Set.of(PROPERTY));
    }
}
