package io.oprelay.contract;

import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every topic the relay writes under a name of its own ({@value #PREFIX}...), records up to 1 MiB (so a claim-check
 * is cheap to provoke), and a schema base other than the default: the served contract must follow all of it.
 */
public class ContractProfile implements QuarkusTestProfile {

    static final String PREFIX = "contract.";
    static final String SCHEMA_BASE = "https://relay.example.test/event-schemas/";
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    static final String HINTS = PREFIX + "hints";
    static final String COMMANDS = PREFIX + "commands";
    static final String DEAD_LETTERS = PREFIX + "dead-letters";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        for (OutputFormat format : OutputFormat.values()) {
            config.put("relay.topics." + format.slug(), resultTopic(format));
        }
        config.put("relay.topics.checkpoints", PREFIX + "feed-checkpoints");
        config.put("relay.topics.max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES));
        config.put("relay.actions.agent-assist.topic", HINTS);
        config.put("relay.actions.workflow.topic", COMMANDS);
        config.put("relay.routing.dead-letter-topic", DEAD_LETTERS);
        config.put("relay.routing.group-id", "contract-router");
        config.put("relay.events.schema-base-url", SCHEMA_BASE);
        return config;
    }

    static String resultTopic(OutputFormat format) {
        return PREFIX + "results." + format.slug();
    }

    static List<String> resultTopics() {
        return List.of(OutputFormat.values()).stream().map(ContractProfile::resultTopic).toList();
    }
}
