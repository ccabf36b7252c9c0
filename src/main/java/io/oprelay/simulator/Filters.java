package io.oprelay.simulator;

import java.util.Optional;

/** The list filters; a page token is bound to the filters it was issued for. */
record Filters(Optional<String> conversationId, Optional<String> intelligenceConfigurationId,
               Optional<String> operatorId) {

    static final Filters NONE = new Filters(Optional.empty(), Optional.empty(), Optional.empty());

    boolean matches(StoredResult result) {
        return conversationId.map(result.conversationId()::equals).orElse(true)
                && intelligenceConfigurationId.map(result.intelligenceConfigurationId()::equals).orElse(true)
                && operatorId.map(result.operatorId()::equals).orElse(true);
    }
}
