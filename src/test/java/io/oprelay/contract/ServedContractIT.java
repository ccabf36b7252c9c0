package io.oprelay.contract;

import io.oprelay.localkafka.LocalKafkaBroker;
import io.oprelay.support.CommittedReader;
import io.oprelay.support.ContractValidator;
import io.oprelay.support.LocalBrokers;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application (production profile, real broker, the simulator as its Twilio) with topic names and a
 * schema base of its own: anyone can read its contract without a key, the contract names its topics and base, what it
 * publishes keeps that contract, and no request for a schema reaches any other file.
 */
class ServedContractIT {

    private static final String BASE = "https://relay.example.test/contract/";

    private static LocalKafkaBroker broker;
    private static RelayProcess relay;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalBrokers.started("served-contract");
        Map<String, String> settings = RelayProcess.simulatorAsTwilio(broker.bootstrapServers(), 25);
        settings.put("relay.webhook.enabled", "false");
        settings.put("relay.poller.interval", "1S");
        settings.put("relay.events.schema-base-url", BASE);
        settings.put("relay.topics.json", "served.results.json");
        settings.put("relay.actions.agent-assist.topic", "served.hints");
        relay = new RelayProcess("served-contract", settings).start().awaitReady(Duration.ofSeconds(90));
        port = URI.create(relay.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (relay != null) {
            relay.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private static RawHttp.Answer anonymous(String target) throws IOException {
        return RawHttp.send("localhost", port, "GET", target, Map.of());
    }

    /** The contract as the relay serves it; readable without a key (the bodies are then read over HttpClient). */
    private static ContractValidator served() throws Exception {
        assertThat(anonymous("/asyncapi.yaml").status()).isEqualTo(200);
        assertThat(anonymous("/schemas/io.oprelay.operatorresult.json.v1.json").status()).isEqualTo(200);
        HttpResponse<String> document = relay.get("/asyncapi.yaml");
        assertThat(document.statusCode()).isEqualTo(200);
        return new ContractValidator(document.body(), BASE, file -> {
            try {
                HttpResponse<String> schema = relay.get("/schemas/" + file);
                return schema.statusCode() == 200 ? schema.body() : null;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void theServedContractNamesTheConfiguredTopicsAndBaseAndThePublishedEventsKeepIt() throws Exception {
        ContractValidator contract = served();
        assertThat(contract.channelsByAddress()).containsEntry("served.results.json", "json")
                .containsEntry("served.hints", "hints")
                .containsEntry("intelligence.operator-results.classification", "classification")
                .containsEntry("relay.routing.dead-letters", "deadLetters");
        assertThat(relay.get("/schemas/io.oprelay.agentassist.hint.v1.json").body())
                .contains("\"$id\": \"" + BASE + "io.oprelay.agentassist.hint.v1.json\"");

        List<String> topics = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(existing.stream()
                    .filter(t -> !t.startsWith("__") && !t.startsWith("relay.routing.transactional")).toList()).as("topics on the broker, all channels of the served document")
                    .allSatisfy(t -> assertThat(contract.channelsByAddress()).containsKey(t));
            contract.channelsByAddress().keySet().stream().filter(existing::contains).forEach(topics::add);
        }
        topics.remove("relay.feed-checkpoints");
        List<ConsumerRecord<String, byte[]>>[] records = new List[1];
        await().atMost(Waits.seconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            records[0] = CommittedReader.readAll(broker.bootstrapServers(), topics);
            return records[0].size() >= 25;
        });
        List<String> problems = new ArrayList<>();
        records[0].forEach(record -> problems.addAll(contract.problems(record)));
        assertThat(problems).isEmpty();
        assertThat(records[0]).extracting(ConsumerRecord::topic).contains("served.results.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/schemas/..%2fapplication.properties", "/schemas/%2e%2e%2fasyncapi.yaml",
            "/schemas/io.oprelay.operatorresult.json.v9.json", "/schemas/..%2F..%2Fcontract%2Fasyncapi.yaml",
            "/schemas/application.properties"})
    void aSchemaRequestReachesNoOtherFile(String target) throws Exception {
        RawHttp.Answer answer = anonymous(target);
        assertThat(answer.status()).as(target).isEqualTo(404);
        assertThat(answer.body()).as(target).doesNotContain("relay.").doesNotContain("asyncapi:");
    }
}
