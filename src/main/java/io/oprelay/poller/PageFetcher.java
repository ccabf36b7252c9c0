package io.oprelay.poller;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.oprelay.tracing.Tracing;
import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.ResultPage;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads a feed's list pages, one ahead of need: while a page is staged and committed the next one is on its way, so
 * the two waits overlap. A page asked for with another token than the one fetched ahead is read anew.
 *
 * <p>Each read is a {@code page} span, child of the span current where it was asked for (the sweep's), also when
 * it runs ahead on the fetch thread; the page's result events carry its context.
 */
final class PageFetcher implements AutoCloseable {

    private final OperatorResultsApi api;
    private final ListQuery query;
    private final String feed;
    private final Tracing tracing;
    private final ExecutorService executor;
    private Prefetch ahead;

    /** A page requested ahead of need, with the token it was requested with. */
    private record Prefetch(Optional<String> token, Future<Fetched> future) {
    }

    /** A page read, and the trace context of its read (the {@code page} span). */
    record Fetched(ResultPage page, Context trace) {
    }

    PageFetcher(OperatorResultsApi api, ListQuery query, String feed, Tracing tracing) {
        this.api = api;
        this.query = query;
        this.feed = feed;
        this.tracing = tracing;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "relay-fetch-" + feed);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The page at {@code token}: the one fetched ahead if it was asked for with that token, else read now. */
    Fetched page(Optional<String> token) {
        Prefetch prefetched = ahead;
        ahead = null;
        if (prefetched != null && prefetched.token().equals(token)) {
            return await(prefetched.future());
        }
        return read(Context.current(), token);
    }

    /** Starts reading the page at {@code token}. */
    void fetchAhead(Optional<String> token) {
        Context parent = Context.current();
        ahead = new Prefetch(token, executor.submit(() -> read(parent, token)));
    }

    /** Reads a page in a {@code page} span under {@code parent} (the Twilio client's own span is its child). */
    private Fetched read(Context parent, Optional<String> token) {
        Span span = tracing.span("page", SpanKind.INTERNAL).setParent(parent).setAttribute(Tracing.FEED, feed)
                .startSpan();
        try (Scope ignored = tracing.activate(span)) {
            ResultPage page = api.list(query.withPageToken(token));
            span.setAttribute(Tracing.RESULTS, page.items().size());
            return new Fetched(page, parent.with(span));
        } catch (RuntimeException e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Forgets the page fetched ahead (the sweep ended or starts again). */
    void forget() {
        ahead = null;
    }

    private static Fetched await(Future<Fetched> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching a page", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
