package io.oprelay.routing;

import io.oprelay.kafka.KafkaClients;
import io.oprelay.supervision.Supervisor;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Router transactional ids come from a bounded pool, one slot per member of the slots group, reused when freed. */
@QuarkusTest
class RouterSlotsTest {

    @Inject
    KafkaClients clients;

    @Inject
    Supervisor supervisor;

    @Test
    void eachRouterHoldsASlotOfItsOwnAndASlotLeftBehindIsReusedUnderTheSameId() throws Exception {
        String run = "slots-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = clients.admin(run)) {
            admin.createTopics(List.of(new NewTopic(run, 2, (short) 1))).all().get();
        }
        RouterSlots first = slots(run, "first");
        RouterSlots second = slots(run, "second");
        try {
            first.start(supervisor);
            Optional<String> firstId = first.await(Waits.seconds(30));
            assertThat(firstId).contains(run + "-0");

            second.start(supervisor);
            Optional<String> secondId = second.await(Waits.seconds(30));
            assertThat(secondId).as("the other slot, never the one in use").contains(run + "-1");
            assertThat(first.holds(firstId.get())).isTrue();
            assertThat(second.holds(firstId.get())).isFalse();

            // The first router goes away; the second takes its slot over and writes under the very same id, so its
            // initTransactions() would settle whatever the first one left open.
            first.released(firstId.get());
            first.close();
            second.released(secondId.get());
            await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Optional<String> next = second.await(Duration.ofMillis(100));
                second.released(next.orElse(""));
                assertThat(next).contains(run + "-0");
            });
        } finally {
            first.close();
            second.close();
        }
    }

    private RouterSlots slots(String run, String name) {
        return new RouterSlots(clients, run, run + "-group", run, Duration.ofSeconds(6), Duration.ofSeconds(5),
                run + "-" + name);
    }
}
