package io.oprelay.poller;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FeedStatusTest {

    private static final String INTERRUPTED_COMMIT =
            "Kafka: transaction of feed a failed: Received interrupt while awaiting EndTxn(true)";

    @Test
    void aFeedOwnedHereWhoseCommitFailedReportsKafkaUnhealthy() {
        FeedStatus status = new FeedStatus("a");
        status.state(FeedStatus.State.SWEEPING);
        status.failed(INTERRUPTED_COMMIT, true);

        assertThat(status.view().kafkaHealthy()).isFalse();
    }

    /**
     * A feed handed to another replica in the middle of a commit fails that commit (the loop is interrupted); the
     * feed then runs elsewhere, and its failure here must not keep this instance's readiness DOWN until it happens to
     * own the feed again.
     */
    @Test
    void aFeedReleasedAfterAFailedCommitNoLongerReportsKafkaUnhealthyHereButKeepsItsLastError() {
        FeedStatus status = new FeedStatus("a");
        status.state(FeedStatus.State.SWEEPING);
        status.failed(INTERRUPTED_COMMIT, true);
        status.state(FeedStatus.State.STANDBY);

        assertThat(status.view().kafkaHealthy()).isTrue();
        assertThat(status.view().lastError()).isEqualTo(INTERRUPTED_COMMIT);
        assertThat(status.view().errors()).isEqualTo(1);
    }
}
