package io.oprelay.actions;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.oprelay.tracing.Tracing;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fans hints out to SSE subscribers and keeps the last {@code relay.actions.agent-assist.buffer-size} of them for
 * {@code Last-Event-ID} resume. Event ids are {@code <partition>-<offset>} in the hints topic, so they mean the same
 * on every replica; the order in which partitions interleave does not, so resume never relies on it.
 */
@Singleton
public class HintBroadcaster {

    /**
     * How far apart in record time hints of different partitions may reach two replicas in another order. A resumed
     * stream replays hints of other partitions from this long before the last one it had, so a client that moves to
     * another replica misses none (and drops the few repeats by event id).
     */
    static final long RESUME_SKEW_MILLIS = 5_000;

    /** An event id as the stream writes it: {@code <partition>-<offset>}, both decimal. */
    private static final Pattern EVENT_ID = Pattern.compile("(\\d{1,10})-(\\d{1,19})");

    /**
     * One hint as streamed: its event id, position and record time in the hints topic, conversation and JSON, and the
     * value of the record's {@code traceparent} header (null when it has none).
     */
    public record StreamedHint(String id, int partition, long offset, long timestamp, String conversationId,
                               String json, String traceparent) {
    }

    /** A live subscription; {@link #cancel()} ends it. */
    public interface Subscription {
        void cancel();
    }

    private final int capacity;
    private final Deque<StreamedHint> buffer = new ArrayDeque<>();
    /** The offset of the last hint published per partition of the hints topic. */
    private final Map<Integer, Long> newest = new HashMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Tracing tracing;

    @Inject
    public HintBroadcaster(ActionsConfig config, Tracing tracing) {
        this(config.agentAssist().bufferSize(), tracing);
    }

    HintBroadcaster(int capacity) {
        this(capacity, Tracing.off());
    }

    HintBroadcaster(int capacity, Tracing tracing) {
        this.capacity = Math.max(1, capacity);
        this.tracing = tracing;
    }

    /**
     * Adds a hint to the buffer and hands it to every matching subscriber, unless a hint at or after its offset in
     * its partition was published already: a hint reader that restarts reads the tail of the topic again, and
     * subscribers must not get those hints twice.
     *
     * <p>A hint that carries a {@code traceparent} is handed out in an {@code sse} span, child of the action that
     * produced it, with the number of subscribers it went to.
     */
    public void publish(StreamedHint hint) {
        synchronized (buffer) {
            Long last = newest.get(hint.partition());
            if (last != null && hint.offset() <= last) {
                return;
            }
            newest.put(hint.partition(), hint.offset());
            buffer.addLast(hint);
            while (buffer.size() > capacity) {
                buffer.removeFirst();
            }
            if (hint.traceparent() == null) {
                offerAll(hint);
                return;
            }
            Span span = tracing.span("sse", SpanKind.CONSUMER)
                    .setParent(tracing.fromTraceparent(hint.traceparent())).startSpan();
            try {
                span.setAttribute(Tracing.SUBSCRIBERS, (long) offerAll(hint));
            } finally {
                span.end();
            }
        }
    }

    /** Offers a hint to every subscriber; returns how many took it. */
    private int offerAll(StreamedHint hint) {
        int took = 0;
        for (Subscriber subscriber : subscribers) {
            if (subscriber.offer(hint)) {
                took++;
            }
        }
        return took;
    }

    /**
     * Subscribes to the hints of one conversation, or of all when {@code conversationId} is null. With a
     * {@code lastEventId}, the buffered hints it may not have had are replayed first: those of its partition after its
     * offset, and those of other partitions from {@link #RESUME_SKEW_MILLIS} before its record time (all of them when
     * that hint is no longer buffered). An id that does not parse replays nothing. A conversation lives on one partition, so its stream resumes exactly; the
     * stream of all hints may repeat a few, which clients drop by event id.
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

    /**
     * Replays what a client that had {@code lastEventId} may have missed. An id that is not {@code <partition>-<offset>}
     * as this stream writes them was never sent by it: the client starts live, without replay, rather than receiving
     * the whole buffer for a made-up id.
     */
    private void replay(String lastEventId, Subscriber subscriber) {
        Matcher id = EVENT_ID.matcher(lastEventId);
        if (!id.matches()) {
            return;
        }
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(id.group(1));
            offset = Long.parseLong(id.group(2));
        } catch (NumberFormatException outOfRange) {
            return;
        }
        long since = Long.MIN_VALUE;
        for (StreamedHint hint : buffer) {
            if (hint.id().equals(lastEventId)) {
                since = hint.timestamp() - RESUME_SKEW_MILLIS;
                break;
            }
        }
        for (StreamedHint hint : buffer) {
            boolean samePartition = hint.partition() == partition;
            if (samePartition ? hint.offset() > offset : hint.timestamp() >= since) {
                subscriber.offer(hint);
            }
        }
    }

    private record Subscriber(String conversationId, Consumer<StreamedHint> listener) {
        boolean offer(StreamedHint hint) {
            if (conversationId == null || Objects.equals(conversationId, hint.conversationId())) {
                listener.accept(hint);
                return true;
            }
            return false;
        }
    }
}
