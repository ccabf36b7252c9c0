package io.oprelay.simulator;

import io.oprelay.twilio.OutputFormat;

/**
 * One simulated OperatorResult: the JSON served for it, plus the fields the list filters on.
 *
 * @param json the exact bytes every answer serves for this result
 */
public record StoredResult(String id, String conversationId, String intelligenceConfigurationId, String operatorId,
                           OutputFormat format, byte[] json) {
}
