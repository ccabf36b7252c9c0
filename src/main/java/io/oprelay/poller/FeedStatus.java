package io.oprelay.poller;

import io.oprelay.cursor.FeedCursor;
import io.oprelay.twilio.OutputFormat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** What a feed is doing, as shown by {@code GET /api/feeds} and the readiness check. Thread-safe. */
public final class FeedStatus {

    /** Where a feed stands on this instance. */
    public enum State {
        /** Another replica owns the feed (or none has been assigned yet). */
        STANDBY,
        /** Owned here; restoring the checkpoint. */
        STARTING,
        /** Owned here; sweeping. */
        SWEEPING,
        /** Owned here; waiting for the next sweep. */
        IDLE,
        /** Owned here; the last attempt failed and is being retried. */
        BACKING_OFF,
        /** Another instance fenced this one's writer. */
        FENCED
    }

    /** A read-only copy for the API. */
    public record View(String feed, State state, Instant completeThrough, boolean resumeTokenPresent, int windowSize,
                       String sortOrder, Instant lastSweepAt, String lastSweepOutcome, Map<String, Long> publishedByFormat,
                       long errors, String lastError, boolean kafkaHealthy, boolean twilioCredentialsRejected,
                       List<String> overlapsWith) {
    }

    private final String feed;
    private State state = State.STANDBY;
    private Instant completeThrough;
    private boolean resumeTokenPresent;
    private int windowSize;
    private String sortOrder = "UNKNOWN";
    private Instant lastSweepAt;
    private String lastSweepOutcome;
    private final Map<OutputFormat, Long> published = new EnumMap<>(OutputFormat.class);
    private long errors;
    private String lastError;
    private boolean kafkaHealthy = true;
    private boolean credentialsRejected;
    private final SortedSet<String> overlapsWith = new TreeSet<>();

    public FeedStatus(String feed) {
        this.feed = feed;
    }

    /**
     * A feed that goes back to STANDBY runs elsewhere now: a Kafka failure of its last run here (typically its commit
     * interrupted by the hand-over) no longer says anything about this instance, so it stops counting against
     * readiness; {@code lastError} and {@code errors} keep it on record.
     */
    public synchronized void state(State newState) {
        state = newState;
        if (newState == State.STANDBY) {
            kafkaHealthy = true;
        }
    }

    public synchronized void cursor(FeedCursor cursor) {
        completeThrough = cursor.completeThrough();
        resumeTokenPresent = cursor.resumeToken().isPresent();
        windowSize = cursor.windowSize();
        sortOrder = cursor.order().name();
    }

    public synchronized void published(OutputFormat format, long count) {
        published.merge(format, count, Long::sum);
    }

    public synchronized void sweepEnded(Instant at, String outcome) {
        credentialsRejected = false;
        lastSweepAt = at;
        lastSweepOutcome = outcome;
    }

    public synchronized void failed(String error, boolean kafka) {
        errors++;
        lastError = error;
        if (kafka) {
            kafkaHealthy = false;
        }
    }

    /** Twilio rejected the feed's credentials (401 or 403); cleared by the next sweep that ends. */
    public synchronized void credentialsRejected() {
        credentialsRejected = true;
    }

    /** Another feed can select results this one selects too: each of them publishes those results. */
    public synchronized void overlapsWith(String otherFeed) {
        overlapsWith.add(otherFeed);
    }

    public synchronized void kafkaHealthy() {
        kafkaHealthy = true;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized Instant completeThrough() {
        return completeThrough;
    }

    public String feed() {
        return feed;
    }

    public synchronized View view() {
        Map<String, Long> byFormat = new java.util.TreeMap<>();
        published.forEach((format, count) -> byFormat.put(format.slug(), count));
        return new View(feed, state, completeThrough, resumeTokenPresent, windowSize, sortOrder, lastSweepAt,
                lastSweepOutcome, byFormat, errors, lastError, kafkaHealthy, credentialsRejected,
                List.copyOf(overlapsWith));
    }
}
