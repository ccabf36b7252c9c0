package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.actions.WebhookSigner;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.routing.spi.ActionType;
import io.quarkus.arc.All;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What tests need to build router workers of their own against the test broker and the app's actions. */
@Singleton
public class RouterTestParts {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    @All
    List<ActionType> actions;

    @Inject
    ObjectMapper mapper;

    @Inject
    KafkaClients clients;

    @Inject
    WebhookSigner signer;

    /** Connection settings of the test broker. */
    Map<String, Object> kafka() {
        return kafka;
    }

    /** The application's Kafka clients (the test broker's settings). */
    KafkaClients clients() {
        return clients;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    WebhookSigner signer() {
        return signer;
    }

    /** Rules from YAML, bound to the application's actions (and so to its webhook policy). */
    List<Rule> rules(String source, String yaml) {
        Map<String, ActionType> byType = actions.stream()
                .collect(Collectors.toMap(ActionType::type, Function.identity()));
        return new RulesParser(byType).parse(source, yaml);
    }
}
