package io.oprelay.routing;

import io.oprelay.routing.spi.Deliveries;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A router worker's clients under one claimed transactional id: a producer whose {@code initTransactions()} fenced
 * any earlier holder of the id, a consumer in the router group, and the poll loop routing each batch in one
 * {@link BatchTransaction}. Ends when the id is no longer held, the worker stops, or the clients must be opened
 * again; then it is closed, and the next session's {@code initTransactions()} settles whatever was left open.
 */
final class RouterSession {

    private static final Logger LOG = Logger.getLogger(RouterSession.class);

    /** What a session asks of its worker. */
    interface Worker {
        /** The worker's name (also the consumer's client id). */
        String name();

        /** Whether the worker still routes under {@code id}. */
        boolean keepsRouting(String id);

        /** Waits a little before trying Kafka again; returns early when the worker stops. */
        void pause() throws InterruptedException;

        /** Counts a committed batch. */
        void committed(int records);
    }

    private final Worker worker;
    private final String id;
    private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Partitions revoked or lost so far (the listener runs on the worker's thread, inside poll). */
    private int reassignments;
    /** Records of the assigned partitions not polled yet, as of the last poll (read_committed: up to the LSO). */
    private volatile long lag;

    RouterSession(Worker worker, String id) {
        this.worker = worker;
        this.id = id;
    }

    /** Routes until the id is no longer held, the worker stops, or the clients must be opened again. */
    void route(RouterClients clients, List<String> topics, Duration pollTimeout, RoutingEngine engine,
               Deliveries deliveries, RoutingMetrics metrics) throws InterruptedException {
        producer = openProducer(clients, metrics);
        if (producer == null) {
            return;
        }
        consumer = clients.consumer(worker.name());
        consumer.subscribe(topics, new Listener());
        long maxRecordBytes = clients.maxRecordBytes();
        while (worker.keepsRouting(id)) {
            ConsumerRecords<String, byte[]> records;
            try {
                records = consumer.poll(pollTimeout);
            } catch (WakeupException e) {
                continue;
            } catch (InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                BatchTransaction.failed(metrics, worker.name(), "poll", e, "its consumer is opened again");
                worker.pause();
                return;
            }
            measureLag();
            if (records.isEmpty()) {
                continue;
            }
            var transaction = new BatchTransaction(worker.name(), producer, consumer, engine, deliveries, metrics,
                    maxRecordBytes);
            var outcome = transaction.route(records, clients.maxPollRecords(), this::pollMore);
            if (outcome == BatchTransaction.Outcome.COMMITTED) {
                worker.committed(transaction.count());
            } else if (outcome != BatchTransaction.Outcome.REASSIGNED) {
                worker.pause();
                if (outcome == BatchTransaction.Outcome.REOPEN) {
                    return;
                }
            }
        }
    }

    /**
     * A producer under the id whose {@code initTransactions()} went through (fencing any earlier holder of the id and
     * completing or aborting its open transaction), or null when the worker stopped or lost the id meanwhile.
     */
    private KafkaProducer<String, byte[]> openProducer(RouterClients clients, RoutingMetrics metrics)
            throws InterruptedException {
        while (worker.keepsRouting(id)) {
            KafkaProducer<String, byte[]> opened = clients.producer(id);
            try {
                opened.initTransactions();
                return opened;
            } catch (InterruptException e) {
                closeQuietly(opened, Duration.ZERO);
                throw e;
            } catch (KafkaException e) {
                closeQuietly(opened, Duration.ZERO);
                BatchTransaction.failed(metrics, worker.name(), "init", e, "trying again");
                worker.pause();
            }
        }
        return null;
    }

    /**
     * The next records within {@code wait}, for a transaction that goes on; throws when partitions were revoked or
     * lost during this poll, since the open transaction then must not commit.
     */
    private ConsumerRecords<String, byte[]> pollMore(Duration wait) {
        int before = reassignments;
        ConsumerRecords<String, byte[]> polled = consumer.poll(wait);
        measureLag();
        if (reassignments != before) {
            throw new BatchTransaction.Reassigned(polled);
        }
        return polled;
    }

    /**
     * Sums the consumer's lag over the assigned partitions after a poll: the consumer knows each partition's last
     * stable offset from its fetches, without waiting on a request; a partition whose lag it does not know yet counts
     * as none (the consumer then asks for its end offset in the background).
     */
    private void measureLag() {
        long total = 0;
        for (TopicPartition partition : assignment) {
            try {
                OptionalLong partitionLag = consumer.currentLag(partition);
                total += partitionLag.orElse(0);
            } catch (IllegalStateException revoked) {
                // revoked since: no longer this session's lag
            }
        }
        lag = total;
    }

    /** Records of the assigned partitions not polled yet, as of the last poll. */
    long lag() {
        return lag;
    }

    /** Partitions assigned now. */
    Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    /** Wakes a consumer blocked in poll, so that the session sees the worker stop. */
    void wakeup() {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Closes both clients within {@code timeout} (zero when halting: nothing more is committed). */
    void close(Duration timeout) {
        closeQuietly(producer, timeout);
        producer = null;
        try {
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.close(CloseOptions.timeout(timeout));
            }
        } catch (RuntimeException e) {
            LOG.debugf("Router %s: consumer close: %s", worker.name(), e);
        }
        consumer = null;
        assignment.clear();
    }

    private void closeQuietly(KafkaProducer<String, byte[]> p, Duration timeout) {
        try {
            if (p != null) {
                p.close(timeout);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Router %s: producer close: %s", worker.name(), e);
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            reassigned(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignment.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            reassigned(partitions);
        }

        private void reassigned(Collection<TopicPartition> partitions) {
            assignment.removeAll(partitions);
            if (!partitions.isEmpty()) {
                reassignments++;
            }
        }
    }
}
