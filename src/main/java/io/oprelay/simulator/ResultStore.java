package io.oprelay.simulator;

import io.oprelay.twilio.SortOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The simulated results, sorted by id (ids sort by creation time). Pages are keyset pages: "the results after id X
 * in this order", so they stay stable while results are added and deleted, and a cursor past the newest result finds
 * the results added later.
 */
final class ResultStore {

    /** One page in display order, and whether matching results exist beyond either end. */
    record Page(List<StoredResult> items, boolean moreAfter, boolean moreBefore) {
    }

    private final ConcurrentSkipListMap<String, StoredResult> byId = new ConcurrentSkipListMap<>();

    void put(StoredResult result) {
        byId.put(result.id(), result);
    }

    Optional<StoredResult> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    boolean remove(String id) {
        return byId.remove(id) != null;
    }

    void clear() {
        byId.clear();
    }

    int size() {
        return byId.size();
    }

    List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    /**
     * A page of at most {@code size} results matching {@code filters}.
     *
     * @param cursor  the id the page starts after (exclusive), null for the first page
     * @param forward true to read on in display order from the cursor, false to read the page before it
     */
    Page page(Filters filters, SortOrder order, String cursor, boolean forward, int size) {
        boolean displayAscending = order == SortOrder.OLDEST_FIRST;
        boolean walkAscending = forward == displayAscending;
        List<StoredResult> items = new ArrayList<>(Math.min(size, 1024) + 1);
        for (StoredResult result : walk(walkAscending, cursor)) {
            if (filters.matches(result)) {
                items.add(result);
                if (items.size() > size) {
                    break;
                }
            }
        }
        boolean more = items.size() > size;
        if (more) {
            items.remove(items.size() - 1);
        }
        if (items.isEmpty()) {
            return new Page(List.of(), false, false);
        }
        if (!forward) {
            Collections.reverse(items);
        }
        String first = items.get(0).id();
        String last = items.get(items.size() - 1).id();
        boolean moreAfter = forward ? more : exists(filters, displayAscending, last);
        boolean moreBefore = forward ? cursor != null && exists(filters, !displayAscending, first) : more;
        return new Page(List.copyOf(items), moreAfter, moreBefore);
    }

    private boolean exists(Filters filters, boolean ascending, String from) {
        for (StoredResult result : walk(ascending, from)) {
            if (filters.matches(result)) {
                return true;
            }
        }
        return false;
    }

    private Iterable<StoredResult> walk(boolean ascending, String exclusiveFrom) {
        if (ascending) {
            return exclusiveFrom == null ? byId.values() : byId.tailMap(exclusiveFrom, false).values();
        }
        return exclusiveFrom == null ? byId.descendingMap().values()
                : byId.headMap(exclusiveFrom, false).descendingMap().values();
    }
}
