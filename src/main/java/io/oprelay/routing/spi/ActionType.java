package io.oprelay.routing.spi;

import java.util.List;

/**
 * One kind of action a rule can take, picked by {@link #type()} from the rule's {@code actions[].type}. An action
 * type is a CDI bean implementing this interface: the rules parser and the router find every such bean, so a new
 * type is one class and nothing else. An unknown type stops start-up naming the rule, the field and the known types.
 */
public interface ActionType {

    /** The identifier rules use, for example {@code agent-assist}. */
    String type();

    /** Checks the action's settings in a rule and prepares it; throws a {@link RuleException} naming the field. */
    BoundAction bind(String rule, ActionParams params);

    /** The topics this action writes to, created by the router at start-up when missing. */
    default List<String> topics() {
        return List.of();
    }
}
