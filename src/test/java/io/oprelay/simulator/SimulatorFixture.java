package io.oprelay.simulator;

import io.oprelay.twilio.SortOrder;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.TestTwilioConfig;
import io.oprelay.twilio.TwilioClient;
import io.oprelay.twilio.TwilioReadiness;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static io.restassured.RestAssured.given;

/**
 * The set-up the simulator tests share. A {@code @QuarkusTest} class extends it to get the app's {@link Simulator}
 * enabled, emptied and back at its configured faults, order and quirks before and after each test (the app is shared
 * with every other test class), a {@link TwilioClient} and a RestAssured request that reach it over HTTP. Unit tests
 * use its static factories for a configuration, a simulator on a fixed clock, or a generator.
 */
public abstract class SimulatorFixture {

    /** The list endpoint of the built-in path. */
    public static final String LIST = "/simulator/v3/OperatorResults";
    /** HTTP Basic credentials the test profile's simulator accepts (any non-empty pair). */
    public static final String USERNAME = "SKtest";
    public static final String PASSWORD = "secret";
    /** A fixed creation time for generator tests. */
    static final long T0 = 1_768_473_930_000L;
    /** A fixed clock for simulators built outside the app. */
    static final Clock MONDAY = Clock.fixed(Instant.parse("2026-01-12T08:00:00Z"), ZoneOffset.UTC);

    @Inject
    protected Simulator simulator;

    @Inject
    protected MeterRegistry registry;

    @TestHTTPResource("/simulator")
    protected URL simulatorUrl;

    @BeforeEach
    void freshSimulator() {
        backToConfigured();
        simulator.clear();
    }

    @AfterEach
    void restoreSimulator() {
        backToConfigured();
    }

    private void backToConfigured() {
        simulator.setEnabled(true);
        simulator.resetFaults();
        simulator.setSortOrder(SortOrder.NEWEST_FIRST);
        simulator.setQuirks(true);
    }

    /** The relay's Twilio client pointed at the simulator, with the test credentials. */
    protected TwilioClient client() {
        return client(UnaryOperator.identity());
    }

    /** The relay's Twilio client pointed at the simulator, its configuration adjusted (retries, timeouts). */
    protected TwilioClient client(UnaryOperator<TestTwilioConfig> adjust) {
        return new TwilioClient(adjust.apply(TestTwilioConfig.of(simulatorUrl.toString(), USERNAME, PASSWORD)),
                registry, new TwilioReadiness());
    }

    /** A request to the simulator's Twilio API with the test credentials. */
    public static RequestSpecification twilio() {
        return given().auth().preemptive().basic(USERNAME, PASSWORD);
    }

    /** A list query without filters. */
    public static ListQuery query(int pageSize) {
        return new ListQuery(Optional.empty(), Optional.empty(), Optional.empty(), pageSize, Optional.empty());
    }

    /** The body of a RestAssured answer as text. */
    public static String body(ExtractableResponse<Response> response) {
        return response.body().asString();
    }

    /** The simulator's configuration with its defaults, the seed and the given keys overriding them. */
    static SimulatorConfig config(long seed, Map<String, String> settings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(SimulatorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValue("relay.simulator.seed", Long.toString(seed));
        settings.forEach(builder::withDefaultValue);
        return builder.build().getConfigMapping(SimulatorConfig.class);
    }

    /** The simulator's configuration with its defaults and the seed. */
    static SimulatorConfig config(long seed) {
        return config(seed, Map.of());
    }

    /** A simulator outside the app, for a seed and settings, creating its results at {@link #MONDAY}. */
    static Simulator simulator(long seed, Map<String, String> settings) {
        return new Simulator(config(seed, settings), MONDAY);
    }

    /** A generator for a seed with its own catalog of three configurations. */
    static ResultGenerator generator(long seed, String accountId, boolean quirks) {
        return new ResultGenerator(new Catalog(seed, accountId, 3), seed, quirks);
    }
}
