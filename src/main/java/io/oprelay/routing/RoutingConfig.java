package io.oprelay.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The router: which result topics it reads, where its rules come from and how it polls. */
@ConfigMapping(prefix = "relay.routing")
public interface RoutingConfig {

    /** Whether the router consumes result topics at all (the rules API works either way). */
    @WithDefault("true")
    boolean enabled();

    /** YAML rules file; without it the built-in rules of {@code classpath:rules/default-rules.yaml} are loaded. */
    Optional<Path> rulesFile();

    /** Consumer group shared by every router instance; partitions are spread across its members. */
    @WithDefault("relay-router")
    String groupId();

    /** Result topics to consume; without it the CLASSIFICATION and JSON topics of {@code relay.topics}. */
    Optional<List<String>> topics();

    /** Topic receiving events whose actions could not be carried out, with the reason in headers. */
    @WithDefault("relay.routing.dead-letters")
    String deadLetterTopic();

    /** Consumer threads per instance, each with its own consumer and transactional producer. */
    @WithDefault("1")
    int consumers();

    /** Identifies this instance in client ids and logs; without it the host name. */
    Optional<String> instanceId();

    /** Prefix of the transactional ids, {@code <prefix>-<slot>} (see {@link #slots()}). */
    @WithDefault("relay-router")
    String transactionalIdPrefix();

    /** The bounded pool of transactional ids the router threads of the group share. */
    Slots slots();

    /** The router's transactional producers. */
    Producer producer();

    /**
     * Transactional-id slots: slot {@code n} is owned by the router thread assigned partition {@code n} of the slots
     * topic in the group {@code <group-id>-slots}, so an instance that replaces a crashed one reuses its ids and
     * aborts its open transaction at once.
     */
    interface Slots {

        /** Membership topic whose partitions are the slots; created with {@code count} partitions when missing. */
        @WithDefault("relay.routing.transactional-id-slots")
        String topic();

        /** Slots (partitions of the topic) when the relay creates it: at least the router threads of all replicas. */
        @WithDefault("16")
        int count();

        /** Time after which a crashed instance's slots (and so its open transactions) are taken over. */
        @WithDefault("10s")
        Duration sessionTimeout();
    }

    /** Settings of the router's transactional producers. */
    interface Producer {

        /** Longest a transaction may stay open before the broker aborts it ({@code transaction.timeout.ms}). */
        @WithDefault("60s")
        Duration transactionTimeout();

        /** Longest a send, commit or {@code initTransactions()} blocks while Kafka is away ({@code max.block.ms}). */
        @WithDefault("60s")
        Duration maxBlock();
    }

    /** Polling of the result topics. */
    Poll poll();

    /** Polling settings of the router's consumers. */
    interface Poll {

        /** Longest wait of one poll when no records are ready. */
        @WithDefault("500ms")
        Duration timeout();

        /** Records per poll; a transaction holds one poll, or up to ten full ones while a backlog lasts (100 ms at most). */
        @WithDefault("500")
        int maxRecords();

        /** Session timeout of the router's group membership. */
        @WithDefault("30s")
        Duration sessionTimeout();

        /** Time a stopping router waits for its current batch before it abandons the open transaction. */
        @WithDefault("10s")
        Duration shutdownGrace();
    }
}
