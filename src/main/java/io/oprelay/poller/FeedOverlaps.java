package io.oprelay.poller;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs of feeds whose filters can select the same result. "Exactly once" holds per feed: each feed keeps its own
 * checkpoint and window, so a result that two feeds select is published by each of them. A filter that is absent
 * matches every result; two filters present on the same field overlap only when they are equal.
 */
public final class FeedOverlaps {

    private static final Logger LOG = Logger.getLogger(FeedOverlaps.class);

    private FeedOverlaps() {
    }

    /**
     * Two feeds that can both select a result.
     *
     * @param first     the feed whose name sorts first
     * @param second    the other feed
     * @param selection the results both can select, in words ("every result", "results of operator X")
     */
    public record Overlap(String first, String second, String selection) {

        /** The start-up warning naming both feeds and why they overlap. */
        public String warning() {
            return "feed " + first + " and feed " + second + " can both select " + selection
                    + ": each will publish them (a result is published once per feed that selects it)";
        }

        /** Logs the warning and shows the overlap in both feeds' status. */
        public void announce(Map<String, FeedStatus> statuses) {
            LOG.warn(warning());
            statuses.get(first).overlapsWith(second);
            statuses.get(second).overlapsWith(first);
        }
    }

    /** Every overlapping pair among the feeds, each pair once, in the order the feeds are given. */
    public static List<Overlap> among(Collection<Feed> feeds) {
        List<Feed> all = List.copyOf(feeds);
        List<Overlap> overlaps = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Feed a = all.get(i);
                Feed b = all.get(j);
                selectionOfBoth(a, b).ifPresent(selection -> overlaps.add(new Overlap(a.name(), b.name(), selection)));
            }
        }
        return List.copyOf(overlaps);
    }

    /** What both feeds select, in words; empty when no result can match both. */
    static Optional<String> selectionOfBoth(Feed a, Feed b) {
        List<String> constraints = new ArrayList<>();
        if (!field("conversation", a.query().conversationId(), b.query().conversationId(), constraints)
                || !field("intelligence configuration", a.query().intelligenceConfigurationId(),
                        b.query().intelligenceConfigurationId(), constraints)
                || !field("operator", a.query().operatorId(), b.query().operatorId(), constraints)) {
            return Optional.empty();
        }
        if (constraints.isEmpty()) {
            return Optional.of("every result");
        }
        return Optional.of("results of " + String.join(" and ", constraints));
    }

    /**
     * Adds the constraint both feeds put on one field (if any) and answers whether a result can satisfy both: an
     * absent filter matches everything, two present filters only when they are equal.
     */
    private static boolean field(String name, Optional<String> a, Optional<String> b, List<String> constraints) {
        if (a.isPresent() && b.isPresent() && !a.get().equals(b.get())) {
            return false;
        }
        a.or(() -> b).ifPresent(value -> constraints.add(name + " " + value));
        return true;
    }
}
