package io.oprelay.webhook;

import io.oprelay.poller.FeedStatus;
import io.oprelay.poller.PollerService;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import static io.oprelay.support.RuleExecutionWebhooks.body;
import static io.oprelay.support.RuleExecutionWebhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Time from receiving a webhook to the commit of its results' transaction, as the handler measures it (its
 * {@code Server-Timing: commit;dur=...} answer header), over 100 webhooks of 1-3 new results each.
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
        await().atMost(Waits.seconds(60)).until(() -> poller.runsHere("default")
                && poller.status("default").map(s -> s.state() != FeedStatus.State.STARTING).orElse(false));
        simulator.setEnabled(false);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            List<String> ids = simulator.add(1 + ThreadLocalRandom.current().nextInt(3));
            Response response = postSigned(body(simulator, ids));
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            assertThat(response.jsonPath().getInt("published")).isEqualTo(ids.size());
            String timing = response.header(RuleExecutionResource.SERVER_TIMING);
            millis.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
        }
        millis.sort(Double::compare);
        double p50 = percentile(millis, 0.50);
        double p95 = percentile(millis, 0.95);
        double p99 = percentile(millis, 0.99);
        LOG.infof("webhook receive-to-commit over %d webhooks: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                WEBHOOKS, p50, p95, p99, millis.get(millis.size() - 1));
        System.out.printf(Locale.ROOT, "WEBHOOK-LATENCY p50=%.1f p95=%.1f p99=%.1f max=%.1f%n", p50, p95, p99,
                millis.get(millis.size() - 1));
        assertThat(p99).as("p99 receive-to-commit in ms").isLessThan((double) Waits.millis(1000).toMillis());
    }

    private static double percentile(List<Double> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
