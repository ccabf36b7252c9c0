package io.oprelay.poller;

import io.oprelay.cursor.FeedCursor;
import io.oprelay.cursor.PageStep;
import io.oprelay.events.OversizeClaim;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What one feed loop tells: its status, its meters and its log lines. */
final class FeedReporter {

    private static final Logger LOG = Logger.getLogger(FeedReporter.class);

    private final String feed;
    private final PollerMetrics metrics;
    private final FeedStatus status;
    private final Duration maxClockSkew;

    FeedReporter(String feed, PollerMetrics metrics, FeedStatus status, Duration maxClockSkew) {
        this.feed = feed;
        this.metrics = metrics;
        this.status = status;
        this.maxClockSkew = maxClockSkew;
    }

    String feed() {
        return feed;
    }

    /** The API rejected the sweep's page token: the sweep starts again from the top. */
    void tokenRejected(String reason) {
        LOG.warnf("feed %s: page token rejected (%s); restarting the sweep from the top", feed, reason);
        metrics.tokenRestart(feed);
    }

    /** A push was refused because the feed's queue was full. */
    void pushRefused() {
        metrics.pushRefused(feed);
    }

    /** A queued push was dropped because its webhook stopped waiting. */
    void pushAbandoned() {
        metrics.pushAbandoned(feed);
    }

    void state(FeedStatus.State state) {
        status.state(state);
    }

    /** The publisher is open and the cursor restored from the committed checkpoint. */
    void opened(FeedCursor cursor) {
        status.cursor(cursor);
        status.kafkaHealthy();
        LOG.infof("feed %s: owned here; resuming (complete through %s, %s)", feed, cursor.completeThrough(),
                cursor.resumeToken().isPresent() ? "with a page token" : "from the top");
    }

    void moved(FeedCursor cursor) {
        status.cursor(cursor);
    }

    /** Counts the results of a page or push that were left out although not held as published (see the cursor). */
    void skipped(PageStep step) {
        step.skipped().forEach((reason, count) -> metrics.skipped(feed, reason.tag(), count));
    }

    /** Counts a committed page's or push's results, by format and path, and warns of future-dated ones. */
    void committed(PageStep step, String path) {
        if (!step.futureDated().isEmpty()) {
            metrics.futureDated(feed, step.futureDated().size());
            LOG.warnf("feed %s: published %d result(s) created beyond now plus the allowed clock skew (%s), for"
                    + " example %s; they do not move the complete-through mark past that", feed,
                    step.futureDated().size(), maxClockSkew, step.futureDated().get(0));
        }
        byFormat(step.fresh()).forEach((format, count) -> {
            status.published(format, count);
            metrics.published(feed, format, path, count);
        });
    }

    /** Counts and names the results that went out as claim-checks, being too large for their topic. */
    void oversize(List<OversizeClaim> claims) {
        for (OversizeClaim claim : claims) {
            metrics.oversize(OutputFormat.of(claim.outputFormat()), 1);
            LOG.warnf("feed %s: result %s (%d bytes) is larger than its topic takes; published its claim-check"
                    + " event instead (fetch it with GET /api/operator-results/{id})", feed, claim.id(),
                    claim.size());
        }
    }

    void sweepEnded(SweepOutcome outcome, Duration took, int pages, Map<OutputFormat, Long> found) {
        metrics.sweep(feed, outcome.tag(), took, pages);
        status.sweepEnded(Instant.now(), outcome.text());
        status.state(FeedStatus.State.IDLE);
        if (!found.isEmpty()) {
            LOG.infof("feed %s: published %s in %d page(s), %d ms (%s)", feed, found, pages, took.toMillis(),
                    outcome.text());
        }
    }

    /** A failed attempt: the status says so, the failure is counted by kind and logged with the next attempt. */
    void failed(FailurePolicy.Failure failure, RuntimeException cause) {
        status.state(failure.kind() == FailurePolicy.Kind.FENCED ? FeedStatus.State.FENCED
                : FeedStatus.State.BACKING_OFF);
        status.failed(failure.summary(), failure.kind() == FailurePolicy.Kind.KAFKA);
        if (failure.kind() == FailurePolicy.Kind.TWILIO_AUTH) {
            status.credentialsRejected();
        }
        metrics.failure(feed, failure.kind().tag());
        switch (failure.kind()) {
            case FENCED -> LOG.warnf("feed %s: %s; reopening in %s unless the feed was handed over meanwhile", feed,
                    cause.getMessage(), failure.pause());
            case KAFKA -> LOG.warnf("feed %s: nothing published and the checkpoint kept: %s; next attempt in %s",
                    feed, cause.getMessage(), failure.pause());
            case TWILIO, TWILIO_AUTH -> LOG.warnf("feed %s: %s%s; next attempt in %s", feed, failure.summary(),
                    failure.retryable() ? "" : " (this will fail again until the feed's configuration or"
                            + " credentials change)", failure.pause());
            case UNEXPECTED -> LOG.errorf(cause, "feed %s: sweep failed; next attempt in %s", feed, failure.pause());
        }
    }

    /** Results counted by their output format. */
    static Map<OutputFormat, Long> byFormat(List<RawResult> results) {
        Map<OutputFormat, Long> counts = new EnumMap<>(OutputFormat.class);
        results.forEach(result -> counts.merge(result.view().format(), 1L, Long::sum));
        return counts;
    }
}
