package io.oprelay.poller;

import java.util.Optional;

/**
 * When a feed's staged pages commit, in the manner of Kafka Connect's transaction boundary strategies: consecutive
 * pages of a sweep share one transaction until it holds {@code relay.poller.max-transaction-results} results or the
 * sweep ends. The feed loop also commits what it staged before it publishes pushed results, when a sweep leaves off
 * without an end (the page limit, a release), and after a failure (the pages read before it). Until the commit the
 * cursor is ahead of Kafka; a commit that fails throws the cursor away, so nothing is skipped.
 */
final class TransactionBoundary {

    /** Why staged pages commit. */
    enum Reason {
        /** The staged pages hold {@code relay.poller.max-transaction-results} results or more. */
        RESULT_LIMIT,
        /** The page ended the sweep. */
        END_OF_SWEEP,
        /** The sweep left off without an end: the page limit, or the feed was released. */
        SWEEP_LEFT_OFF,
        /** Pushed results wait: they commit in a transaction of their own, after the pages read before them. */
        PUSH_ARRIVED,
        /** The sweep failed: the pages read before the failure commit if they can. */
        FAILURE
    }

    private final int maxResults;

    /** @param maxResults results per transaction ({@code relay.poller.max-transaction-results}) */
    TransactionBoundary(int maxResults) {
        this.maxResults = maxResults;
    }

    /**
     * Whether the staged pages commit once a page is staged.
     *
     * @param stagedResults results staged so far, the page's included
     * @param endsSweep     whether the page ends its sweep
     */
    Optional<Reason> afterPage(int stagedResults, boolean endsSweep) {
        if (endsSweep) {
            return Optional.of(Reason.END_OF_SWEEP);
        }
        if (stagedResults >= maxResults) {
            return Optional.of(Reason.RESULT_LIMIT);
        }
        return Optional.empty();
    }
}
