package io.oprelay.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test application with its poller off, for tests that need the app quiet: ones that set one-shot simulator faults
 * (which the app's own sweep could otherwise consume first) and ones that count exactly what they cause (a global
 * meter moves only through them). Everything else runs as in the default test profile; the classes that use this
 * profile share one app, started after those of the default profile.
 */
public class QuietApp implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay.poller.enabled", "false");
    }
}
