package io.oprelay.twilio;

/**
 * The order in which the list API returns results. Twilio does not document it: the relay detects it from creation
 * times, and the simulator answers in the order it is set to.
 */
public enum SortOrder {
    /** Not detected yet (no page has told); never the order of a list. */
    UNKNOWN,
    /** Newest first; a page token leads to older results. */
    NEWEST_FIRST,
    /** Oldest first; a page token leads to newer results, so it also finds results added later. */
    OLDEST_FIRST;

    /** Whether this is the order of a list, not the absence of one. */
    public boolean known() {
        return this != UNKNOWN;
    }
}
