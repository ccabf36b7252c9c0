package io.oprelay.twilio;

import java.util.Optional;

/**
 * The query of one list call. Filters are sent again on every page.
 *
 * @param pageSize 1..1000
 */
public record ListQuery(Optional<String> conversationId, Optional<String> intelligenceConfigurationId,
                        Optional<String> operatorId, int pageSize, Optional<String> pageToken) {

    public ListQuery withPageToken(Optional<String> token) {
        return new ListQuery(conversationId, intelligenceConfigurationId, operatorId, pageSize, token);
    }
}
