package io.oprelay.simulator;

import io.oprelay.twilio.SortOrder;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The Twilio-compatible simulator of {@code /v3/OperatorResults}, served under {@code /simulator} when enabled.
 * Everything here is read at run time, so one build can run with or without it.
 */
@ConfigMapping(prefix = "relay.simulator")
public interface SimulatorConfig {

    /** Serve the simulator; when false its endpoints answer 404. */
    @WithDefault("false")
    boolean enabled();

    /**
     * Path of the app under which the simulator is served as well as under {@code /simulator}, for example
     * {@code /twilio} for a stand-in whose clients expect {@code /twilio/v3/OperatorResults}.
     */
    @WithDefault(SimulatorPath.BUILT_IN)
    String path();

    /**
     * Seed of the generated content: the account, operator and configuration ids depend on it alone, so they are the
     * same on every start; the same seed and clock give the same results.
     */
    @WithDefault("42")
    long seed();

    /** Results generated at start, spread over {@link #backlogSpan()} before the start time. */
    @WithDefault("500")
    int backlog();

    /** The time range the start backlog covers, ending at the start time. */
    @WithDefault("24h")
    Duration backlogSpan();

    /** New results per second while enabled; 0 adds none. */
    @WithDefault("2")
    double rate();

    /** The order of list answers. */
    @WithDefault("NEWEST_FIRST")
    SortOrder sortOrder();

    /** Key of the page token HMAC; a random key per start when absent (tokens then die with the process). */
    Optional<String> tokenSecret();

    /** The {@code accountId} of generated results; derived from the seed when absent. */
    Optional<String> accountId();

    /** How many Intelligence Configurations the results come from. */
    @WithDefault("3")
    int configurations();

    /**
     * Mix in the variations seen in real payloads that the spec allows: nanosecond {@code dateCreated}, an extra
     * {@code operator.displayName}, {@code resolvedContext.memory: null} when no memory was accessed. Payloads beyond
     * the spec are faults ({@link Faults#nullProfileIds()}).
     */
    @WithDefault("true")
    boolean quirks();

    /** Accepted HTTP Basic credentials; any non-empty pair when absent. */
    Auth auth();

    /** Faults injected from the start; they can be changed at run time. */
    Faults faults();

    /** Credentials the simulator accepts. */
    interface Auth {

        /** The only accepted user name, when set. */
        Optional<String> username();

        /** The only accepted password, when set. */
        Optional<String> password();
    }

    /** Initial fault injection; see {@link FaultSettings}. */
    interface Faults {

        /** Share (0..1) of calls answered 429 with {@code Retry-After} and {@code X-RateLimit-*} headers. */
        @WithDefault("0")
        double rateLimitShare();

        /** Share (0..1) of calls answered 500. */
        @WithDefault("0")
        double serverErrorShare();

        /** Seconds announced in {@code Retry-After} and {@code X-RateLimit-Reset} of an injected 429. */
        @WithDefault("1")
        int retryAfterSeconds();

        /** Delay added to every list page. */
        @WithDefault("0s")
        Duration pageDelay();

        /** The next N list pages are broken JSON. */
        @WithDefault("0")
        int malformedPages();

        /** The next N list pages have no {@code meta}. */
        @WithDefault("0")
        int pagesWithoutMeta();

        /** The next N list pages requested with a token answer that same token as {@code nextToken}. */
        @WithDefault("0")
        int repeatedTokenPages();

        /** Page tokens older than this answer 400; never when absent. */
        Optional<Duration> tokenTtl();

        /**
         * Results generated while set name {@code "profileId": null} for participants without a profile, as some
         * real payloads do although the spec omits the field; off, the simulator's payloads are spec-valid.
         */
        @WithDefault("false")
        boolean nullProfileIds();
    }
}
