package io.oprelay.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.oprelay.routing.spi.ActionParams;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.RuleException;
import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, ActionType> actions;

    /** @param actions the available action strategies, by {@link ActionType#type()} */
    public RulesParser(Map<String, ActionType> actions) {
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
        if (document.isObject() && !Set.of("rules").containsAll(ConditionParser.fieldNames(document))) {
            throw error(source, "the document has one top-level field, 'rules' (a list), found " + ConditionParser.fieldNames(document));
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
        for (String field : ConditionParser.fieldNames(node)) {
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
        Condition condition = ConditionParser.condition("when", when);
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
            ActionType action = actions.get(type.asText());
            if (action == null) {
                throw new RuleException(path + ".type", "unknown action '" + type.asText() + "'; known actions: "
                        + actions.keySet());
            }
            bound.add(action.bind(name, new ActionParams(path, (ObjectNode) actionNode)));
        }
        return new Rule(name, condition, List.copyOf(bound));
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static ConfigurationException error(String source, String message) {
        return new ConfigurationException("Invalid routing rules in " + source + " (" + PROPERTY + "): "
                + oneLine(message), Set.of(PROPERTY));
    }
}
