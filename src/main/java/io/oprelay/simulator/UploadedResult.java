package io.oprelay.simulator;

import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.OperatorResultParser;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.Ttid;

import java.util.regex.Pattern;

/** Checks a result given as JSON (to be served byte for byte) for what the list needs to serve it. */
final class UploadedResult {

    private static final Pattern RESULT_ID = Ttid.pattern("intelligence_operatorresult");

    private UploadedResult() {
    }

    /**
     * The result to store for {@code json}, its bytes unchanged.
     *
     * @throws IllegalArgumentException with the reason when the JSON is not a result the list can serve
     */
    static StoredResult parse(byte[] json) {
        RawResult raw;
        try {
            raw = new OperatorResultParser().parseOne(json);
        } catch (OperatorResultParser.MalformedAnswerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        OperatorResult view = raw.view();
        require(view.id() != null && RESULT_ID.matcher(view.id()).matches(),
                "id must match " + RESULT_ID.pattern());
        require(view.conversationId() != null && !view.conversationId().isBlank(), "conversationId is required");
        require(view.intelligenceConfiguration() != null && view.intelligenceConfiguration().id() != null,
                "intelligenceConfiguration.id is required");
        require(view.operator() != null && view.operator().id() != null, "operator.id is required");
        require(view.outputFormat() != null && !view.outputFormat().isBlank(), "outputFormat is required");
        require(view.dateCreated() != null, "dateCreated is required (an ISO-8601 date-time)");
        return new StoredResult(view.id(), view.conversationId(), view.intelligenceConfiguration().id(),
                view.operator().id(), view.format(), raw.json());
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
