package io.oprelay.poller;

import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.RawResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The bound of a feed's push queue, a caller taking its push back, and who is told which results were new. */
class PushQueueTest {

    private final AtomicInteger abandoned = new AtomicInteger();
    private final PushQueue queue = new PushQueue(abandoned::incrementAndGet);

    private static RawResult result(String id) {
        OperatorResult view = new OperatorResult(id, "AC1", null, "conv", null, "TEXT", Instant.EPOCH, List.of(),
                null, null);
        return new RawResult(view, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPushIntoAnEmptyQueueIsTakenWhateverItsSizeAndOneBeyondTheBoundIsRefused() {
        PushQueue.Offer first = queue.offer(List.of(result("a"), result("b"), result("c")),
                new CompletableFuture<>(), 2);
        assertThat(first).isEqualTo(new PushQueue.Offer(true, 0));

        PushQueue.Offer refused = queue.offer(List.of(result("d")), new CompletableFuture<>(), 2);
        assertThat(refused).isEqualTo(new PushQueue.Offer(false, 3));

        assertThat(queue.takeAll()).hasSize(1);
        assertThat(queue.offer(List.of(result("d")), new CompletableFuture<>(), 2).taken()).isTrue();
    }

    @Test
    void aCallerThatStopsWaitingTakesItsPushBackOutAndFreesItsRoom() {
        CompletableFuture<PushOutcome> gaveUp = new CompletableFuture<>();
        queue.offer(List.of(result("a"), result("b")), gaveUp, 2);
        gaveUp.cancel(false);

        assertThat(abandoned).hasValue(1);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.offer(List.of(result("c")), new CompletableFuture<>(), 1))
                .isEqualTo(new PushQueue.Offer(true, 0));
    }

    @Test
    void eachResultCountsAsPublishedForTheFirstPushThatCarriedIt() {
        CompletableFuture<PushOutcome> one = new CompletableFuture<>();
        CompletableFuture<PushOutcome> two = new CompletableFuture<>();
        queue.offer(List.of(result("a"), result("b")), one, 10);
        queue.offer(List.of(result("b"), result("c")), two, 10);

        PushQueue.settle(queue.takeAll(), Map.of("a", 1L, "b", 2L));

        assertThat(one.join()).isEqualTo(new PushOutcome(2, 0));
        assertThat(two.join()).isEqualTo(new PushOutcome(0, 2));
    }

    @Test
    void failingAllTellsEveryWaiterWhy() {
        CompletableFuture<PushOutcome> waiting = new CompletableFuture<>();
        queue.offer(List.of(result("a")), waiting, 10);
        IllegalStateException reason = new IllegalStateException("released");

        queue.failAll(reason);

        assertThat(waiting).isCompletedExceptionally();
        assertThat(queue.isEmpty()).isTrue();
    }
}
