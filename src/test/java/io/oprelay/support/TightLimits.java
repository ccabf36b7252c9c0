package io.oprelay.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test application with small limits, for the tests of what happens at them: a webhook waits at most 1.5 s for
 * its commit and at most two webhook results queue for the feed's loop ({@code WebhookQueueTest}), and an instance
 * serves at most two hint streams ({@code AgentAssistStreamCapTest}). Neither kind of test touches the other's limit
 * (no webhook opens a stream, no stream sends a webhook), so they share one app rather than each paying for a Quarkus
 * build and start.
 */
public class TightLimits implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay.webhook.commit-timeout", "1500ms",
                "relay.webhook.max-queued-results", "2",
                "relay.actions.agent-assist.max-streams", "2");
    }
}
