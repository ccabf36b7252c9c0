package io.oprelay.poller;

import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.OperatorResult;
import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** One feed: a name and the list query it sweeps (filters are sent again on every page). */
public record Feed(String name, ListQuery query) {

    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** The feeds of the configuration, validated; the default feed when none is configured. */
    public static List<Feed> from(FeedsConfig config, PollerConfig poller) {
        if (config.feeds().isEmpty()) {
            return List.of(new Feed(DEFAULT, new ListQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                    checkedPageSize(DEFAULT, poller.pageSize()), Optional.empty())));
        }
        List<Feed> feeds = new ArrayList<>();
        config.feeds().forEach((name, feed) -> {
            if (!NAME.matcher(name).matches()) {
                throw new ConfigurationException("relay.feeds.\"" + name + "\": a feed name may hold only letters,"
                        + " digits, '.', '_' and '-' (at most 100)", Set.of("relay.feeds"));
            }
            if (feed.enabled()) {
                feeds.add(new Feed(name, new ListQuery(feed.conversationId(), feed.intelligenceConfigurationId(),
                        feed.operatorId(), checkedPageSize(name, feed.pageSize().orElse(poller.pageSize())),
                        Optional.empty())));
            }
        });
        feeds.sort(java.util.Comparator.comparing(Feed::name));
        return List.copyOf(feeds);
    }

    /** Whether the feed's filters select this result (a feed without filters selects every result). */
    public boolean selects(OperatorResult result) {
        String configuration = result.intelligenceConfiguration() == null ? null
                : result.intelligenceConfiguration().id();
        String operator = result.operator() == null ? null : result.operator().id();
        return query.conversationId().map(id -> id.equals(result.conversationId())).orElse(true)
                && query.intelligenceConfigurationId().map(id -> id.equals(configuration)).orElse(true)
                && query.operatorId().map(id -> id.equals(operator)).orElse(true);
    }

    private static int checkedPageSize(String feed, int size) {
        if (size < 1 || size > 1000) {
            throw new ConfigurationException("page size of feed " + feed + " is " + size
                    + ": relay.poller.page-size and relay.feeds.\"" + feed + "\".page-size must be 1..1000",
                    Set.of("relay.poller.page-size"));
        }
        return size;
    }
}
