package io.oprelay.poller;

import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.RuleExecutionWebhooks;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay as a real process, SIGKILLed at random moments of a backfill, each time with a transaction open
 * where it can catch one. A separate simulator process keeps
 * Twilio's state across the relay's deaths; a {@code read_committed} reader checks that every result appears exactly
 * once. Replicas handing feeds over to each other: {@link ThreeReplicasIT}.
 */
class CrashAndFailoverIT {

    private static final List<String> FORMATS = List.of("classification", "json", "text", "extraction", "other");

    private static KafkaBrokerResource broker;
    private static String bootstrap;

    @BeforeAll
    static void broker() {
        broker = new KafkaBrokerResource();
        bootstrap = broker.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    private static RelayProcess simulator(int backlog) throws Exception {
        return new RelayProcess("simulator", Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "relay.simulator.enabled", "true",
                "relay.simulator.backlog", String.valueOf(backlog),
                "relay.simulator.rate", "0",
                "relay.poller.enabled", "false",
                "relay.routing.enabled", "false")).start().awaitReady(Duration.ofSeconds(60));
    }

    /** The result topics of one test: each test has its own, so no other test's records can satisfy its checks. */
    private static List<String> topics(String topicPrefix) {
        return FORMATS.stream().map(format -> topicPrefix + "operator-results." + format).toList();
    }

    private static RelayProcess relay(String name, RelayProcess simulator, String topicPrefix) throws Exception {
        Map<String, String> settings = RelayProcess.twilioFrom(simulator, bootstrap);
        settings.put("relay.poller.page-size", "250");
        settings.put("relay.poller.interval", "1S");
        settings.put("relay.routing.enabled", "false");
        // Two pages a transaction: many commits, so a kill often lands inside one.
        settings.put("relay.poller.max-transaction-results", "500");
        settings.put("relay.topics.checkpoints", topicPrefix + "checkpoints");
        List<String> topics = topics(topicPrefix);
        for (int i = 0; i < FORMATS.size(); i++) {
            settings.put("relay.topics." + FORMATS.get(i), topics.get(i));
        }
        settings.put("relay.webhook.auth-token", RuleExecutionWebhooks.AUTH_TOKEN);
        settings.put("relay.poller.group-id", topicPrefix + "poller");
        settings.put("relay.poller.transactional-id-prefix", topicPrefix);
        return new RelayProcess(name, settings);
    }

    private static Map<String, Integer> countsById(List<String> topics) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(bootstrap, topics)) {
            counts.merge(EventContract.header(record, "ce_id"), 1, Integer::sum);
        }
        return counts;
    }

    private static void assertExactlyOnce(List<String> topics, Set<String> expected, Duration within) {
        Map<String, Integer>[] counts = new Map[1];
        await().atMost(Waits.scaled(within)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            counts[0] = countsById(topics);
            assertThat(counts[0].keySet()).containsAll(expected);
        });
        Map<String, Integer> duplicates = counts[0].entrySet().stream()
                .filter(e -> expected.contains(e.getKey()) && e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(duplicates).as("results published more than once").isEmpty();
    }

    @Test
    void killedAtRandomMomentsDuringABackfillTheRelayStillPublishesEveryResultExactlyOnce() throws Exception {
        try (RelayProcess simulator = simulator(12_000)) {
            SimulatorClient twilio = new SimulatorClient(simulator.baseUrl() + "/simulator");
            Set<String> expected = twilio.allIds();
            assertThat(expected).hasSize(12_000);
            twilio.faults("{\"rateLimitShare\":0.05,\"serverErrorShare\":0.05,\"retryAfterSeconds\":1,"
                    + "\"pageDelayMs\":0,\"malformedPages\":1,\"pagesWithoutMeta\":0,\"repeatedTokenPages\":1}");
            Random random = new Random(20261124L);
            List<String> topics = topics("crash-");
            try (RelayProcess relay = relay("relay", simulator, "crash-");
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                // Three kills at random points of the backfill, each aimed at an open transaction; up to three more
                // while none has caught one yet (the feed can sit out 429s for the whole 20 s of trying), so that the
                // run always proves recovery from an open transaction, not only from kills between transactions.
                for (int kill = 0; kill < 3 || (kill < 6 && !leftATransactionOpen(topics)); kill++) {
                    int threshold = Math.min(11_000, countsById(topics).size() + 800 + random.nextInt(2_000));
                    relay.start();
                    await().atMost(Waits.seconds(120)).pollInterval(Duration.ofMillis(100))
                            .until(() -> countsById(topics).size() >= threshold);
                    killWithATransactionOpen(relay, admin, topics, random);
                }
                relay.start();
                assertExactlyOnce(topics, expected, Duration.ofSeconds(180));
                int committed = CommittedReader.readAll(bootstrap, topics).size();
                int written = CommittedReader.readAll(bootstrap, topics, "read_uncommitted").size();
                assertThat(written).as("a kill left an open transaction behind, which was aborted")
                        .isGreaterThan(committed);
                assertThat(committed).isEqualTo(expected.size());
            }
        }
    }

    /**
     * Kills the relay while one of its transactions is open, or wherever it stands after 20 s of trying. A transaction
     * is open for tens of milliseconds at a time, less than it takes to ask the broker, so the relay is frozen
     * (SIGSTOP) at a random moment and looked at while it cannot move: records past the last stable offset mean a
     * transaction is open and the kill leaves it behind; otherwise it is thawed and frozen again a moment later. The
     * wait after freezing lets requests already on the wire land, so what the broker shows is what the kill leaves.
     */
    private static void killWithATransactionOpen(RelayProcess relay, Admin admin, List<String> topics, Random random)
            throws Exception {
        long giveUp = System.nanoTime() + Waits.seconds(20).toNanos();
        for (int freezes = 1; ; freezes++) {
            relay.freeze();
            Thread.sleep(200);
            boolean open = openTransaction(admin, topics);
            if (open || System.nanoTime() > giveUp) {
                relay.kill();
                System.out.printf("CrashAndFailoverIT: killed after %d freeze(s), %s%n", freezes,
                        open ? "a transaction open" : "none seen open within 20 s");
                return;
            }
            relay.thaw();
            Thread.sleep(random.nextInt(60));
        }
    }

    /** Whether records were written that no committed read returns: a transaction left open by a kill, or aborted. */
    private static boolean leftATransactionOpen(List<String> topics) {
        return CommittedReader.readAll(bootstrap, topics, "read_uncommitted").size()
                > CommittedReader.readAll(bootstrap, topics).size();
    }

    /** True while some result partition holds records of a transaction not yet committed or aborted. */
    private static boolean openTransaction(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var description : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
            description.partitions().forEach(p -> latest.put(new TopicPartition(description.name(), p.partition()),
                    OffsetSpec.latest()));
        }
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        var written = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        return latest.keySet().stream().anyMatch(tp -> written.get(tp).offset() > stable.get(tp).offset());
    }
}
