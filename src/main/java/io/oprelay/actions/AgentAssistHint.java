package io.oprelay.actions;

import io.oprelay.twilio.OperatorResult;

import java.util.List;

/**
 * A live hint for the agent of a conversation (value of the {@code agent-assist.hints} topic, data of the SSE events,
 * body of the hint webhook).
 */
public record AgentAssistHint(String conversationId, String resultId, String rule, String severity, String title,
                              String message, String label, Double score,
                              List<OperatorResult.Participant> participants) {
}
