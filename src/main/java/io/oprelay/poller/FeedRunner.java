package io.oprelay.poller;

import io.oprelay.cursor.PageStep;
import io.oprelay.events.ResultEvents;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.publisher.PublishFailedException;
import io.opentelemetry.context.Context;
import io.oprelay.retention.RetentionWorker;
import io.oprelay.tracing.Tracing;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.RawResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The loop of one feed owned by this instance: opens the feed's publisher (fencing any other writer and restoring
 * the committed checkpoint), then sweeps the list ({@link FeedSweep}), committing pages with the checkpoint
 * ({@link FeedTransactions}). Paces itself: the pause after a sweep depends on how it ended ({@link SweepOutcome}),
 * the pause after a failure on what failed ({@link FailurePolicy}).
 *
 * <p>Results pushed by webhooks go through the same loop: queued by {@link #push}, they are published between pages
 * (or at once, waking the loop from its pause) against the same window, so whichever path comes second finds the id
 * there and publishes nothing. The feed has one writer, and it is this thread.
 */
final class FeedRunner implements Runnable {

    private final Feed feed;
    private final OperatorResultsApi api;
    private final PollerConfig config;
    private final FeedReporter reporter;
    private final FeedTransactions transactions;
    private final FailurePolicy failures;
    private final PushQueue pushed;
    private final Tracing tracing;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean running = true;

    FeedRunner(Feed feed, OperatorResultsApi api, FeedPublisher publisher, ResultEvents events, PollerConfig config,
               PollerMetrics metrics, FeedStatus status, RetentionWorker retention) {
        this(feed, api, publisher, events, config, metrics, status, retention, Tracing.off());
    }

    FeedRunner(Feed feed, OperatorResultsApi api, FeedPublisher publisher, ResultEvents events, PollerConfig config,
               PollerMetrics metrics, FeedStatus status, RetentionWorker retention, Tracing tracing) {
        this.feed = feed;
        this.tracing = tracing;
        this.api = api;
        this.config = config;
        this.reporter = new FeedReporter(feed.name(), metrics, status, config.maxClockSkew());
        this.transactions = new FeedTransactions(publisher, events, reporter, retention, config, tracing);
        this.failures = new FailurePolicy(config.maxBackoff(), config.sessionTimeout(), new SplittableRandom());
        this.pushed = new PushQueue(reporter::pushAbandoned);
    }

    /**
     * The loop, run by the supervisor; after a death it runs again from the checkpoint in Kafka (the publisher is
     * reopened, which fences and restores).
     */
    @Override
    public void run() {
        reporter.state(FeedStatus.State.STARTING);
        transactions.discard();
        try (PageFetcher fetcher = new PageFetcher(api, feed.query(), feed.name(), tracing)) {
            while (running) {
                Duration pause = attempt(fetcher);
                if (!running) {
                    break;
                }
                pause(pause);
            }
        } finally {
            pushed.failAll(released("was released by this instance"));
            transactions.close();
            reporter.state(FeedStatus.State.STANDBY);
        }
    }

    /** One sweep (after publishing what was pushed); returns the pause before the next attempt. */
    private Duration attempt(PageFetcher fetcher) {
        try {
            transactions.cursor();
            publishPushed();
            SweepOutcome outcome = FeedSweep.run(transactions, fetcher, reporter, config.maxPagesPerSweep(),
                    () -> running, this::publishPushed, tracing);
            failures.succeeded();
            return outcome.pauseAfter(config.interval());
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private Duration failed(RuntimeException e) {
        FailurePolicy.Failure failure = failures.failed(e);
        if (failure.kind().restores()) {
            transactions.discard();
        }
        reporter.failed(failure, e);
        return failure.pause();
    }

    /**
     * Publishes every queued push in one transaction (events and checkpoint, like a page), after committing the pages
     * staged before, then tells each waiter how many of its results were new. On failure every waiter gets the
     * exception, and so does the caller.
     */
    private void publishPushed() {
        if (pushed.isEmpty()) {
            return;
        }
        if (transactions.isOpen()) {
            transactions.commit(TransactionBoundary.Reason.PUSH_ARRIVED);
        }
        List<PushQueue.QueuedPush> pushes = pushed.takeAll();
        if (pushes.isEmpty()) {
            return;
        }
        if (!transactions.isOpen()) {
            PublishFailedException notReady = released("is recovering from a failure and cannot publish now");
            pushes.forEach(push -> push.done().completeExceptionally(notReady));
            return;
        }
        List<RawResult> all = new ArrayList<>();
        List<Context> traces = new ArrayList<>(pushes.size());
        pushes.forEach(push -> {
            all.addAll(push.results());
            traces.add(push.trace());
        });
        PageStep step;
        try {
            step = transactions.publishPushed(all, traces);
        } catch (RuntimeException e) {
            pushes.forEach(push -> push.done().completeExceptionally(e));
            throw e;
        }
        PushQueue.settle(pushes, step.added());
    }

    /** Waits for the next sweep, publishing pushed results as soon as they arrive. */
    private void pause(Duration duration) {
        long deadline = Wakeup.deadline(duration);
        while (running) {
            if (!pushed.isEmpty()) {
                try {
                    publishPushed();
                } catch (RuntimeException e) {
                    deadline = Wakeup.deadline(failed(e));
                }
                continue;
            }
            if (duration.isZero()) {
                return;
            }
            try {
                if (wakeup.await(deadline, () -> !pushed.isEmpty())) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
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
            done.completeExceptionally(released("is being released by this instance"));
            return done;
        }
        PushQueue.Offer offer = pushed.offer(results, done, maxQueued);
        if (!offer.taken()) {
            reporter.pushRefused();
            done.completeExceptionally(new PushQueueFullException("feed " + feed.name() + " has " + offer.waiting()
                    + " pushed result(s) waiting, the most relay.webhook.max-queued-results allows"));
            return done;
        }
        wakeup.signal();
        if (!running) {
            done.completeExceptionally(released("is being released by this instance"));
        }
        return done;
    }

    private PublishFailedException released(String why) {
        return new PublishFailedException("feed " + feed.name() + " " + why, null);
    }

    /** Starts a sweep now instead of at the end of the current pause. */
    void trigger() {
        wakeup.trigger();
    }

    /** Asks the loop to end after the page in hand; the caller joins the thread. */
    void stop() {
        running = false;
        trigger();
    }
}
