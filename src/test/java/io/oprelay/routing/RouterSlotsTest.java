package io.oprelay.routing;

import io.oprelay.kafka.KafkaClients;
import io.oprelay.supervision.Supervisor;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    @Test
    void aSlotGainedButNotUsedStillAbortsTheTransactionItsDeadHolderLeftOpen() throws Exception {
        String run = "slots-" + UUID.randomUUID().toString().substring(0, 8);
        String output = run + "-out";
        try (Admin admin = clients.admin(run)) {
            admin.createTopics(List.of(new NewTopic(run, 2, (short) 1), new NewTopic(output, 1, (short) 1)))
                    .all().get();
        }
        TopicPartition partition = new TopicPartition(output, 0);
        // A worker of another instance wrote under slot 1 and died inside its transaction (a minute's timeout).
        KafkaProducer<String, byte[]> dead = clients.transactionalProducer(run + "-1",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000));
        dead.initTransactions();
        dead.beginTransaction();
        dead.send(new ProducerRecord<>(output, "hint", new byte[] {1})).get();
        dead.close(Duration.ZERO);
        try (Admin admin = clients.admin(run + "-offsets")) {
            assertThat(stableOffset(admin, partition)).as("readers held at the open transaction").isZero();

            // This instance takes both slots; its worker writes under slot 0 only.
            RouterSlots survivor = slots(run, "survivor");
            try {
                survivor.start(supervisor);
                assertThat(survivor.await(Waits.seconds(30))).contains(run + "-0");
                await().atMost(Waits.seconds(15)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(stableOffset(admin, partition))
                                .as("the open transaction aborted, long before its timeout").isEqualTo(2));
            } finally {
                survivor.close();
            }
        }
    }

    /** The last stable offset: what a read_committed reader may read up to. */
    private static long stableOffset(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(partition).get().offset();
    }

    private RouterSlots slots(String run, String name) {
        return new RouterSlots(clients, run, run + "-group", run, Duration.ofSeconds(6), Duration.ofSeconds(5),
                run + "-" + name);
    }
}
