package io.oprelay.poller;

import io.oprelay.cursor.FeedCursor;
import io.oprelay.cursor.PageStep;
import io.oprelay.cursor.SweepEnd;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.events.OversizeClaim;
import io.oprelay.events.ResultEvents;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.publisher.FencedException;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.retention.RetentionWorker;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.TwilioApiException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sweep loop of one feed owned by this instance: opens the feed's publisher (fencing any other writer and
 * restoring the committed checkpoint), then sweeps the list page by page, committing each page's new results with the
 * checkpoint. Paces itself: the next sweep at once when the last one stopped at the page limit, after the interval
 * when it reached the end, after the wait Twilio asked for on a 429 or 5xx, and with doubling back-off on other
 * failures.
 *
 * <p>Results pushed by webhooks go through the same loop: queued by {@link #push}, they are published between pages
 * (or at once, waking the loop from its pause) against the same window, so whichever path comes second finds the id
 * there and publishes nothing. The feed has one writer, and it is this thread.
 */
final class FeedRunner implements Runnable {

    private static final Logger LOG = Logger.getLogger(FeedRunner.class);
    private static final Duration CUT_SHORT_PAUSE = Duration.ofSeconds(1);

    private final Feed feed;
    private final OperatorResultsApi api;
    private final FeedPublisher publisher;
    private final ResultEvents events;
    private final PollerConfig config;
    private final PollerMetrics metrics;
    private final FeedStatus status;
    private final RetentionWorker retention;
    private final ConcurrentLinkedQueue<PushedBatch> pushed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedResults = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private ExecutorService fetcher;
    private volatile boolean running = true;
    private boolean triggered;
    private FeedCursor cursor;
    private final Pending pending = new Pending();
    private int failures;

    FeedRunner(Feed feed, OperatorResultsApi api, FeedPublisher publisher, ResultEvents events, PollerConfig config,
               PollerMetrics metrics, FeedStatus status, RetentionWorker retention) {
        this.feed = feed;
        this.api = api;
        this.publisher = publisher;
        this.events = events;
        this.config = config;
        this.metrics = metrics;
        this.status = status;
        this.retention = retention;
    }

    /** A page requested ahead of need, with the token it was requested with. */
    private record Prefetch(Optional<String> token, Future<ResultPage> future) {

        ResultPage page() {
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
    }

    /** Pushed results waiting for the loop, and whoever waits for their commit. */
    private record PushedBatch(List<RawResult> results, CompletableFuture<PushOutcome> done) {
    }

    /** Pages applied to the cursor whose transaction is not committed yet. */
    private record Pending(List<ProducerRecord<String, byte[]>> records, Map<String, Long> added,
                           List<PageStep> steps) {

        Pending() {
            this(new ArrayList<>(), new java.util.LinkedHashMap<>(), new ArrayList<>());
        }

        void clear() {
            records.clear();
            added.clear();
            steps.clear();
        }
    }

    /** Outcome of one sweep, deciding the pause before the next. */
    private record Outcome(String name, Duration pause) {
    }

    /**
     * The loop, run by the supervisor; after a death it runs again from the checkpoint in Kafka (the publisher is
     * reopened, which fences and restores).
     */
    @Override
    public void run() {
        status.state(FeedStatus.State.STARTING);
        cursor = null;
        pending.clear();
        fetcher = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "relay-fetch-" + feed.name());
            thread.setDaemon(true);
            return thread;
        });
        try {
            while (running) {
                Outcome outcome = step();
                if (!running) {
                    break;
                }
                pause(outcome.pause());
            }
        } finally {
            fetcher.shutdownNow();
            PublishFailedException released = new PublishFailedException("feed " + feed.name()
                    + " was released by this instance", null);
            for (PushedBatch batch; (batch = take()) != null; ) {
                batch.done().completeExceptionally(released);
            }
            publisher.close();
            status.state(FeedStatus.State.STANDBY);
        }
    }

    private Outcome step() {
        try {
            if (cursor == null) {
                status.state(FeedStatus.State.STARTING);
                cursor = new FeedCursor(publisher.open(), config.lookback(), config.maxClockSkew(), Instant.now());
                status.cursor(cursor);
                status.kafkaHealthy();
                LOG.infof("feed %s: owned here; resuming (complete through %s, %s)", feed.name(),
                        cursor.completeThrough(), cursor.resumeToken().isPresent() ? "with a page token" : "from the top");
            }
            publishPushed();
            Outcome outcome = sweep();
            failures = 0;
            return outcome;
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private Outcome failed(RuntimeException failure) {
        try {
            throw failure;
        } catch (FencedException e) {
            cursor = null;
            status.state(FeedStatus.State.FENCED);
            status.failed(e.getMessage(), false);
            metrics.failure(feed.name(), "fenced");
            // Another writer took the feed's transactional id. If it took the feed over, this replica has lost its
            // group membership, and the ownership loop stops this runner within one session timeout: waiting that
            // long before reopening keeps a paused replica from fencing the new owner back, turn about.
            Duration wait = latest(backoff(), config.sessionTimeout());
            LOG.warnf("feed %s: %s; reopening in %s unless the feed was handed over meanwhile", feed.name(),
                    e.getMessage(), wait);
            return new Outcome("fenced", wait);
        } catch (PublishFailedException e) {
            cursor = null;
            status.state(FeedStatus.State.BACKING_OFF);
            status.failed("Kafka: " + e.getMessage(), true);
            metrics.failure(feed.name(), "kafka");
            LOG.warnf("feed %s: nothing published and the checkpoint kept: %s", feed.name(), e.getMessage());
            return new Outcome("kafka-error", backoff());
        } catch (TwilioApiException e) {
            status.state(FeedStatus.State.BACKING_OFF);
            status.failed("Twilio: HTTP " + e.status() + " " + e.getMessage(), false);
            if (e.authFailure()) {
                status.credentialsRejected();
            }
            metrics.failure(feed.name(), e.authFailure() ? "twilio-auth" : "twilio");
            Duration wait = e.retryAfter().orElseGet(this::backoff);
            LOG.warnf("feed %s: Twilio answered %d (%s); next attempt in %s", feed.name(), e.status(),
                    e.getMessage(), wait);
            return new Outcome("twilio-error", wait);
        } catch (RuntimeException e) {
            cursor = null;
            status.state(FeedStatus.State.BACKING_OFF);
            status.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
            metrics.failure(feed.name(), "unexpected");
            LOG.errorf(e, "feed %s: sweep failed", feed.name());
            return new Outcome("error", backoff());
        }
    }

    private Outcome sweep() {
        status.state(FeedStatus.State.SWEEPING);
        long began = System.nanoTime();
        Set<String> tokensSeen = new HashSet<>();
        Map<OutputFormat, Long> found = new EnumMap<>(OutputFormat.class);
        Optional<String> token = cursor.resumeToken();
        Prefetch prefetched = null;
        boolean restarted = false;
        int pages = 0;
        String outcome;
        try {
            while (true) {
                if (!running) {
                    outcome = "stopped";
                    break;
                }
                if (pages >= config.maxPagesPerSweep()) {
                    outcome = "page limit";
                    break;
                }
                ResultPage page;
                try {
                    page = prefetched != null && prefetched.token().equals(token) ? prefetched.page()
                            : api.list(feed.query().withPageToken(token));
                    prefetched = null;
                } catch (TwilioApiException e) {
                    prefetched = null;
                    if (e.status() == 400 && token.isPresent() && !restarted) {
                        LOG.warnf("feed %s: page token rejected (%s); restarting the sweep from the top", feed.name(),
                                e.getMessage());
                        metrics.tokenRestart(feed.name());
                        cursor.dropResumeToken();
                        token = Optional.empty();
                        tokensSeen.clear();
                        restarted = true;
                        continue;
                    }
                    throw e;
                }
                pages++;
                token.ifPresent(tokensSeen::add);
                PageStep step = cursor.plan(token, page, tokensSeen, Instant.now());
                if (!step.endsSweep() && pages < config.maxPagesPerSweep()) {
                    // Fetch the next page while this one is staged and committed: the two waits overlap.
                    prefetched = new Prefetch(step.nextToken(), fetcher.submit(
                            () -> api.list(feed.query().withPageToken(step.nextToken()))));
                }
                stage(step);
                publishPushed();
                step.fresh().forEach(r -> found.merge(r.view().format(), 1L, Long::sum));
                if (step.endsSweep()) {
                    outcome = step.endReason().get().text();
                    break;
                }
                token = step.nextToken();
            }
            flush();
        } catch (RuntimeException e) {
            flushAfter(e);
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        metrics.sweep(feed.name(), outcome.replace(' ', '-'), took, pages);
        status.sweepEnded(Instant.now(), outcome);
        status.state(FeedStatus.State.IDLE);
        if (!found.isEmpty()) {
            LOG.infof("feed %s: published %s in %d page(s), %d ms (%s)", feed.name(), found, pages, took.toMillis(),
                    outcome);
        }
        return new Outcome(outcome, pauseAfter(outcome));
    }

    /**
     * At once after the page limit (the backlog goes on); soon after a sweep cut short by a repeated token or a page
     * without meta (it has not reached published ground yet); after the interval when the sweep reached the end.
     */
    private Duration pauseAfter(String outcome) {
        if ("page limit".equals(outcome)) {
            return Duration.ZERO;
        }
        if (SweepEnd.REPEATED_TOKEN.text().equals(outcome) || SweepEnd.NO_META.text().equals(outcome)) {
            return config.interval().compareTo(CUT_SHORT_PAUSE) < 0 ? config.interval() : CUT_SHORT_PAUSE;
        }
        return config.interval();
    }

    /**
     * Applies a page to the cursor and adds its events to the open transaction, which commits once it holds
     * {@code relay.poller.max-transaction-results} results or the sweep ends. Until then the cursor is ahead of
     * Kafka; any failure before the commit throws it away (see {@link #sweep()}), so nothing is skipped.
     */
    private void stage(PageStep step) {
        skipped(step);
        boolean changed = !step.fresh().isEmpty()
                || !step.next().resumeToken().equals(cursor.resumeToken())
                || !step.next().completeThrough().equals(cursor.completeThrough())
                || step.next().order() != cursor.order()
                || step.endsSweep();
        if (changed) {
            for (RawResult result : step.fresh()) {
                pending.records().add(events.created(result, CloudEventHeaders.PATH_POLL));
            }
            pending.added().putAll(step.added());
            pending.steps().add(step);
        }
        cursor.apply(step);
        status.cursor(cursor);
        if (pending.records().size() >= config.maxTransactionResults() || step.endsSweep()) {
            flush();
        }
    }

    /** Commits the staged pages: their events and the cursor's checkpoint in one transaction. */
    private void flush() {
        if (pending.steps().isEmpty()) {
            return;
        }
        oversize(publisher.commit(pending.records(), cursor.head(), pending.added(), cursor::window));
        for (PageStep step : pending.steps()) {
            counted(step, CloudEventHeaders.PATH_POLL);
            retention.afterCommit(step.added().keySet());
        }
        pending.clear();
    }

    /** After a failure mid-sweep: commits the pages already read, or forgets the cursor if even that fails. */
    private void flushAfter(RuntimeException failure) {
        try {
            flush();
        } catch (RuntimeException flushFailure) {
            failure.addSuppressed(flushFailure);
            pending.clear();
            cursor = null;
        }
    }

    /** Counts and names the results that went out as claim-checks, being too large for their topic. */
    private void oversize(List<OversizeClaim> claims) {
        for (OversizeClaim claim : claims) {
            metrics.oversize(OutputFormat.of(claim.outputFormat()), 1);
            LOG.warnf("feed %s: result %s (%d bytes) is larger than its topic takes; published its claim-check"
                    + " event instead (fetch it with GET /api/operator-results/{id})", feed.name(), claim.id(),
                    claim.size());
        }
    }

    /** Counts the results of a page or push that were left out although not held as published (see the cursor). */
    private void skipped(PageStep step) {
        step.skipped().forEach((reason, count) -> metrics.skipped(feed.name(), reason.tag(), count));
    }

    private void counted(PageStep step, String path) {
        if (!step.futureDated().isEmpty()) {
            metrics.futureDated(feed.name(), step.futureDated().size());
            LOG.warnf("feed %s: published %d result(s) created beyond now plus the allowed clock skew (%s), for"
                    + " example %s; they do not move the complete-through mark past that", feed.name(),
                    step.futureDated().size(), config.maxClockSkew(), step.futureDated().get(0));
        }
        Map<OutputFormat, Long> byFormat = new EnumMap<>(OutputFormat.class);
        step.fresh().forEach(r -> byFormat.merge(r.view().format(), 1L, Long::sum));
        byFormat.forEach((format, count) -> {
            status.published(format, count);
            metrics.published(feed.name(), format, path, count);
        });
    }

    /**
     * Publishes every queued push in one transaction (events and checkpoint, like a page), then tells each waiter
     * how many of its results were new. On failure every waiter gets the exception, and so does the caller.
     */
    private void publishPushed() {
        if (pushed.isEmpty()) {
            return;
        }
        flush();
        List<PushedBatch> batches = new ArrayList<>();
        for (PushedBatch batch; (batch = take()) != null; ) {
            if (!batch.done().isDone()) {
                batches.add(batch);
            }
        }
        if (batches.isEmpty()) {
            return;
        }
        if (cursor == null) {
            PublishFailedException notReady = new PublishFailedException("feed " + feed.name()
                    + " is recovering from a failure and cannot publish now", null);
            batches.forEach(batch -> batch.done().completeExceptionally(notReady));
            return;
        }
        List<RawResult> all = new ArrayList<>();
        batches.forEach(batch -> all.addAll(batch.results()));
        PageStep step = cursor.planPushed(all, Instant.now());
        skipped(step);
        try {
            if (!step.fresh().isEmpty()) {
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>(step.fresh().size());
                for (RawResult result : step.fresh()) {
                    records.add(events.created(result, CloudEventHeaders.PATH_WEBHOOK));
                }
                oversize(publisher.commit(records, step.next(), step.added(), () -> cursor.windowAfter(step)));
                cursor.apply(step);
                status.cursor(cursor);
                counted(step, CloudEventHeaders.PATH_WEBHOOK);
                retention.afterCommit(step.added().keySet());
            }
        } catch (RuntimeException e) {
            batches.forEach(batch -> batch.done().completeExceptionally(e));
            throw e;
        }
        Set<String> claimed = new HashSet<>();
        for (PushedBatch batch : batches) {
            int published = 0;
            for (RawResult result : batch.results()) {
                if (step.added().containsKey(result.id()) && claimed.add(result.id())) {
                    published++;
                }
            }
            batch.done().complete(new PushOutcome(published, batch.results().size() - published));
        }
        if (!step.fresh().isEmpty()) {
            LOG.debugf("feed %s: published %d pushed result(s)", feed.name(), step.fresh().size());
        }
    }

    private static Duration latest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private Duration backoff() {
        failures = Math.min(failures + 1, 30);
        long max = config.maxBackoff().toMillis();
        long base = Math.min(max, 1000L << Math.min(failures - 1, 16));
        long jitter = ThreadLocalRandom.current().nextLong(base / 4 + 1);
        return Duration.ofMillis(Math.min(max, base - base / 8 + jitter));
    }

    /** Waits for the next sweep, publishing pushed results as soon as they arrive. */
    private void pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (running) {
            if (!pushed.isEmpty()) {
                try {
                    publishPushed();
                } catch (RuntimeException e) {
                    deadline = System.nanoTime() + failed(e).pause().toNanos();
                }
                continue;
            }
            if (duration.isZero()) {
                return;
            }
            lock.lock();
            try {
                long remaining = deadline - System.nanoTime();
                if (triggered || remaining <= 0) {
                    triggered = false;
                    return;
                }
                if (pushed.isEmpty()) {
                    wake.awaitNanos(remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Queues results pushed by a webhook for this feed; the future completes once their transaction committed (or
     * fails with the reason nothing was published). When {@code maxQueued} results are already waiting, the push is
     * refused at once with {@link PushQueueFullException} (a push into an empty queue is always taken, whatever its
     * size). A caller that gives up cancels the future: the batch then leaves the queue and is not published by this
     * path (the poller publishes its results, as it would had the webhook never come).
     */
    CompletableFuture<PushOutcome> push(List<RawResult> results, int maxQueued) {
        CompletableFuture<PushOutcome> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new PublishFailedException("feed " + feed.name()
                    + " is being released by this instance", null));
            return done;
        }
        int size = results.size();
        int before = queuedResults.getAndUpdate(queued -> queued == 0 || queued + size <= maxQueued
                ? queued + size : queued);
        if (before != 0 && before + size > maxQueued) {
            metrics.pushRefused(feed.name());
            done.completeExceptionally(new PushQueueFullException("feed " + feed.name() + " has " + before
                    + " pushed result(s) waiting, the most relay.webhook.max-queued-results allows"));
            return done;
        }
        PushedBatch batch = new PushedBatch(List.copyOf(results), done);
        pushed.add(batch);
        done.whenComplete((outcome, failure) -> {
            if (done.isCancelled() && pushed.remove(batch)) {
                queuedResults.addAndGet(-batch.results().size());
                metrics.pushAbandoned(feed.name());
            }
        });
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (!running) {
            done.completeExceptionally(new PublishFailedException("feed " + feed.name()
                    + " is being released by this instance", null));
        }
        return done;
    }

    /** The next queued batch, no longer counted against the bound, or null. */
    private PushedBatch take() {
        PushedBatch batch = pushed.poll();
        if (batch != null) {
            queuedResults.addAndGet(-batch.results().size());
        }
        return batch;
    }

    /** Starts a sweep now instead of at the end of the current pause. */
    void trigger() {
        lock.lock();
        try {
            triggered = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks the loop to end after the page in hand; the caller joins the thread. */
    void stop() {
        running = false;
        trigger();
    }
}
