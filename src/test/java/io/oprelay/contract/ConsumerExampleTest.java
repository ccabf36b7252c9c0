package io.oprelay.contract;

import com.networknt.schema.Error;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.Waits;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.oprelay.support.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer of docs/consumers.md against the relay: it handles every result once, drops the repeats a restart
 * before its offset commit brings, and finds every value valid against the vendored schemas.
 */
@QuarkusTest
@TestProfile(ContractProfile.class)
class ConsumerExampleTest {

    @Inject
    Simulator simulator;

    /** Collects what the example consumer hands to the service. */
    static final class Collected implements OperatorResultsConsumer.Handler {
        final Map<String, Integer> created = new ConcurrentHashMap<>();
        final List<String> invalid = new CopyOnWriteArrayList<>();

        @Override
        public void created(String id, String json) {
            created.merge(id, 1, Integer::sum);
        }

        @Override
        public void deleted(String id) {
            created.remove(id);
        }

        @Override
        public void oversize(String id, String claimJson) {
            created.merge(id, 1, Integer::sum);
        }

        @Override
        public void action(String type, String json) {
        }

        @Override
        public void invalid(ConsumerRecord<String, byte[]> record, List<Error> errors) {
            invalid.add(record.topic() + "@" + record.offset() + " " + errors);
        }
    }

    @Test
    void aPlainConsumerHandlesEveryResultOnceAcrossARestartBeforeItsCommit() {
        List<String> ids = simulator.add(12, Set.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON,
                OutputFormat.TEXT, OutputFormat.EXTRACTION), null);
        given().post("/api/feeds/default/sweep").then().statusCode(202);

        Set<String> seen = ConcurrentHashMap.newKeySet(); // the service's table of handled ce_ids
        Collected service = new Collected();
        String group = "consumer-example-" + UUID.randomUUID();
        Path vendored = Path.of("target/contract/schemas");
        try (OperatorResultsConsumer first = new OperatorResultsConsumer(KafkaBrokerResource.bootstrapServers(), group,
                ContractProfile.resultTopics(), seen, vendored, service)) {
            await().atMost(Waits.seconds(60)).until(() -> {
                first.pollOnce(Duration.ofMillis(200), false); // handled, but stopped before committing
                return service.created.keySet().containsAll(ids);
            });
        }
        int handledBefore = seen.size();
        try (OperatorResultsConsumer restarted = new OperatorResultsConsumer(KafkaBrokerResource.bootstrapServers(),
                group, ContractProfile.resultTopics(), seen, vendored, service)) {
            await().atMost(Waits.seconds(30)).until(() -> {
                restarted.pollOnce(Duration.ofMillis(200), true);
                return restarted.repeats() >= handledBefore;
            });
        }

        assertThat(service.invalid).isEmpty();
        assertThat(ids).allSatisfy(id -> assertThat(service.created).containsEntry(id, 1));
    }
}
