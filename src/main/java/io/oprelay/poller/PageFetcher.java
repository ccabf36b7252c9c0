package io.oprelay.poller;

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
 */
final class PageFetcher implements AutoCloseable {

    private final OperatorResultsApi api;
    private final ListQuery query;
    private final ExecutorService executor;
    private Prefetch ahead;

    /** A page requested ahead of need, with the token it was requested with. */
    private record Prefetch(Optional<String> token, Future<ResultPage> future) {
    }

    PageFetcher(OperatorResultsApi api, ListQuery query, String feed) {
        this.api = api;
        this.query = query;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "relay-fetch-" + feed);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The page at {@code token}: the one fetched ahead if it was asked for with that token, else read now. */
    ResultPage page(Optional<String> token) {
        Prefetch prefetched = ahead;
        ahead = null;
        if (prefetched != null && prefetched.token().equals(token)) {
            return await(prefetched.future());
        }
        return api.list(query.withPageToken(token));
    }

    /** Starts reading the page at {@code token}. */
    void fetchAhead(Optional<String> token) {
        ahead = new Prefetch(token, executor.submit(() -> api.list(query.withPageToken(token))));
    }

    /** Forgets the page fetched ahead (the sweep ended or starts again). */
    void forget() {
        ahead = null;
    }

    private static ResultPage await(Future<ResultPage> future) {
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
