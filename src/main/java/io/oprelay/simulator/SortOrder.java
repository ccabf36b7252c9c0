package io.oprelay.simulator;

/** The order in which the simulated list answers results; Twilio does not document its own. */
public enum SortOrder {
    /** Newest first; a page token means "older than the last id of the page". */
    NEWEST_FIRST,
    /** Oldest first; a page token means "newer than the last id of the page", so it also finds results added later. */
    OLDEST_FIRST
}
