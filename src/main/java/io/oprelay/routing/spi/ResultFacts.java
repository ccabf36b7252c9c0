package io.oprelay.routing.spi;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.ResultPayload;

/**
 * One OperatorResult as rules and actions see it (one instance per result and thread; derived facts are memoised): the typed view plus the derived facts they ask about (label,
 * numbers inside {@code result}).
 */
public final class ResultFacts {

    /** The default pointer of "the score" of a result: {@code /score}, as scoring JSON operators write it. */
    public static final JsonPointer SCORE = JsonPointer.compile("/score");

    private final OperatorResult view;
    private String label;
    private boolean labelRead;

    public ResultFacts(OperatorResult view) {
        this.view = view;
    }

    /** The typed view of the result. */
    public OperatorResult view() {
        return view;
    }

    /** The label: {@code result.label} of a CLASSIFICATION result, or a text {@code label} field of a JSON result. */
    public String label() {
        if (!labelRead) {
            label = readLabel();
            labelRead = true;
        }
        return label;
    }

    private String readLabel() {
        ResultPayload payload = view.payload();
        if (payload instanceof ResultPayload.Classification classification) {
            return classification.label();
        }
        JsonNode result = view.result();
        if (payload instanceof ResultPayload.Json && result != null && result.path("label").isTextual()) {
            return result.get("label").asText();
        }
        return null;
    }

    /** The number at a pointer into {@code result}; numeric text counts; anything else gives null. */
    public Double number(JsonPointer pointer) {
        JsonNode node = at(pointer);
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                double value = Double.parseDouble(node.asText().trim());
                return Double.isFinite(value) ? value : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The node at a pointer into {@code result}, or null when absent. */
    public JsonNode at(JsonPointer pointer) {
        JsonNode result = view.result();
        if (result == null) {
            return null;
        }
        JsonNode node = result.at(pointer);
        return node.isMissingNode() || node.isNull() ? null : node;
    }
}
