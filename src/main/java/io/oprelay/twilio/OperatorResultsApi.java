package io.oprelay.twilio;

/**
 * The three calls of Twilio Intelligence v3 that the relay is built around. Implementations retry what is
 * retryable (429, 5xx, connection failures) before giving up, and throw {@link TwilioApiException} otherwise.
 */
public interface OperatorResultsApi {

    /** {@code GET /v3/OperatorResults}; throws {@link TwilioApiException} with status 400 for a rejected page token. */
    ResultPage list(ListQuery query);

    /** {@code GET /v3/OperatorResults/{id}}; throws {@link TwilioApiException} with status 404 when absent. */
    RawResult fetch(String operatorResultId);

    /** {@code DELETE /v3/OperatorResults/{id}}; throws {@link TwilioApiException} with status 404 when absent. */
    void delete(String operatorResultId);
}
