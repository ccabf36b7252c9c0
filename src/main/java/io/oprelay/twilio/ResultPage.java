package io.oprelay.twilio;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code GET /v3/OperatorResults}.
 *
 * @param items         the results in the order the API returned them
 * @param nextToken     {@code meta.nextToken}, absent on the last page
 * @param previousToken {@code meta.previousToken}
 * @param metaPresent   false when the response had no {@code meta} at all (undocumented, seen handled by helper
 *                      libraries); such a page is treated as the last one
 */
public record ResultPage(List<RawResult> items, Optional<String> nextToken, Optional<String> previousToken,
                         boolean metaPresent) {
}
