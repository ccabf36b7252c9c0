package io.oprelay.poller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.EventContract;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.RuleExecutionWebhooks;
import io.oprelay.support.SimulatorClient;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three packaged relays sharing eight feeds and the routing group, against a separate simulator process: each feed is
 * run by exactly one of them and each has work; one that runs feeds is SIGKILLed, and the two others take over its
 * feeds and its routing partitions within seconds. Every result, created before or after the kill, is on the result
 * topics exactly once ({@code read_committed}), and every result the rule fires on has exactly one hint and one
 * command. Also the webhook's answers across replicas: the feed's owner 200, another replica 202, an instance without
 * the webhook's auth token 503. The kill lands between batches (everything so far published and routed); a kill inside
 * a router's transaction is {@code RouterSigkillIT}'s case.
 */
class ThreeReplicasIT {

    private static final List<String> FORMATS = List.of("classification", "json", "text", "extraction", "other");
    private static final String PREFIX = "scale-";
    private static final String HINTS = PREFIX + "hints";
    private static final String COMMANDS = PREFIX + "commands";
    private static final String ROUTER_GROUP = PREFIX + "router";
    /** Labels the one rule fires on: of the simulator's CLASSIFICATION operators, about one result in six. */
    private static final Set<String> FIRING_LABELS = Set.of("NEGATIVE", "ESCALATED");
    private static final int FEEDS = 8;
    /** Partitions of the checkpoint topic, each a unit of feed ownership: one per feed. */
    private static final int CHECKPOINT_PARTITIONS = FEEDS;
    private static final int BACKLOG = 3_000;
    private static final int ADDED_AFTER_THE_KILL = 500;
    /**
     * Longest hand-over of the dead instance's feeds and routing partitions: the session timeout (6 s) for each group
     * to notice the death, a rebalance, fencing and checkpoint restore, the first sweep's commit, and the routing of
     * what it published.
     */
    private static final Duration TAKEOVER = Duration.ofSeconds(30);
    /**
     * Four relay JVMs start at once on the shared cores of CI: the client compiler only and the serial collector
     * keep their start-up (class loading, JIT, GC threads) from starving each other. Nothing here measures speed.
     */
    private static final List<String> LIGHT_JVM = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    /** Start-up of a relay while three others start too: not what this test checks, so a generous bound. */
    private static final Duration START = Duration.ofSeconds(180);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalKafkaBroker broker;
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void broker() throws Exception {
        broker = LocalBrokers.started("three-replicas");
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @Test
    void threeReplicasShareTheFeedsAndRoutingAndTheTwoLeftTakeOverAKilledOnesWithEveryResultOnce() throws Exception {
        long started = System.nanoTime();
        try (RelayProcess simulator = simulator()) {
            SimulatorClient twilio = new SimulatorClient(simulator.baseUrl() + "/simulator");
            Map<String, String> feeds = feedsByConfiguration(twilio.allResults());
            Path rules = rules();
            List<RelayProcess> relays = new ArrayList<>();
            try (RelayProcess a = relay("relay-a", simulator, feeds, rules).start();
                 RelayProcess b = relay("relay-b", simulator, feeds, rules).start();
                 RelayProcess c = relay("relay-c", simulator, feeds, rules).start();
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                relays.addAll(List.of(a, b, c));
                for (RelayProcess relay : relays) {
                    relay.awaitReady(START);
                }
                long ready = System.nanoTime();
                assertEverythingOnce(twilio, Duration.ofSeconds(120));
                long backlogDone = System.nanoTime();

                Map<RelayProcess, Set<String>> owners = awaitEachFeedOwnedOnce(relays, feeds.keySet());
                assertThat(owners.values()).as("every instance runs some feed").allMatch(owned -> !owned.isEmpty());
                Map<String, Set<TopicPartition>> routing = awaitRoutingSharedBy(admin, relays);
                assertThat(routing.values()).as("every instance routes some partition")
                        .allMatch(partitions -> !partitions.isEmpty());

                RelayProcess victim = relays.get(0);
                List<RelayProcess> survivors = relays.subList(1, 3);
                String victimFeed = owners.get(victim).iterator().next();
                assertWebhookAnswers(twilio, feeds.get(victimFeed), victim, survivors.get(0), simulator);

                // New results created while running arrive within one interval (1 s here) plus a sweep.
                twilio.add(50);
                assertEverythingOnce(twilio, Duration.ofSeconds(10));

                Set<String> before = twilio.allIds();
                victim.kill();
                long killedAt = System.nanoTime();
                twilio.add(ADDED_AFTER_THE_KILL);
                List<JsonNode> createdAfterTheKill = twilio.allResults().stream()
                        .filter(result -> !before.contains(result.path("id").asText())).toList();
                assertThat(createdAfterTheKill).hasSize(ADDED_AFTER_THE_KILL);
                Map<String, Set<String>> newByVictimFeed = new HashMap<>();
                for (JsonNode result : createdAfterTheKill) {
                    String feed = feedOf(feeds, result);
                    if (owners.get(victim).contains(feed)) {
                        newByVictimFeed.computeIfAbsent(feed, f -> new HashSet<>()).add(result.path("id").asText());
                    }
                }
                assertThat(newByVictimFeed.keySet()).as("the results added reach every feed the dead instance ran")
                        .isEqualTo(owners.get(victim));

                // Taken over means publishing: each of the dead instance's feeds has published a result created
                // after the kill, which only a survivor can have done.
                await().atMost(Waits.scaled(TAKEOVER)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    Set<String> published = countsById().keySet();
                    return newByVictimFeed.values().stream().allMatch(ids -> ids.stream().anyMatch(published::contains));
                });
                Duration feedTakeover = Duration.ofNanos(System.nanoTime() - killedAt);
                Map<String, Set<TopicPartition>> routingAfter = awaitRoutingSharedBy(admin, survivors);
                Duration routingTakeover = Duration.ofNanos(System.nanoTime() - killedAt);
                assertThat(routingAfter.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                        .as("the dead instance's partitions are routed by the survivors")
                        .containsAll(routing.get(victim.name()));
                Map<RelayProcess, Set<String>> ownersAfter = awaitEachFeedOwnedOnce(survivors, feeds.keySet());
                assertThat(feedTakeover).isLessThan(Waits.scaled(TAKEOVER));
                assertThat(routingTakeover).isLessThan(Waits.scaled(TAKEOVER));

                assertEverythingOnce(twilio, Duration.ofSeconds(60));
                System.out.printf(Locale.ROOT, "ThreeReplicasIT feeds before the kill: %s%n", names(owners));
                System.out.printf(Locale.ROOT, "ThreeReplicasIT feeds after the kill: %s%n", names(ownersAfter));
                System.out.printf(Locale.ROOT, "ThreeReplicasIT routing partitions before the kill: %s%n",
                        sizes(routing));
                System.out.printf(Locale.ROOT, "ThreeReplicasIT simulator and relays ready in %.1f s; backlog of %d"
                                + " published and routed %.1f s later; feeds taken over in %.1f s, routing partitions"
                                + " in %.1f s; whole test %.1f s%n", seconds(ready - started), BACKLOG,
                        seconds(backlogDone - ready), seconds(feedTakeover.toNanos()),
                        seconds(routingTakeover.toNanos()), seconds(System.nanoTime() - started));
            }
        }
    }

    /** A separate process serving the simulator only: it keeps Twilio's state whichever relay dies. */
    private static RelayProcess simulator() throws Exception {
        return new RelayProcess("simulator", Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "relay.simulator.enabled", "true",
                "relay.simulator.backlog", String.valueOf(BACKLOG),
                "relay.simulator.configurations", String.valueOf(FEEDS),
                "relay.simulator.rate", "0",
                "relay.poller.enabled", "false",
                "relay.routing.enabled", "false")).jvmOptions(LIGHT_JVM).start().awaitReady(START);
    }

