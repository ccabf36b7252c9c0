package io.oprelay.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.routing.RoutingWebhookResource;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.CarelessResults;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.ContractValidator;
import io.oprelay.support.EventContract;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run with routing on, against the real broker and the simulator: results of every format, a deletion, a result
 * too large for its topic, a hint, a command and a dead letter. Afterwards every record on every topic the relay
 * wrote keeps the contract that the relay itself serves (its AsyncAPI document and the schemas ce_dataschema names),
 * and every topic the relay wrote is a channel of that document.
 */
@QuarkusTest
@TestProfile(ContractProfile.class)
class ContractScenarioTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    Simulator simulator;

    /** The contract as this instance serves it, over HTTP. */
    static ContractValidator servedContract() {
        String asyncApi = given().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        return new ContractValidator(asyncApi, ContractProfile.SCHEMA_BASE, file -> {
            var response = given().get("/schemas/" + file).then().extract();
            return response.statusCode() == 200 ? response.asString() : null;
        });
    }

    private String template(OutputFormat format) {
        String id = simulator.add(1, Set.of(format), null).get(0);
        return new String(simulator.find(id).orElseThrow().json(), StandardCharsets.UTF_8);
    }

    private String put(String template, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode result = (ObjectNode) MAPPER.readTree(CarelessResults.datedAt(template, Instant.now()));
        change.accept(result);
        return simulator.put(result.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRunWithRoutingLeavesNoRecordThatBreaksTheServedContractAndNoTopicOutsideIt() throws Exception {
        simulator.clear();
        RoutingWebhookResource.server().stubFor(post(urlEqualTo("/workflow/dead"))
                .willReturn(aResponse().withStatus(500)));
        for (OutputFormat format : List.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON, OutputFormat.TEXT,
                OutputFormat.EXTRACTION)) {
            simulator.add(2, Set.of(format), null);
        }
        String classification = template(OutputFormat.CLASSIFICATION);
        put(classification, r -> r.put("outputFormat", "SENTIMENT_V2").putObject("result").put("sentiment", 0.4));
        String angry = put(classification, r -> r.putObject("result").put("label", "angry"));
        String dead = put(classification, r -> r.putObject("result").put("label", "dead-endpoint"));
        String lowScore = put(template(OutputFormat.JSON),
                r -> r.putObject("result").put("score", 0.1).put("explanation", "asked twice to cancel"));
        String text = template(OutputFormat.TEXT);
        String huge = simulator.put(CarelessResults.withTextOfSize(text, 2 * ContractProfile.MAX_MESSAGE_BYTES)
                .getBytes(StandardCharsets.UTF_8));
        String deleted = put(text, r -> { });
        Set<String> ids = Set.copyOf(simulator.ids());

        given().post("/api/feeds/default/sweep").then().statusCode(202);
        await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                ceIds(ContractProfile.resultTopics()).containsAll(ids.stream()
                        .map(id -> id.equals(huge) ? id + ":oversize" : id).toList()));
        given().delete("/api/operator-results/" + deleted).then().statusCode(204);

        await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(ceIds(ContractProfile.resultTopics())).contains(deleted + ":deleted");
            assertThat(ceIds(List.of(ContractProfile.HINTS)))
                    .contains(angry + ":angry-customer-hint", lowScore + ":low-score-escalation");
            assertThat(ceIds(List.of(ContractProfile.COMMANDS))).contains(lowScore + ":low-score-escalation");
            assertThat(ceIds(List.of(ContractProfile.DEAD_LETTERS))).contains(dead);
        });

        ContractValidator contract = servedContract();
        Set<String> written = topicsOfThisRun();
        assertThat(contract.channelsByAddress().keySet()).as("channels of the served AsyncAPI document")
                .containsAll(written);
        written.remove(ContractProfile.PREFIX + "feed-checkpoints"); // internal: the relay's own state, no event

        List<ConsumerRecord<String, byte[]>> records = CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(),
                written);
        Set<String> types = records.stream().map(r -> EventContract.header(r, "ce_type")).collect(Collectors.toSet());
        assertThat(types).contains("io.oprelay.operatorresult.classification.v1", "io.oprelay.operatorresult.json.v1",
                "io.oprelay.operatorresult.text.v1", "io.oprelay.operatorresult.extraction.v1",
                "io.oprelay.operatorresult.other.v1", "io.oprelay.operatorresult.text.deleted.v1",
                "io.oprelay.operatorresult.text.oversize.v1", "io.oprelay.agentassist.hint.v1",
                "io.oprelay.workflow.command.v1");
        List<String> problems = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            problems.addAll(contract.problems(record));
            assertThat(EventContract.header(record, "ce_dataschema")).as("ce_dataschema")
                    .startsWith(ContractProfile.SCHEMA_BASE);
        }
        assertThat(problems).as("records breaking the contract").isEmpty();
    }

    /** The topics of this profile that hold records (all made by the relay: the test writes none itself). */
    private static Set<String> topicsOfThisRun() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaBrokerResource.bootstrapServers()))) {
            Set<String> topics = new HashSet<>();
            for (String name : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
                if (name.startsWith(ContractProfile.PREFIX)
                        && !CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), List.of(name)).isEmpty()) {
                    topics.add(name);
                }
            }
            return topics;
        }
    }

    private static Set<String> ceIds(List<String> topics) {
        return CommittedReader.readAll(KafkaBrokerResource.bootstrapServers(), topics).stream()
                .map(r -> EventContract.header(r, "ce_id")).collect(Collectors.toSet());
    }
}
