package io.oprelay.routing.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of one action inside a rule, as written in YAML, with readers whose errors name the field
 * (for example {@code actions[1].webhook}).
 */
public final class ActionParams {

    private final String path;
    private final ObjectNode node;

    public ActionParams(String path, ObjectNode node) {
        this.path = path;
        this.node = node;
    }

    /** Path of this action inside its rule, such as {@code actions[0]}. */
    public String path() {
        return path;
    }

    /** Path of one field of this action. */
    public String field(String name) {
        return path + "." + name;
    }

    /** Rejects fields the action does not know (a typo would otherwise be ignored silently). */
    public void allowOnly(Set<String> known) {
        List<String> unknown = new ArrayList<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new RuleException(field(unknown.get(0)), "unknown field; this action accepts " + new TreeSet<>(known));
        }
    }

    /** A text field, absent or null meaning empty. */
    public Optional<String> text(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new RuleException(field(name), "must be a non-empty text");
        }
        return Optional.of(value.asText());
    }

    /** A text field that must be present. */
    public String requiredText(String name) {
        return text(name).orElseThrow(() -> new RuleException(field(name), "is required"));
    }

    /** A true/false field with a default. */
    public boolean bool(String name, boolean defaultValue) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw new RuleException(field(name), "must be true or false");
        }
        return value.booleanValue();
    }

    /** An object field, if present. */
    public Optional<ObjectNode> object(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw new RuleException(field(name), "must be a map of names to values");
        }
        return Optional.of((ObjectNode) value);
    }
}
