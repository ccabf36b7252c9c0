package io.oprelay.actions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Actions taken by routing rules: agent-assist hints, workflow commands and their outbound webhooks. */
@ConfigMapping(prefix = "relay.actions")
public interface ActionsConfig {

    /** HMAC-SHA256 key signing outbound webhooks (env RELAY_ACTIONS_SIGNING_SECRET); required once a rule has a URL. */
    Optional<String> signingSecret();

    /** Hosts rules may send webhooks to: {@code host}, {@code host:port} or {@code *.domain}; empty allows none. */
    Optional<List<String>> webhookAllowList();

    /** Whether webhook URLs must use https (turn off only for local runs and tests). */
    @WithDefault("true")
    boolean requireHttps();

    /** Agent-assist hints. */
    AgentAssist agentAssist();

    /** Workflow commands. */
    Workflow workflow();

    /** Outbound HTTP deliveries (webhooks of both actions). */
    Http http();

    /** Agent-assist settings. */
    interface AgentAssist {

        /** Topic of hints, keyed by conversation id. */
        @WithDefault("agent-assist.hints")
        String topic();

        /** Hints kept in memory per instance for {@code Last-Event-ID} resume of the SSE streams. */
        @WithDefault("1000")
        int bufferSize();

        /** Interval of SSE heartbeat comments keeping idle connections open through proxies. */
        @WithDefault("15s")
        Duration heartbeat();

        /** Whether this instance serves the SSE streams (it then reads the hints topic). */
        @WithDefault("true")
        boolean streamEnabled();

        /** Streams this instance serves at once; more are answered 503 with {@code Retry-After}. */
        @WithDefault("500")
        int maxStreams();
    }

    /** Workflow settings. */
    interface Workflow {

        /** Topic of workflow commands, keyed by conversation id. */
        @WithDefault("workflow.actions")
        String topic();
    }

    /** Outbound HTTP settings. */
    interface Http {

        /** Timeout of one attempt: connect, response headers and the whole response body. */
        @WithDefault("2s")
        Duration timeout();

        /** Attempts per delivery, the first included, before the event goes to the dead-letter topic. */
        @WithDefault("5")
        int maxAttempts();

        /** Back-off before the second attempt; doubled per attempt, with full jitter. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Longest back-off between two attempts (also caps a Retry-After). */
        @WithDefault("5s")
        Duration maxBackoff();

        /** Consecutive failed deliveries after which an endpoint is skipped for {@code open-for}. */
        @WithDefault("5")
        int circuitFailureThreshold();

        /** How long deliveries to a failing endpoint go straight to the dead-letter topic. */
        @WithDefault("30s")
        Duration circuitOpenFor();
    }
}
