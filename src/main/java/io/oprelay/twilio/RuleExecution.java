package io.oprelay.twilio;

import java.util.List;

/**
 * The body of a Rule Execution webhook: the rule that ran and the OperatorResults it produced, each kept as the
 * exact bytes Twilio sent.
 */
public record RuleExecution(String accountId, String conversationId,
                            OperatorResult.IntelligenceConfigurationRef intelligenceConfiguration,
                            List<RawResult> operatorResults) {
}
