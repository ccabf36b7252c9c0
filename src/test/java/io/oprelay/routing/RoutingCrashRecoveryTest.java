package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.actions.EndpointHealth;
import io.oprelay.actions.WebhookSender;
import io.oprelay.support.Waits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A router that dies in the middle of a transaction (records already written, nothing committed) and a new instance
 * with the same transactional id: a read_committed reader sees every hint and command exactly once.
 */
@QuarkusTest
class RoutingCrashRecoveryTest {

    @Inject
    RouterTestParts parts;

    @Test
    void crashMidTransactionThenNewInstanceProducesNoDuplicateKafkaActions() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "routing-crash-" + run + ".results";
        try (Admin admin = Admin.create(parts.kafka())) {
            admin.createTopics(List.of(new NewTopic(input, 1, (short) 1))).all().get();
        }
        WireMockServer wireMock = RoutingWebhookResource.server();
        String stallPath = "/workflow/stall-" + run;
        wireMock.stubFor(post(urlEqualTo(stallPath)).willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));

        List<Rule> rules = parts.rules("crash-test", """
                rules:
                  - name: every-result
                    when: {all: []}
                    actions:
                      - {type: agent-assist, message: "{{label}}"}
                      - {type: workflow, action: record}
                  - name: stall
                    when: {label: stall}
                    actions:
                      - {type: workflow, action: stall, kafka: false, url: "http://localhost:%d%s"}
                """.formatted(wireMock.port(), stallPath));
        RoutingEngine engine = new RoutingEngine(rules, parts.mapper(), "routing-crash-" + run + ".dead-letters");

        List<ObjectNode> results = new ArrayList<>();
        try (ResultEvents events = new ResultEvents(parts.kafka())) {
            for (int i = 0; i < 60; i++) {
                results.add(SampleResults.classification(SampleResults.conversationId(), i == 35 ? "stall" : "angry"));
            }
            events.publish(input, results.toArray(ObjectNode[]::new));
        }
        Set<String> ids = results.stream().map(r -> r.get("id").asText()).collect(Collectors.toSet());

        RouterWorker first = worker(engine, input, run, "first");
        first.start();
        // The first instance is stuck on the stalled webhook, inside a transaction holding routed records.
        await().atMost(Waits.seconds(30))
                .until(() -> wireMock.findAll(postRequestedFor(urlEqualTo(stallPath))).size() == 1);
        try (ResultEvents reader = new ResultEvents(parts.kafka())) {
            await().atMost(Waits.seconds(10)).until(() ->
                    count(reader.read("agent-assist.hints", r -> ids.contains(resultId(r)), false))
                            > count(reader.read("agent-assist.hints", r -> ids.contains(resultId(r)), true)));
        }
        first.halt();
        assertThat(first.awaitStopped(Waits.seconds(10))).isTrue();

        wireMock.stubFor(post(urlEqualTo(stallPath)).willReturn(aResponse().withStatus(200)));
        RouterWorker second = worker(engine, input, run, "second");
        second.start();
        try (ResultEvents reader = new ResultEvents(parts.kafka())) {
            await().atMost(Waits.seconds(60)).until(() ->
                    count(reader.read("workflow.actions", r -> ids.contains(resultId(r)), true)) == 60
                            && count(reader.read("agent-assist.hints", r -> ids.contains(resultId(r)), true)) == 60);
            List<ConsumerRecord<String, byte[]>> hints = reader.read("agent-assist.hints",
                    r -> ids.contains(resultId(r)), true);
            List<ConsumerRecord<String, byte[]>> commands = reader.read("workflow.actions",
                    r -> ids.contains(resultId(r)), true);
            assertThat(hints.stream().map(RoutingCrashRecoveryTest::resultId)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(commands.stream().map(RoutingCrashRecoveryTest::resultId)).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(count(reader.read("agent-assist.hints", r -> ids.contains(resultId(r)), false)))
                    .as("the aborted attempt's records are in the log, hidden from read_committed readers")
                    .isGreaterThan(60);
        } finally {
            second.stop();
            second.awaitStopped(Waits.seconds(15));
        }
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(stallPath))))
                .as("the webhook is at least once: called again after the crash, with the same key")
                .hasSizeGreaterThanOrEqualTo(2)
                .extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(results.get(35).get("id").asText() + ":stall");
    }

    private RouterWorker worker(RoutingEngine engine, String input, String run, String name) {
        RouterClients clients = RouterClients.of(parts.clients(), "routing-crash-" + run, 10, Duration.ofSeconds(6),
                Duration.ofSeconds(60), Duration.ofSeconds(60));
        Map<String, String> http = new HashMap<>(Map.of("relay.actions.http.timeout", "120s"));
        var config = TestConfigs.actions(http);
        WebhookSender sender = new WebhookSender(config, parts.signer(), new EndpointHealth(config));
        return new RouterWorker("routing-crash-" + name, clients, "routing-crash-" + run + "-0", List.of(input),
                engine, sender,
                new RoutingMetrics(new SimpleMeterRegistry()), Duration.ofMillis(100));
    }

    private static long count(List<ConsumerRecord<String, byte[]>> records) {
        return records.size();
    }

    private static String resultId(ConsumerRecord<String, byte[]> record) {
        try {
            return SampleResults.MAPPER.readTree(record.value()).path("resultId").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
