package io.oprelay.events;

/**
 * The value of a claim-check event ({@code io.oprelay.operatorresult.<format>.oversize.v1}): a result too large for
 * its topic. Consumers fetch the full result with {@code GET /api/operator-results/{id}}.
 *
 * @param id           the OperatorResult id
 * @param outputFormat the outputFormat exactly as Twilio sent it
 * @param size         size in bytes of the result's JSON as Twilio sent it
 */
public record OversizeClaim(String id, String outputFormat, long size) {
}
