package io.oprelay.cursor;

/**
 * Oldest first: a page an unfinished sweep walked, where a later sweep may start again to find late results.
 *
 * @param token the page's token
 * @param from  the newest creation time on the page before it (epoch milliseconds): the page starts at or after it
 */
public record RescanPoint(String token, long from) {
}
