package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A router thread reports the records of its partitions it has not routed yet, and none once it caught up. */
@QuarkusTest
class RouterConsumerLagTest {

    @Inject
    RouterTestParts parts;

    @Test
    void lagCountsTheBacklogBehindAStalledBatchAndFallsToZeroOnceRouted() throws Exception {
        try (StallingEndpoint endpoint = new StallingEndpoint()) {
            List<Rule> rules = parts.rules("isolated-router-test", """
                    rules:
                      - name: slow-receiver
                        when: {label: slow}
                        actions:
                          - {type: workflow, action: notify, kafka: false, url: "%s"}
                    """.formatted(endpoint.url("/slow")));
            try (IsolatedRouter router = IsolatedRouter.start(parts, rules,
                    Map.of("relay.actions.http.timeout", "1s", "relay.actions.http.max-attempts", "1"));
                 ResultEvents events = new ResultEvents(parts.kafka())) {
                List<ObjectNode> backlog = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    backlog.add(SampleResults.classification(SampleResults.conversationId(), i % 250 == 0 ? "slow" : "calm"));
                }
                events.publish(router.input, backlog.toArray(ObjectNode[]::new));

                // A transaction takes at most 500 records (polls of 50); one holding a "slow" record waits 1 s for the
                // stalled receiver before it commits, with the rest of the backlog not polled yet.
                await().atMost(Waits.seconds(20)).until(() -> router.worker.lag() > 0);
                assertThat(router.worker.lag()).isLessThanOrEqualTo(1000);
                await().atMost(Waits.seconds(30)).until(() -> router.worker.routed() == 1000);
                await().atMost(Waits.seconds(10)).until(() -> router.worker.lag() == 0);
            }
        }
    }
}
