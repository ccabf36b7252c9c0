package io.oprelay.poller;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.oprelay.cursor.FeedCursor;
import io.oprelay.cursor.PageStep;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.tracing.Tracing;
import io.oprelay.twilio.TwilioApiException;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One sweep of a feed's list: page by page from the cursor's token, each page planned by the cursor and staged into
 * the feed's transactions, until the cursor ends the sweep, the page limit is reached or the feed is released. A
 * page token the API rejects (400) restarts the sweep from the top, once. Between pages the loop publishes what
 * webhooks pushed. The sweep is a {@code sweep} span, current while it runs: its pages and transactions are its
 * children.
 */
final class FeedSweep {

    private final FeedTransactions transactions;
    private final PageFetcher fetcher;
    private final FeedReporter reporter;
    private final int maxPages;
    private final BooleanSupplier running;
    private final Runnable betweenPages;
    private final Set<String> tokensSeen = new HashSet<>();
    private final Map<OutputFormat, Long> found = new EnumMap<>(OutputFormat.class);
    private Optional<String> token;
    private boolean restarted;
    private int pages;

    /**
     * @param running      whether the feed is still owned here
     * @param betweenPages publishes pushed results
     */
    private FeedSweep(FeedTransactions transactions, PageFetcher fetcher, FeedReporter reporter, int maxPages,
                      BooleanSupplier running, Runnable betweenPages) {
        this.transactions = transactions;
        this.fetcher = fetcher;
        this.reporter = reporter;
        this.maxPages = maxPages;
        this.running = running;
        this.betweenPages = betweenPages;
    }

    /** Sweeps once and reports it; the pages read before a failure are committed if they can be. */
    static SweepOutcome run(FeedTransactions transactions, PageFetcher fetcher, FeedReporter reporter, int maxPages,
                            BooleanSupplier running, Runnable betweenPages, Tracing tracing) {
        Span span = tracing.span("sweep", SpanKind.INTERNAL).setAttribute(Tracing.FEED, reporter.feed())
                .startSpan();
        try (Scope ignored = tracing.activate(span)) {
            FeedSweep sweep = new FeedSweep(transactions, fetcher, reporter, maxPages, running, betweenPages);
            SweepOutcome outcome = sweep.run();
            span.setAttribute(Tracing.OUTCOME, outcome.tag());
            return outcome;
        } catch (RuntimeException e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private SweepOutcome run() {
        reporter.state(FeedStatus.State.SWEEPING);
        long began = System.nanoTime();
        fetcher.forget();
        token = transactions.cursor().resumeToken();
        SweepOutcome outcome;
        try {
            outcome = walk();
            transactions.commit(TransactionBoundary.Reason.SWEEP_LEFT_OFF);
        } catch (RuntimeException e) {
            transactions.commitAfter(e);
            throw e;
        }
        reporter.sweepEnded(outcome, Duration.ofNanos(System.nanoTime() - began), pages, found);
        return outcome;
    }

    /** Reads pages until the sweep ends. */
    private SweepOutcome walk() {
        while (running.getAsBoolean()) {
            if (pages >= maxPages) {
                return SweepOutcome.PAGE_LIMIT;
            }
            Optional<PageFetcher.Fetched> page = fetch();
            if (page.isEmpty()) {
                continue;
            }
            pages++;
            token.ifPresent(tokensSeen::add);
            FeedCursor cursor = transactions.cursor();
            PageStep step = cursor.plan(token, page.get().page(), tokensSeen, Instant.now());
            if (!step.endsSweep() && pages < maxPages) {
                fetcher.fetchAhead(step.nextToken());
            }
            transactions.stage(step, page.get().trace());
            betweenPages.run();
            FeedReporter.byFormat(step.fresh()).forEach((format, count) -> found.merge(format, count, Long::sum));
            if (step.endsSweep()) {
                return SweepOutcome.of(step.endReason().get());
            }
            token = step.nextToken();
        }
        return SweepOutcome.STOPPED;
    }

    /** The page at the token; empty when the token was rejected and the sweep starts again from the top. */
    private Optional<PageFetcher.Fetched> fetch() {
        try {
            return Optional.of(fetcher.page(token));
        } catch (TwilioApiException e) {
            if (e.status() != 400 || token.isEmpty() || restarted) {
                throw e;
            }
            reporter.tokenRejected(e.getMessage());
            transactions.cursor().dropResumeToken();
            token = Optional.empty();
            tokensSeen.clear();
            restarted = true;
            return Optional.empty();
        }
    }
}
