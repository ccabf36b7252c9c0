package io.oprelay.webhook;

import io.oprelay.bench.Latencies;
import io.oprelay.poller.PollerService;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.oprelay.support.RuleExecutionWebhooks.awaitDefaultFeedRunsHere;
import static io.oprelay.support.RuleExecutionWebhooks.body;
import static io.oprelay.support.RuleExecutionWebhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time from receiving a webhook to the commit of its results' transaction, as the handler measures it (its
 * {@code Server-Timing: commit;dur=...} answer header), over 100 webhooks of 1-3 new results each: too few for a
 * p99, so the summary names the maximum.
 */
@QuarkusTest
class WebhookLatencyTest {

    private static final Logger LOG = Logger.getLogger(WebhookLatencyTest.class);
    private static final int WEBHOOKS = 100;

    @Inject
    Simulator simulator;
    @Inject
    PollerService poller;

    @AfterEach
    void simulatorServes() {
        simulator.setEnabled(true);
    }

    @Test
    void webhookResultsCommitWellWithinASecond() {
        awaitDefaultFeedRunsHere(poller);
        simulator.setEnabled(false);
        long[] nanos = new long[WEBHOOKS];
        for (int i = 0; i < WEBHOOKS; i++) {
            List<String> ids = simulator.add(1 + ThreadLocalRandom.current().nextInt(3));
            Response response = postSigned(body(simulator, ids));
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            assertThat(response.jsonPath().getInt("published")).isEqualTo(ids.size());
            String timing = response.header(RuleExecutionResource.SERVER_TIMING);
            nanos[i] = Math.round(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)) * 1e6);
        }
        // Latencies names a p99 only over 1,000 samples: over these 100 it names the maximum instead.
        Latencies measured = Latencies.ofNanos(nanos);
        LOG.infof("webhook receive-to-commit: %s", measured.summary());
        System.out.println("WEBHOOK-LATENCY " + measured.summary());
        assertThat(measured.maxMillis()).as("slowest receive-to-commit in ms, " + measured.summary())
                .isLessThan((double) Waits.millis(1000).toMillis());
    }
}
