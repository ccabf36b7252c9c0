package io.oprelay.console;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The console as in the local run: authentication off, and two feeds (one of every result, one of the simulator's
 * "Escalation risk" operator), so the feed table has more than one row. Everything else is the default test profile
 * (test broker, routing rules of the tests, WireMock receivers).
 */
public class ConsoleLocalRun implements QuarkusTestProfile {

    /** The simulator's "Escalation risk" operator (the same id on every start). */
    static final String ESCALATION_RISK = "intelligence_operator_01jwqxwzm0fzxspvmm78a9af35";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "relay.api.auth-enabled", "false",
                "relay.feeds.everything.enabled", "true",
                "relay.feeds.escalation-risk.operator-id", ESCALATION_RISK);
    }
}
