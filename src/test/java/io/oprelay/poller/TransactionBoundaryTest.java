package io.oprelay.poller;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When staged pages commit: at the result limit or at the end of the sweep, not before. */
class TransactionBoundaryTest {

    private final TransactionBoundary boundary = new TransactionBoundary(100);

    @Test
    void pagesBelowTheResultLimitWaitForMorePages() {
        assertThat(boundary.afterPage(0, false)).isEmpty();
        assertThat(boundary.afterPage(99, false)).isEmpty();
    }

    @Test
    void theTransactionCommitsOnceItHoldsTheResultLimit() {
        assertThat(boundary.afterPage(100, false)).contains(TransactionBoundary.Reason.RESULT_LIMIT);
        assertThat(boundary.afterPage(250, false)).contains(TransactionBoundary.Reason.RESULT_LIMIT);
    }

    @Test
    void theLastPageOfASweepAlwaysCommitsEvenWithoutResults() {
        assertThat(boundary.afterPage(0, true)).contains(TransactionBoundary.Reason.END_OF_SWEEP);
        assertThat(boundary.afterPage(100, true)).contains(TransactionBoundary.Reason.END_OF_SWEEP);
    }

    @Test
    void aLimitOfOneCommitsEveryPageWithAResult() {
        TransactionBoundary perPage = new TransactionBoundary(1);
        assertThat(perPage.afterPage(1, false)).contains(TransactionBoundary.Reason.RESULT_LIMIT);
        assertThat(perPage.afterPage(0, false)).isEmpty();
    }
}
