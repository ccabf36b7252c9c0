package io.oprelay.cursor;

import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Results, pages and sweeps for the cursor tests. */
final class Pages {

    private Pages() {
    }

    /** A result with an id and a creation time. */
    static RawResult result(String id, Instant created) {
        OperatorResult view = new OperatorResult(id, "AC1", null, "conv", null, "TEXT", created, List.of(), null, null);
        return new RawResult(view, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** A page of these results, the last of its list unless told otherwise. */
    static Builder page(RawResult... items) {
        return page(List.of(items));
    }

    static Builder page(List<RawResult> items) {
        return new Builder(items);
    }

    /** A page under construction: its next token and whether it has {@code meta}. */
    static final class Builder {
        private final List<RawResult> items;
        private Optional<String> next = Optional.empty();
        private boolean meta = true;

        private Builder(List<RawResult> items) {
            this.items = List.copyOf(items);
        }

        Builder next(String token) {
            return next(Optional.of(token));
        }

        Builder next(Optional<String> token) {
            this.next = token;
            return this;
        }

        /** The page has no {@code meta}, so no next token either. */
        Builder withoutMeta() {
            this.meta = false;
            this.next = Optional.empty();
            return this;
        }

        ResultPage build() {
            return new ResultPage(items, next, Optional.empty(), meta);
        }
    }

    /**
     * A page of a list kept in key order and paged with "after this key" tokens: newest first walks the keys down,
     * oldest first up.
     */
    static <V> ResultPage keyset(NavigableMap<String, V> list, SortOrder order, Optional<String> after, int size,
                                 Function<String, RawResult> result) {
        NavigableMap<String, V> rest = order == SortOrder.NEWEST_FIRST
                ? (after.isPresent() ? list.headMap(after.get(), false) : list).descendingMap()
                : (after.isPresent() ? list.tailMap(after.get(), false) : list);
        List<String> keys = new ArrayList<>(rest.keySet());
        List<String> slice = keys.subList(0, Math.min(size, keys.size()));
        Builder page = page(slice.stream().map(result).toList());
        return page.next(keys.size() > size ? Optional.of(slice.get(slice.size() - 1)) : Optional.empty()).build();
    }

    /**
     * Runs one sweep the way the feed loop does, at {@code now} (or the clock when null), and returns every id
     * published, in order.
     */
    static List<String> sweep(FeedCursor cursor, FeedCursorTest.Listing list, int pageSize, Instant now,
                              Runnable betweenPages) {
        List<String> published = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<String> token = cursor.resumeToken();
        for (int pages = 0; pages < 10_000; pages++) {
            PageStep step = cursor.plan(token, list.page(token, pageSize), seen, now == null ? Instant.now() : now);
            token.ifPresent(seen::add);
            step.fresh().forEach(r -> published.add(r.id()));
            cursor.apply(step);
            if (step.endsSweep()) {
                return published;
            }
            betweenPages.run();
            token = step.nextToken();
        }
        throw new AssertionError("sweep did not end");
    }
}
