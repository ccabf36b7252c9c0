package io.oprelay.twilio;

/** The order in which the list API returns results, detected from their creation times (it is undocumented). */
public enum SortOrder {
    UNKNOWN, NEWEST_FIRST, OLDEST_FIRST
}
