package io.oprelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The HTTP port of a {@code @QuarkusTest} application: {@code OPRELAY_TEST_PORT} where it is set (two builds side by
 * side with known ports), otherwise a port found free when the application starts. It is chosen before the start, not
 * left to {@code quarkus.http.test-port=0}, because the app's Twilio client is pointed at its own simulator
 * ({@code %test.relay.twilio.base-url} is built from {@code quarkus.http.test-port}) and must know the port up front.
 */
public class TestHttpPort implements QuarkusTestResourceLifecycleManager {

    /** The environment variable that fixes the port. */
    public static final String ENV = "OPRELAY_TEST_PORT";

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.http.test-port", String.valueOf(port()));
    }

    /** The port for an application starting now. */
    public static int port() {
        String fixed = System.getenv(ENV);
        if (fixed != null && !fixed.isBlank()) {
            return Integer.parseInt(fixed.trim());
        }
        return RelayTestProfiles.freePort();
    }

    @Override
    public void stop() {
        // nothing held: the application owns the port while it runs
    }
}
