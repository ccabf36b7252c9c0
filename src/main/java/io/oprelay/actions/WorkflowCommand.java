package io.oprelay.actions;

import com.fasterxml.jackson.databind.JsonNode;

/** A command for a workflow engine (value of the {@code workflow.actions} topic, body of the workflow webhook). */
public record WorkflowCommand(String action, String conversationId, String resultId, String rule, JsonNode payload) {
}
