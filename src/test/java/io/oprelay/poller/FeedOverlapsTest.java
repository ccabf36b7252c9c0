package io.oprelay.poller;

import io.oprelay.twilio.ListQuery;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlap rule: an absent filter matches every result; two present filters on one field only when equal. */
class FeedOverlapsTest {

    private static final String OP_X = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b";
    private static final String OP_Y = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8c";
    private static final String CONF_A = "intelligence_configuration_01kermhm82e5mr98nbeh1hpmbn";
    private static final String CONF_B = "intelligence_configuration_01kermhm82e5mr98nbeh1hpmbp";
    private static final String CONV = "conv_conversation_01k6fc25s7epm9qtk8rszbv3q5";
    private static final String CONV_2 = "conv_conversation_01k6fc25s7epm9qtk8rszbv3q6";

    private static Feed feed(String name, String conversation, String configuration, String operator) {
        return new Feed(name, new ListQuery(Optional.ofNullable(conversation), Optional.ofNullable(configuration),
                Optional.ofNullable(operator), 100, Optional.empty()));
    }

    private static Optional<String> overlap(Feed a, Feed b) {
        Optional<String> ab = FeedOverlaps.selectionOfBoth(a, b);
        assertThat(FeedOverlaps.selectionOfBoth(b, a)).as("the rule is symmetric").isEqualTo(ab);
        return ab;
    }

    @Test
    void twoFeedsWithoutFiltersBothSelectEveryResult() {
        assertThat(overlap(feed("a", null, null, null), feed("b", null, null, null))).contains("every result");
    }

    @Test
    void aFeedWithoutFiltersOverlapsAnyFilteredFeedOnThatFeedsFilters() {
        assertThat(overlap(feed("all", null, null, null), feed("x", null, null, OP_X)))
                .contains("results of operator " + OP_X);
        assertThat(overlap(feed("all", null, null, null), feed("c", CONV, CONF_A, OP_X)))
                .contains("results of conversation " + CONV + " and intelligence configuration " + CONF_A
                        + " and operator " + OP_X);
    }

    @Test
    void equalFiltersOnTheSameFieldOverlap() {
        assertThat(overlap(feed("a", null, null, OP_X), feed("b", null, null, OP_X)))
                .contains("results of operator " + OP_X);
        assertThat(overlap(feed("a", null, CONF_A, null), feed("b", null, CONF_A, null)))
                .contains("results of intelligence configuration " + CONF_A);
        assertThat(overlap(feed("a", CONV, null, null), feed("b", CONV, null, null)))
                .contains("results of conversation " + CONV);
    }

    @Test
    void differentFiltersOnTheSameFieldNeverOverlap() {
        assertThat(overlap(feed("a", null, null, OP_X), feed("b", null, null, OP_Y))).isEmpty();
        assertThat(overlap(feed("a", null, CONF_A, null), feed("b", null, CONF_B, null))).isEmpty();
        assertThat(overlap(feed("a", CONV, null, null), feed("b", CONV_2, null, null))).isEmpty();
    }

    @Test
    void filtersOnDifferentFieldsOverlapOnTheirCombination() {
        assertThat(overlap(feed("a", null, CONF_A, null), feed("b", null, null, OP_X)))
                .contains("results of intelligence configuration " + CONF_A + " and operator " + OP_X);
        assertThat(overlap(feed("a", CONV, null, null), feed("b", null, CONF_A, OP_X)))
                .contains("results of conversation " + CONV + " and intelligence configuration " + CONF_A
                        + " and operator " + OP_X);
    }

    @Test
    void oneDifferingFieldSeparatesFeedsThatShareTheOthers() {
        assertThat(overlap(feed("a", null, CONF_A, OP_X), feed("b", null, CONF_A, OP_Y))).isEmpty();
        assertThat(overlap(feed("a", CONV, CONF_A, OP_X), feed("b", CONV_2, CONF_A, OP_X))).isEmpty();
        assertThat(overlap(feed("a", null, CONF_A, OP_X), feed("b", null, CONF_B, null))).isEmpty();
    }

    @Test
    void everyOverlappingPairIsReportedOnceNamingBothFeeds() {
        List<Feed> feeds = List.of(feed("alpha", null, null, OP_X), feed("beta", null, null, OP_Y),
                feed("gamma", null, CONF_A, null), feed("delta", null, null, OP_X));

        List<FeedOverlaps.Overlap> overlaps = FeedOverlaps.among(feeds);

        assertThat(overlaps).extracting(o -> o.first() + "/" + o.second())
                .containsExactly("alpha/gamma", "alpha/delta", "beta/gamma", "gamma/delta");
        assertThat(overlaps.get(1).warning()).isEqualTo("feed alpha and feed delta can both select results of operator "
                + OP_X + ": each will publish them (a result is published once per feed that selects it)");
    }

    @Test
    void disjointFeedsAndASingleFeedReportNothing() {
        assertThat(FeedOverlaps.among(List.of(feed("a", null, null, OP_X), feed("b", null, null, OP_Y)))).isEmpty();
        assertThat(FeedOverlaps.among(List.of(feed("only", null, null, null)))).isEmpty();
        assertThat(FeedOverlaps.among(List.of())).isEmpty();
    }

    @Test
    void announcingAnOverlapShowsItInBothFeedsStatus() {
        Map<String, FeedStatus> statuses = Map.of("a", new FeedStatus("a"), "b", new FeedStatus("b"),
                "c", new FeedStatus("c"));
        FeedOverlaps.among(List.of(feed("a", null, null, null), feed("b", null, null, OP_X),
                feed("c", null, null, OP_Y))).forEach(o -> o.announce(statuses));

        assertThat(statuses.get("a").view().overlapsWith()).containsExactly("b", "c");
        assertThat(statuses.get("b").view().overlapsWith()).containsExactly("a");
        assertThat(statuses.get("c").view().overlapsWith()).containsExactly("a");
    }
}
