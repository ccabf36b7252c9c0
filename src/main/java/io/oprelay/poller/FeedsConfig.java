package io.oprelay.poller;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.Optional;

/**
 * The feeds: {@code relay.feeds."<name>".*}. With none configured, one feed named {@code default} polls everything.
 */
@ConfigMapping(prefix = "relay.feeds")
public interface FeedsConfig {

    /** Feeds by name (letters, digits, '.', '_' and '-'). */
    @WithParentName
    Map<String, FeedConfig> feeds();

    /** The settings of one feed: which results it polls, and how. */
    interface FeedConfig {

        /** Sweeps this feed (switch a feed off without deleting its settings). */
        @WithDefault("true")
        boolean enabled();

        /** Only results of this Intelligence Configuration. */
        Optional<String> intelligenceConfigurationId();

        /** Only results of this Language Operator. */
        Optional<String> operatorId();

        /** Only results of this Conversation. */
        Optional<String> conversationId();

        /** Page size of this feed; defaults to {@code relay.poller.page-size}. */
        Optional<Integer> pageSize();
    }
}
