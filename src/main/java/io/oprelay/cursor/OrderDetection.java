package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.SortOrder;
import io.oprelay.twilio.Ttid;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The order of the list, detected from its pages: the first pages that clearly tell set it; once known, it changes
 * only when a page contradicts it at every step. A few results listed out of place must not turn it: read oldest
 * first while the list is newest first, the mark would move past results not walked yet; read newest first while it
 * is oldest first, the sweep would stop at published ground and never reach the end of the list.
 */
final class OrderDetection {

    private OrderDetection() {
    }

    /** The order after a page, given the order known before it. */
    static SortOrder after(SortOrder known, List<RawResult> items, Instant now) {
        Steps steps = steps(items, now);
        if (!known.known()) {
            return steps.clearOrder().orElse(SortOrder.UNKNOWN);
        }
        SortOrder opposite = known == SortOrder.NEWEST_FIRST ? SortOrder.OLDEST_FIRST : SortOrder.NEWEST_FIRST;
        return steps.unanimous().filter(opposite::equals).orElse(known);
    }

    /** How many steps from one result to the next go up in time and how many go down. */
    record Steps(int up, int down) {

        /** One direction at least twice as often as the other, plus one, and at least twice. */
        Optional<SortOrder> clearOrder() {
            if (up >= 2 && up >= 2 * down + 1) {
                return Optional.of(SortOrder.OLDEST_FIRST);
            }
            if (down >= 2 && down >= 2 * up + 1) {
                return Optional.of(SortOrder.NEWEST_FIRST);
            }
            return Optional.empty();
        }

        /** Every step, and at least two, in one direction. */
        Optional<SortOrder> unanimous() {
            if (up >= 2 && down == 0) {
                return Optional.of(SortOrder.OLDEST_FIRST);
            }
            if (down >= 2 && up == 0) {
                return Optional.of(SortOrder.NEWEST_FIRST);
            }
            return Optional.empty();
        }
    }

    /**
     * The steps of a page from each result to the next. The time compared is the one in the id where both ids carry
     * it (ids are time-ordered UUIDv7), else their creation times; equal times are no step.
     */
    static Steps steps(List<RawResult> items, Instant now) {
        int up = 0;
        int down = 0;
        for (int i = 1; i < items.size(); i++) {
            int step = compareInTime(items.get(i - 1), items.get(i), now);
            if (step < 0) {
                up++;
            } else if (step > 0) {
                down++;
            }
        }
        return new Steps(up, down);
    }

    private static int compareInTime(RawResult a, RawResult b, Instant now) {
        Optional<Instant> idTimeA = a.id() == null ? Optional.empty() : Ttid.creationTime(a.id());
        Optional<Instant> idTimeB = b.id() == null ? Optional.empty() : Ttid.creationTime(b.id());
        if (idTimeA.isPresent() && idTimeB.isPresent()) {
            int byIdTime = idTimeA.get().compareTo(idTimeB.get());
            // Within one millisecond the rest of a UUIDv7 id is random, not a sequence: it says nothing of order.
            return byIdTime != 0 ? byIdTime : Long.compare(CreationTime.of(a, now), CreationTime.of(b, now));
        }
        return Long.compare(CreationTime.of(a, now), CreationTime.of(b, now));
    }
}