    /**
     * One feed per Intelligence Configuration of the simulator, so the feeds select disjoint results. Their names
     * hash to distinct checkpoint partitions (one per feed), the units of feed ownership: so no instance can be left
     * holding partitions but no feed.
     */
    private static Map<String, String> feedsByConfiguration(List<JsonNode> results) {
        List<String> configurations = results.stream()
                .map(result -> result.path("intelligenceConfiguration").path("id").asText())
                .distinct().sorted().toList();
        assertThat(configurations).hasSize(FEEDS);
        Map<String, String> feeds = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        for (int n = 0; feeds.size() < FEEDS; n++) {
            String name = "feed-" + n;
            if (taken.add(FeedPublisher.partitionFor(name, CHECKPOINT_PARTITIONS))) {
                feeds.put(name, configurations.get(feeds.size()));
            }
        }
        return feeds;
    }

    private static String feedOf(Map<String, String> feeds, JsonNode result) {
        String configuration = result.path("intelligenceConfiguration").path("id").asText();
        return feeds.entrySet().stream().filter(e -> e.getValue().equals(configuration)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    /** One rule with a hint and a command, firing on CLASSIFICATION results with one of {@link #FIRING_LABELS}. */
    private Path rules() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - name: unhappy
                    when:
                      all:
                        - format: CLASSIFICATION
                        - label: [%s]
                    actions:
                      - type: agent-assist
                        message: "{{resultId}}"
                      - type: workflow
                        action: follow-up
                """.formatted(String.join(", ", new TreeSet<>(FIRING_LABELS))));
        return rules;
    }

    private static RelayProcess relay(String name, RelayProcess simulator, Map<String, String> feeds, Path rules)
            throws Exception {
        Map<String, String> settings = RelayProcess.twilioFrom(simulator, bootstrap);
        settings.put("relay.poller.page-size", "250");
        settings.put("relay.poller.interval", "1S");
        settings.put("relay.poller.max-transaction-results", "500");
        settings.put("relay.poller.group-id", PREFIX + "poller");
        settings.put("relay.poller.transactional-id-prefix", PREFIX);
        feeds.forEach((feed, configuration) ->
                settings.put("relay.feeds." + feed + ".intelligence-configuration-id", configuration));
        for (String format : FORMATS) {
            settings.put("relay.topics." + format, PREFIX + "operator-results." + format);
        }
        settings.put("relay.topics.checkpoints", PREFIX + "checkpoints");
        settings.put("relay.topics.checkpoint-partitions", String.valueOf(CHECKPOINT_PARTITIONS));
        settings.put("relay.webhook.auth-token", RuleExecutionWebhooks.AUTH_TOKEN);
        settings.put("relay.routing.rules-file", rules.toString());
        settings.put("relay.routing.instance-id", name);
        settings.put("relay.routing.group-id", ROUTER_GROUP);
        settings.put("relay.routing.transactional-id-prefix", PREFIX + "router");
        settings.put("relay.routing.slots.topic", PREFIX + "router-slots");
        settings.put("relay.routing.dead-letter-topic", PREFIX + "dead-letters");
        settings.put("relay.routing.poll.session-timeout", "6s");
        settings.put("relay.routing.slots.session-timeout", "6s");
        settings.put("relay.actions.agent-assist.topic", HINTS);
        settings.put("relay.actions.workflow.topic", COMMANDS);
        return new RelayProcess(name, settings).jvmOptions(LIGHT_JVM);
    }

    private static List<String> resultTopics() {
        return FORMATS.stream().map(format -> PREFIX + "operator-results." + format).toList();
    }

    private static Map<String, Integer> countsById() {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedReader.readAll(bootstrap, resultTopics())) {
            counts.merge(EventContract.header(record, "ce_id"), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Waits until every result the simulator holds is published and every one the rule fires on has its hint and its
     * command; then checks that none of them is there twice.
     */
    private static void assertEverythingOnce(SimulatorClient twilio, Duration within) throws Exception {
        List<JsonNode> results = twilio.allResults();
        Set<String> expected = results.stream().map(r -> r.path("id").asText()).collect(Collectors.toSet());
        Set<String> firing = results.stream().filter(ThreeReplicasIT::fires).map(r -> r.path("id").asText())
                .collect(Collectors.toSet());
        assertThat(firing.size()).as("the rule fires on some results, not all")
                .isBetween(expected.size() / 100, expected.size() / 2);
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        await().atMost(Waits.scaled(within)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            counts.put("results", countsById());
            counts.put("hints", CommittedReader.countByField(bootstrap, HINTS, "resultId"));
            counts.put("commands", CommittedReader.countByField(bootstrap, COMMANDS, "resultId"));
            assertThat(counts.get("results").keySet()).as("published").containsAll(expected);
            assertThat(counts.get("hints").keySet()).as("hinted").isEqualTo(firing);
            assertThat(counts.get("commands").keySet()).as("commanded").isEqualTo(firing);
        });
        counts.forEach((kind, byId) -> assertThat(byId.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).toList()).as(kind + " written more than once").isEmpty());
        assertThat(counts.get("results").keySet()).as("nothing published that the simulator does not hold")
                .isEqualTo(expected);
    }

    private static boolean fires(JsonNode result) {
        return "CLASSIFICATION".equals(result.path("outputFormat").asText())
                && FIRING_LABELS.contains(result.path("result").path("label").asText().toUpperCase(Locale.ROOT));
    }

    /**
     * Waits until each feed runs on exactly one of {@code relays} ({@code /api/feeds}: any state but STANDBY or
     * FENCED) and answers which feeds each runs.
     */
    private static Map<RelayProcess, Set<String>> awaitEachFeedOwnedOnce(List<RelayProcess> relays, Set<String> feeds) {
        Map<RelayProcess, Set<String>> owners = new LinkedHashMap<>();
        await().atMost(Waits.scaled(TAKEOVER)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            owners.clear();
            for (RelayProcess relay : relays) {
                owners.put(relay, ownedFeeds(relay));
            }
            Map<String, Integer> runs = new HashMap<>();
            owners.values().forEach(owned -> owned.forEach(feed -> runs.merge(feed, 1, Integer::sum)));
            assertThat(runs.keySet()).as("feeds running").isEqualTo(feeds);
            assertThat(runs.values()).as("each feed on one instance only").allMatch(count -> count == 1);
        });
        return owners;
    }

    private static Set<String> ownedFeeds(RelayProcess relay) throws Exception {
        HttpResponse<String> answer = relay.get("/api/feeds");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Set<String> owned = new TreeSet<>();
        for (JsonNode feed : MAPPER.readTree(answer.body())) {
            String state = feed.path("state").asText();
            if (!state.equals("STANDBY") && !state.equals("FENCED")) {
                owned.add(feed.path("feed").asText());
            }
        }
        return owned;
    }

    /**
     * Waits until the routing group is stable with exactly one member per relay of {@code relays} and every partition
     * of the routed topics assigned, and answers the partitions of each instance (by its instance id).
     */
    private static Map<String, Set<TopicPartition>> awaitRoutingSharedBy(Admin admin, List<RelayProcess> relays) {
        Set<TopicPartition> all = new HashSet<>();
        Map<String, Set<TopicPartition>> byInstance = new HashMap<>();
        await().atMost(Waits.scaled(TAKEOVER)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            if (all.isEmpty()) {
                List<String> routed = List.of(PREFIX + "operator-results.classification",
                        PREFIX + "operator-results.json");
                admin.describeTopics(routed).allTopicNames().get(10, TimeUnit.SECONDS).values().forEach(topic ->
                        topic.partitions().forEach(p -> all.add(new TopicPartition(topic.name(), p.partition()))));
            }
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(ROUTER_GROUP)).all()
                    .get(10, TimeUnit.SECONDS).get(ROUTER_GROUP);
            byInstance.clear();
            for (MemberDescription member : group.members()) {
                byInstance.computeIfAbsent(instanceOf(member.clientId()), i -> new HashSet<>())
                        .addAll(member.assignment().topicPartitions());
            }
            assertThat(byInstance.keySet()).as("members of the routing group")
                    .isEqualTo(relays.stream().map(RelayProcess::name).collect(Collectors.toSet()));
            List<TopicPartition> assigned = byInstance.values().stream().flatMap(Set::stream).toList();
            assertThat(assigned).as("each partition routed by one instance").doesNotHaveDuplicates();
            assertThat(new HashSet<>(assigned)).as("every partition routed").isEqualTo(all);
        });
        return byInstance;
    }

    /** {@code relay-router-<instance>-<n>}: the instance id, which the test sets to the process's name. */
    private static String instanceOf(String clientId) {
        return clientId.replaceFirst("^relay-router-", "").replaceFirst("-\\d+$", "");
    }

    /**
     * A signed webhook for a result of {@code configuration} already published: the instance that runs its feed
     * answers 200 "already published"; another replica answers 202 "deferred" (the owner's poller covers it); an
     * instance without the webhook's auth token answers 503 and accepts nothing.
     */
    private static void assertWebhookAnswers(SimulatorClient twilio, String configuration, RelayProcess owner,
                                             RelayProcess other, RelayProcess noToken) throws Exception {
        JsonNode view = twilio.allResults().stream()
                .filter(r -> r.path("intelligenceConfiguration").path("id").asText().equals(configuration))
                .findFirst().orElseThrow();
        String result = twilio.result(view.path("id").asText());
        byte[] body = ("{\"accountId\":\"" + view.path("accountId").asText() + "\",\"conversationId\":\""
                + view.path("conversationId").asText() + "\",\"intelligenceConfiguration\":"
                + view.path("intelligenceConfiguration") + ",\"operatorResults\":[" + result + "]}")
                .getBytes(StandardCharsets.UTF_8);
        String pathAndQuery = RuleExecutionWebhooks.pathFor(body);

        HttpResponse<String> atOwner = postSigned(owner, pathAndQuery, body);
        assertThat(atOwner.statusCode()).as(atOwner.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(atOwner.body()).path("alreadyPublished").asInt()).isEqualTo(1);

        HttpResponse<String> atOther = postSigned(other, pathAndQuery, body);
        assertThat(atOther.statusCode()).as(atOther.body()).isEqualTo(202);
        assertThat(MAPPER.readTree(atOther.body()).path("deferred").asInt()).isEqualTo(1);

        HttpResponse<String> withoutToken = postSigned(noToken, pathAndQuery, body);
        assertThat(withoutToken.statusCode()).isEqualTo(503);
        assertThat(withoutToken.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    private static HttpResponse<String> postSigned(RelayProcess relay, String pathAndQuery, byte[] body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(relay.baseUrl() + pathAndQuery))
                .header("Content-Type", "application/json")
                .header("X-Twilio-Signature", RuleExecutionWebhooks.sign(relay.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Set<String>> names(Map<RelayProcess, Set<String>> owners) {
        Map<String, Set<String>> named = new TreeMap<>();
        owners.forEach((relay, feeds) -> named.put(relay.name(), feeds));
        return named;
    }

    private static Map<String, Integer> sizes(Map<String, Set<TopicPartition>> partitions) {
        Map<String, Integer> sizes = new TreeMap<>();
        partitions.forEach((instance, owned) -> sizes.put(instance, owned.size()));
        return sizes;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
