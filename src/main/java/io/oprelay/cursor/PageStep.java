package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one page changes, computed before anything is written: the results to publish and the checkpoint after them.
 *
 * @param fresh     results not published before, in page order
 * @param added     their ids with creation times (epoch milliseconds)
 * @param next      checkpoint after the page (its {@code published} is the one before the page: see
 *                  {@link FeedCursor#windowAfter(PageStep)})
 * @param nextToken token of the next page of this sweep; absent when the sweep ends with this page
 * @param endReason why the sweep ends here, or empty
 * @param rescanPoints oldest first: the pages walked in this sweep that may later become its rescan point
 * @param skipped   results not published although their ids were not held as published, by reason
 * @param futureDated ids of fresh results created further ahead than now plus the allowed clock skew (published)
 */
public record PageStep(List<RawResult> fresh, Map<String, Long> added, Checkpoint next, Optional<String> nextToken,
                       Optional<SweepEnd> endReason, List<RescanPoint> rescanPoints, Map<Skip, Integer> skipped,
                       List<String> futureDated) {

    public boolean endsSweep() {
        return endReason.isPresent();
    }
}
