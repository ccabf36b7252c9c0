package io.oprelay.poller;

import io.opentelemetry.context.Context;
import io.oprelay.twilio.RawResult;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Results pushed by webhooks for one feed, waiting for its loop, bounded by the number of results queued. Thread-safe:
 * webhooks offer, the feed loop takes.
 */
final class PushQueue {

    /**
     * Pushed results waiting for the loop, whoever waits for their commit, and the trace context of the webhook that
     * pushed them (carried across the hand-off to the feed's thread).
     */
    record QueuedPush(List<RawResult> results, CompletableFuture<PushOutcome> done, Context trace) {
    }


    /**
     * What became of an offer.
     *
     * @param taken   whether the push was queued
     * @param waiting results that waited before it
     */
    record Offer(boolean taken, int waiting) {
    }

    private final ConcurrentLinkedQueue<QueuedPush> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedResults = new AtomicInteger();
    private final Runnable abandoned;

    /** @param abandoned told when a push leaves the queue unpublished because its caller stopped waiting */
    PushQueue(Runnable abandoned) {
        this.abandoned = abandoned;
    }

    /**
     * Queues a push unless {@code maxQueued} results already wait (a push into an empty queue is always taken,
     * whatever its size). A caller that cancels {@code done}
     * takes its push back out of the queue.
     */
    Offer offer(List<RawResult> results, CompletableFuture<PushOutcome> done, int maxQueued) {
        int size = results.size();
        int before = queuedResults.getAndUpdate(queued -> queued == 0 || queued + size <= maxQueued
                ? queued + size : queued);
        if (before != 0 && before + size > maxQueued) {
            return new Offer(false, before);
        }
        QueuedPush push = new QueuedPush(List.copyOf(results), done, Context.current());
        queue.add(push);
        done.whenComplete((outcome, failure) -> {
            if (done.isCancelled() && queue.remove(push)) {
                queuedResults.addAndGet(-push.results().size());
                abandoned.run();
            }
        });
        return new Offer(true, before);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Every queued push whose caller still waits, taken out of the queue. */
    List<QueuedPush> takeAll() {
        List<QueuedPush> taken = new ArrayList<>();
        for (QueuedPush push; (push = take()) != null; ) {
            if (!push.done().isDone()) {
                taken.add(push);
            }
        }
        return taken;
    }

    /** Fails every queued push with {@code reason}. */
    void failAll(RuntimeException reason) {
        for (QueuedPush push; (push = take()) != null; ) {
            push.done().completeExceptionally(reason);
        }
    }

    private QueuedPush take() {
        QueuedPush push = queue.poll();
        if (push != null) {
            queuedResults.addAndGet(-push.results().size());
        }
        return push;
    }

    /**
     * Tells each waiter how many of its results a commit published: a result goes to the first push that carried it,
     * and the rest count as already published.
     *
     * @param added the ids the commit published
     */
    static void settle(List<QueuedPush> pushes, Map<String, Long> added) {
        Set<String> claimed = new HashSet<>();
        for (QueuedPush push : pushes) {
            int published = 0;
            for (RawResult result : push.results()) {
                if (added.containsKey(result.id()) && claimed.add(result.id())) {
                    published++;
                }
            }
            push.done().complete(new PushOutcome(published, push.results().size() - published));
        }
    }
}
