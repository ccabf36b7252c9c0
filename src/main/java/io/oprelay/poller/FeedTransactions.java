package io.oprelay.poller;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.oprelay.cursor.FeedCursor;
import io.oprelay.cursor.PageStep;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.ResultEvents;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.retention.RetentionWorker;
import io.oprelay.tracing.TraceHeaders;
import io.oprelay.tracing.Tracing;
import io.oprelay.twilio.RawResult;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feed's cursor and the transactions that make it current: pages are applied to the cursor as they are staged,
 * and their events commit with the checkpoint when the {@link TransactionBoundary} says so. Until then the cursor is
 * ahead of Kafka; a failure that leaves the commit in doubt throws the cursor away ({@link #discard}), and the next
 * {@link #open} restores it from what Kafka committed, so nothing is skipped. Owned by one feed loop.
 *
 * <p>Tracing: each transaction is a {@code publish} span. A polled page's events carry the context of the span that
 * read the page; pushed results' events carry the {@code publish} span's, which continues the webhook's trace.
 */
final class FeedTransactions {

    private static final Logger LOG = Logger.getLogger(FeedTransactions.class);

    private final FeedPublisher publisher;
    private final ResultEvents events;
    private final FeedReporter reporter;
    private final RetentionWorker retention;
    private final TransactionBoundary boundary;
    private final Duration lookback;
    private final Duration maxClockSkew;
    private final Tracing tracing;
    private final StagedPages staged = new StagedPages();
    private FeedCursor cursor;

    /** Pages applied to the cursor whose transaction is not committed yet, with their events and new ids. */
    private record StagedPages(List<ProducerRecord<String, byte[]>> records, Map<String, Long> added,
                               List<PageStep> steps) {

        StagedPages() {
            this(new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>());
        }

        void clear() {
            records.clear();
            added.clear();
            steps.clear();
        }
    }

    FeedTransactions(FeedPublisher publisher, ResultEvents events, FeedReporter reporter, RetentionWorker retention,
                     PollerConfig config, Tracing tracing) {
        this.tracing = tracing;
        this.publisher = publisher;
        this.events = events;
        this.reporter = reporter;
        this.retention = retention;
        this.boundary = new TransactionBoundary(config.maxTransactionResults());
        this.lookback = config.lookback();
        this.maxClockSkew = config.maxClockSkew();
    }

    /** The cursor, restored from Kafka first if it was thrown away (opening the publisher fences other writers). */
    FeedCursor cursor() {
        if (cursor == null) {
            reporter.state(FeedStatus.State.STARTING);
            cursor = new FeedCursor(publisher.open(), lookback, maxClockSkew, Instant.now());
            reporter.opened(cursor);
        }
        return cursor;
    }

    boolean isOpen() {
        return cursor != null;
    }

    /** Forgets the cursor and the staged pages: the next {@link #cursor()} restores what Kafka committed. */
    void discard() {
        staged.clear();
        cursor = null;
    }

    /**
     * Applies a page to the cursor and stages its events, which carry {@code trace} (the page's read); commits when
     * the boundary is reached.
     */
    void stage(PageStep step, Context trace) {
        reporter.skipped(step);
        if (cursor.changedBy(step)) {
            TraceHeaders traceHeaders = step.fresh().isEmpty() ? TraceHeaders.NONE : tracing.headersOf(trace);
            for (RawResult result : step.fresh()) {
                ProducerRecord<String, byte[]> event = events.created(result, CloudEventHeaders.PATH_POLL);
                traceHeaders.addTo(event.headers());
                staged.records().add(event);
            }
            staged.added().putAll(step.added());
            staged.steps().add(step);
        }
        cursor.apply(step);
        reporter.moved(cursor);
        Optional<TransactionBoundary.Reason> commit = boundary.afterPage(staged.records().size(), step.endsSweep());
        if (commit.isPresent()) {
            commit(commit.get());
        }
    }

    /** Commits the staged pages: their events and the cursor's checkpoint in one transaction. */
    void commit(TransactionBoundary.Reason reason) {
        if (staged.steps().isEmpty()) {
            return;
        }
        LOG.debugf("feed %s: committing %d page(s), %d result(s) (%s)", reporter.feed(), staged.steps().size(),
                staged.records().size(), reason);
        Span span = publishSpan(Context.current(), staged.records().size(), CloudEventHeaders.PATH_POLL);
        try (Scope ignored = tracing.activate(span)) {
            reporter.oversize(publisher.commit(staged.records(), cursor.head(), staged.added(), cursor::window));
        } catch (RuntimeException e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
        for (PageStep step : staged.steps()) {
            reporter.committed(step, CloudEventHeaders.PATH_POLL);
            retention.afterCommit(step.added().keySet());
        }
        staged.clear();
    }

    /** After a failure mid-sweep: commits the pages already read, or forgets the cursor if even that fails. */
    void commitAfter(RuntimeException failure) {
        try {
            commit(TransactionBoundary.Reason.FAILURE);
        } catch (RuntimeException commitFailure) {
            failure.addSuppressed(commitFailure);
            discard();
        }
    }

    /**
     * Publishes pushed results in a transaction of their own (events and checkpoint, like a page), after the pages
     * staged before them. The token, the mark and the order stay as they are.
     *
     * <p>The transaction's {@code publish} span continues the trace of the first push (the webhook that brought it)
     * and links the others'; the events carry its context.
     *
     * @param traces the trace context of each push, in order
     * @return the step of the push: its {@code added} are the results it published
     */
    PageStep publishPushed(List<RawResult> results, List<Context> traces) {
        PageStep step = cursor.planPushed(results, Instant.now());
        reporter.skipped(step);
        if (!step.fresh().isEmpty()) {
            Span span = publishSpan(traces.isEmpty() ? Context.current() : traces.get(0), step.fresh().size(),
                    CloudEventHeaders.PATH_WEBHOOK);
            for (int i = 1; i < traces.size(); i++) {
                span.addLink(Span.fromContext(traces.get(i)).getSpanContext());
            }
            TraceHeaders traceHeaders = tracing.headersOf(span);
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(step.fresh().size());
            for (RawResult result : step.fresh()) {
                ProducerRecord<String, byte[]> event = events.created(result, CloudEventHeaders.PATH_WEBHOOK);
                traceHeaders.addTo(event.headers());
                records.add(event);
            }
            try (Scope ignored = tracing.activate(span)) {
                reporter.oversize(publisher.commit(records, step.next(), step.added(),
                        () -> cursor.windowAfter(step)));
            } catch (RuntimeException e) {
                Tracing.failed(span, e);
                throw e;
            } finally {
                span.end();
            }
            cursor.apply(step);
            reporter.moved(cursor);
            reporter.committed(step, CloudEventHeaders.PATH_WEBHOOK);
            retention.afterCommit(step.added().keySet());
            LOG.debugf("feed %s: published %d pushed result(s)", reporter.feed(), step.fresh().size());
        }
        return step;
    }

    void close() {
        publisher.close();
    }

    /** The span of one transaction of {@code events} events (and the checkpoint), under {@code parent}. */
    private Span publishSpan(Context parent, int events, String path) {
        return tracing.span("publish", SpanKind.PRODUCER).setParent(parent)
                .setAttribute(Tracing.MESSAGING_SYSTEM, Tracing.KAFKA)
                .setAttribute(Tracing.MESSAGING_OPERATION, "send")
                .setAttribute(Tracing.MESSAGING_BATCH_COUNT, (long) events)
                .setAttribute(Tracing.FEED, reporter.feed())
                .setAttribute(Tracing.PATH, path)
                .startSpan();
    }
}
