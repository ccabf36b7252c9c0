package io.oprelay.poller;

import io.oprelay.publisher.PublishFailedException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for the transactions of one push on several feeds, within one timeout. */
final class PushWait {

    private PushWait() {
    }

    /**
     * The outcomes of every feed's transaction, summed. A push already refused fails the whole at once; otherwise each
     * transaction may take what is left of {@code timeout}. Whatever happens, the futures are cancelled afterwards, so
     * batches still queued leave their queues.
     *
     * @throws PushQueueFullException when a feed's queue was full
     * @throws PublishFailedException when a transaction failed or did not commit in time
     */
    static PushOutcome all(List<CompletableFuture<PushOutcome>> pending, Duration timeout) {
        try {
            for (CompletableFuture<PushOutcome> future : pending) {
                if (future.isCompletedExceptionally()) {
                    one(future, 0, timeout);
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            int published = 0;
            int already = 0;
            for (CompletableFuture<PushOutcome> future : pending) {
                PushOutcome outcome = one(future, Math.max(0, deadline - System.nanoTime()), timeout);
                published += outcome.published();
                already += outcome.alreadyPublished();
            }
            return new PushOutcome(published, already);
        } finally {
            pending.forEach(future -> future.cancel(false));
        }
    }

    private static PushOutcome one(CompletableFuture<PushOutcome> future, long nanos, Duration timeout) {
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new PublishFailedException("the transaction did not commit within " + timeout, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PushQueueFullException full) {
                throw full;
            }
            throw new PublishFailedException(cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while waiting for the transaction", e);
        }
    }
}
