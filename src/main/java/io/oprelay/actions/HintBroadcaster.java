package io.oprelay.actions;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans hints out to SSE subscribers and keeps the last {@code relay.actions.agent-assist.buffer-size} of them for
 * {@code Last-Event-ID} resume. Event ids are {@code <partition>-<offset>} in the hints topic, so they mean the same
 * on every replica.
 */
@Singleton
public class HintBroadcaster {

    /** One hint as streamed: its event id, conversation and JSON text. */
    public record StreamedHint(String id, int partition, long offset, String conversationId, String json) {
    }

    /** A live subscription; {@link #cancel()} ends it. */
    public interface Subscription {
        void cancel();
    }

    private final int capacity;
    private final Deque<StreamedHint> buffer = new ArrayDeque<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    @Inject
    public HintBroadcaster(ActionsConfig config) {
        this(config.agentAssist().bufferSize());
    }

    HintBroadcaster(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Adds a hint to the buffer and hands it to every matching subscriber. */
    public void publish(StreamedHint hint) {
        synchronized (buffer) {
            buffer.addLast(hint);
            while (buffer.size() > capacity) {
                buffer.removeFirst();
            }
            for (Subscriber subscriber : subscribers) {
                subscriber.offer(hint);
            }
        }
    }

    /**
     * Subscribes to the hints of one conversation, or of all when {@code conversationId} is null. With a
     * {@code lastEventId} found in the buffer, the buffered hints after it are replayed first; with one no longer
     * buffered, every buffered hint of the same partition after that offset and every buffered hint of other
     * partitions (clients drop repeats by {@code resultId} and {@code rule}).
     */
    public Subscription subscribe(String conversationId, String lastEventId, Consumer<StreamedHint> listener) {
        Subscriber subscriber = new Subscriber(conversationId, listener);
        synchronized (buffer) {
            if (lastEventId != null && !lastEventId.isBlank()) {
                replay(lastEventId.trim(), subscriber);
            }
            subscribers.add(subscriber);
        }
        return () -> subscribers.remove(subscriber);
    }

    /** Hints in the buffer now. */
    public int buffered() {
        synchronized (buffer) {
            return buffer.size();
        }
    }

    /** Open subscriptions. */
    public int subscribers() {
        return subscribers.size();
    }

    private void replay(String lastEventId, Subscriber subscriber) {
        List<StreamedHint> after = new ArrayList<>();
        boolean found = false;
        for (StreamedHint hint : buffer) {
            if (found) {
                after.add(hint);
            } else if (hint.id().equals(lastEventId)) {
                found = true;
            }
        }
        if (!found) {
            int dash = lastEventId.indexOf('-');
            int partition;
            long offset;
            try {
                partition = Integer.parseInt(lastEventId.substring(0, Math.max(0, dash)));
                offset = Long.parseLong(lastEventId.substring(dash + 1));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                partition = -1;
                offset = -1;
            }
            for (StreamedHint hint : buffer) {
                if (hint.partition() != partition || hint.offset() > offset) {
                    after.add(hint);
                }
            }
        }
        after.forEach(subscriber::offer);
    }

    private record Subscriber(String conversationId, Consumer<StreamedHint> listener) {
        void offer(StreamedHint hint) {
            if (conversationId == null || Objects.equals(conversationId, hint.conversationId())) {
                listener.accept(hint);
            }
        }
    }
}
