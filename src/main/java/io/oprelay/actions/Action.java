package io.oprelay.actions;

/**
 * One kind of action a rule can take, picked by {@link #type()} from the rule's {@code actions[].type}.
 * Implementations are CDI beans; an unknown type stops start-up naming the rule and the field.
 */
public interface Action {

    /** The identifier rules use, for example {@code agent-assist}. */
    String type();

    /** Checks the action's settings in a rule and prepares it; throws a {@link io.oprelay.routing.RuleException} naming the field. */
    BoundAction bind(String rule, ActionParams params);
}
