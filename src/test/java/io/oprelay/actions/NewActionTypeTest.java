package io.oprelay.actions;

import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.RulesParser;
import io.oprelay.routing.SampleResults;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.support.Api;
import io.quarkus.arc.All;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A new action type is one class and its registration as a bean ({@link CountingAction}, {@code type: counter}):
 * the rules file uses it, the router creates its topic, routes results through it inside its transaction, and the
 * rules endpoint describes it, with no change to the routing package.
 */
@QuarkusTest
@TestProfile(NewActionTypeTest.WithCounter.class)
class NewActionTypeTest {

    public static class WithCounter implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path rules = Files.createTempFile("counter-rules", ".yaml");
                rules.toFile().deleteOnExit();
                Files.writeString(rules, """
                        rules:
                          - name: count-the-counted
                            when: {label: counted}
                            actions:
                              - {type: counter, name: counted-results}
                        """, StandardCharsets.UTF_8);
                return Map.of(CountingAction.SWITCH, "true", "relay.routing.rules-file", rules.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    TopicsConfig topics;

    @Inject
    KafkaClients clients;

    @Inject
    CountingAction counter;

    @Inject
    @All
    List<ActionType> actions;

    @Test
    void resultsAreRoutedThroughAnActionTypeRegisteredAsABean() throws Exception {
        try (Admin admin = clients.admin("new-action-type-test")) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("the router created the topic the new action declares").contains(CountingAction.TOPIC);
        }
        long before = counter.count("counted-results");
        String conversation = SampleResults.conversationId();
        try (ResultEvents events = new ResultEvents(clients.common())) {
            events.publish(topics.classification(), SampleResults.classification(conversation, "counted"));
            events.publish(topics.classification(), SampleResults.classification(conversation, "not-counted"));
            events.publish(topics.classification(), SampleResults.classification(conversation, "counted"));

            List<ConsumerRecord<String, byte[]>> counted = await().atMost(Duration.ofSeconds(20))
                    .until(() -> events.readKey(CountingAction.TOPIC, conversation), list -> list.size() >= 2);
            assertThat(counted).hasSize(2);
            assertThat(counted).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .allSatisfy(value -> assertThat(value).startsWith("counted-results:"));
        }
        assertThat(counter.count("counted-results") - before).isEqualTo(2);

        Api.given().get("/api/routing/rules").then().statusCode(200)
                .body("rules[0].name", equalTo("count-the-counted"))
                .body("rules[0].actions[0].type", equalTo("counter"))
                .body("rules[0].actions[0].name", equalTo("counted-results"));
    }

    @Test
    void anUnknownTypeNamesEveryRegisteredTypeIncludingTheNewOne() {
        Map<String, ActionType> byType = actions.stream()
                .collect(Collectors.toMap(ActionType::type, Function.identity()));
        assertThatThrownBy(() -> new RulesParser(byType).parse("test.yaml", """
                rules:
                  - name: pager
                    when: {all: []}
                    actions:
                      - {type: pager}
                """)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown action 'pager'")
                .hasMessageContaining("[agent-assist, counter, workflow]");
    }
}
