package io.oprelay.routing.spi;

import java.util.Map;

/** An action as configured in one rule, ready to turn matching results into effects. */
public interface BoundAction {

    /** The action type, for example {@code workflow}. */
    String type();

    /** The rule this action belongs to. */
    String rule();

    /** What this action does for one result: records to publish (in the router's transaction) and HTTP deliveries. */
    Effects apply(ResultFacts result);

    /** The settings as loaded, for {@code GET /api/routing/rules} (never includes secrets). */
    Map<String, Object> describe();
}
