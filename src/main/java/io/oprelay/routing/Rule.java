package io.oprelay.routing;


import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.ResultFacts;

import java.util.List;

/** One routing rule: when a result satisfies {@code when}, every action runs, in the order written. */
public record Rule(String name, Condition when, List<BoundAction> actions) {

    /** Whether the rule fires for this result. */
    public boolean matches(ResultFacts result) {
        return when.test(result);
    }
}
