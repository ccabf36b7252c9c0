package io.oprelay.events;

import io.oprelay.twilio.OutputFormat;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Names and sizes of the topics the relay writes. */
@ConfigMapping(prefix = "relay.topics")
public interface TopicsConfig {

    /** Topic of CLASSIFICATION results. */
    @WithDefault("intelligence.operator-results.classification")
    String classification();

    /** Topic of JSON results. */
    @WithDefault("intelligence.operator-results.json")
    String json();

    /** Topic of TEXT results. */
    @WithDefault("intelligence.operator-results.text")
    String text();

    /** Topic of EXTRACTION results. */
    @WithDefault("intelligence.operator-results.extraction")
    String extraction();

    /** Topic of results whose outputFormat the relay does not know yet (nothing is dropped). */
    @WithDefault("intelligence.operator-results.other")
    String other();

    /** Compacted topic holding each feed's checkpoint (written in the same transaction as the events). */
    @WithDefault("relay.feed-checkpoints")
    String checkpoints();

    /**
     * Partitions of the checkpoint topic when the relay creates it. Each partition is also the unit of feed ownership:
     * the replica assigned a partition runs the feeds that hash to it.
     */
    @WithDefault("12")
    int checkpointPartitions();

    /** Partitions of the result topics when the relay creates them. */
    @WithDefault("6")
    int partitions();

    /** Replication factor of topics the relay creates; -1 takes the broker's default. */
    @WithDefault("-1")
    short replicationFactor();

    /**
     * Largest record the relay writes, in bytes: the {@code max.request.size} of its transactional producers and the
     * {@code max.message.bytes} of the topics it creates. A result larger than this, or than an existing topic's own
     * {@code max.message.bytes}, is published as a claim-check event instead (see docs/poller.md).
     */
    @WithDefault("8388608")
    int maxMessageBytes();

    /** The result topic of a format. */
    default String forFormat(OutputFormat format) {
        return switch (format) {
            case CLASSIFICATION -> classification();
            case JSON -> json();
            case TEXT -> text();
            case EXTRACTION -> extraction();
            case OTHER -> other();
        };
    }
}
