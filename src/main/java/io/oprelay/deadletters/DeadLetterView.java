package io.oprelay.deadletters;

import io.oprelay.kafka.TailRewind;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The latest {@code relay.dead-letters.view-size} dead letters, read from the dead-letter topic by the reactive
 * messaging channel {@code dead-letters} ({@code read_committed}, a group of its own per instance so every replica
 * lists every letter, no offsets committed). On first assignment the channel's rebalance listener (this bean,
 * {@value #LISTENER}) seeks each partition back by the view size, so the view is full again after a restart.
 */
@ApplicationScoped
@Default
@Identifier(DeadLetterView.LISTENER)
public class DeadLetterView implements KafkaConsumerRebalanceListener {

    /** Name of the rebalance listener in {@code mp.messaging.incoming.dead-letters.consumer-rebalance-listener.name}. */
    public static final String LISTENER = "dead-letter-view";
    private static final Logger LOG = Logger.getLogger(DeadLetterView.class);
    /** Newest last: record time, then partition and offset. */
    private static final Comparator<Position> ORDER = Comparator.comparingLong(Position::timestamp)
            .thenComparingInt(Position::partition).thenComparingLong(Position::offset);

    private final int capacity;
    private final TailRewind rewind;
    private final TreeMap<Position, DeadLetter> letters = new TreeMap<>(ORDER);

    public DeadLetterView(DeadLettersConfig config) {
        this.capacity = Math.max(1, config.viewSize());
        this.rewind = TailRewind.perPartition(capacity);
    }

    /** Takes one record of the dead-letter topic into the view (records that are no dead letter are left out). */
    @Incoming("dead-letters")
    public void receive(ConsumerRecord<String, byte[]> record) {
        rewind.read(record.topic(), record.partition(), record.offset());
        if (!DeadLetter.isDeadLetter(record)) {
            return;
        }
        try {
            add(record.timestamp(), DeadLetter.of(record));
        } catch (RuntimeException e) {
            // One odd record must not stop the channel: the letter can still be replayed by its position.
            LOG.warnf("Dead letter %d-%d left out of the view: %s", record.partition(), record.offset(), e);
        }
    }

    void add(long timestamp, DeadLetter letter) {
        synchronized (letters) {
            letters.put(new Position(timestamp, letter.partition(), letter.offset()), letter);
            while (letters.size() > capacity) {
                letters.pollFirstEntry();
            }
        }
    }

    /**
     * Up to {@code limit} letters, newest first, of rule {@code rule} (exact name) whose reason contains
     * {@code reason} (ignoring case); a null filter matches every letter.
     */
    public List<DeadLetter> latest(int limit, String rule, String reason) {
        String needle = reason == null ? null : reason.toLowerCase(Locale.ROOT);
        List<DeadLetter> found = new ArrayList<>();
        synchronized (letters) {
            for (DeadLetter letter : letters.descendingMap().values()) {
                if (found.size() >= limit) {
                    break;
                }
                if (rule != null && !rule.equals(letter.rule())) {
                    continue;
                }
                if (needle != null && (letter.reason() == null
                        || !letter.reason().toLowerCase(Locale.ROOT).contains(needle))) {
                    continue;
                }
                found.add(letter);
            }
        }
        return found;
    }

    /** Letters in the view now. */
    public int size() {
        synchronized (letters) {
            return letters.size();
        }
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        rewind.assigned(consumer, partitions);
    }

    private record Position(long timestamp, int partition, long offset) {
    }
}
