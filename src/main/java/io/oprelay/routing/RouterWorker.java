package io.oprelay.routing;

import io.oprelay.routing.spi.Deliveries;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.DeliveryResult;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One router thread: a consumer in the router group ({@code read_committed}) and a transactional producer.
 * Each polled batch is consume-transform-produce in ONE transaction: the actions' records, the dead letters and the
 * consumer offsets commit together, so a read_committed reader sees every Kafka action exactly once whatever crashes.
 * Webhooks of the batch run concurrently before the commit (at least once, same {@code Idempotency-Key} on replay);
 * a delivery that fails after its retries becomes a dead letter in the same transaction and the batch moves on. The
 * wait for them is bounded by {@link Deliveries#longestDelivery()}, so no receiver can hold a partition.
 *
 * <p>The worker routes only while it holds a transactional id ({@link TransactionalIdClaim}). Kafka failures are
 * handled where they happen and counted in {@code relay.routing.kafka.failures{kind}}: a batch whose commit failed is
 * aborted and replayed; when the outcome is unknown (the commit timed out, the abort failed, the producer was fenced
 * or {@code initTransactions()} timed out) the producer and the consumer are closed and opened again, so the new
 * producer's {@code initTransactions()} completes or aborts what was open and the consumer resumes from the offsets
 * that committed. Anything else ends the run, and the {@link Supervisor} starts it again after a back-off.
 */
public final class RouterWorker {

    private static final Logger LOG = Logger.getLogger(RouterWorker.class);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(5);
    private static final Duration CLAIM_WAIT = Duration.ofMillis(500);

    private final String name;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final List<String> topics;
    private final RoutingEngine engine;
    private final Deliveries sender;
    private final RoutingMetrics metrics;
    private final Duration pollTimeout;
    private final long maxRecordBytes;
    private final TransactionalIdClaim ids;

    private final AtomicLong routed = new AtomicLong();
    private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile Supervised supervised;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile String transactionalId;
    private volatile Throwable failure;

    /**
     * A worker that always writes under the {@code transactional.id} of {@code producerConfig} (tests, benchmarks).
     *
     * @param consumerConfig base consumer settings (bootstrap, security); group and isolation are set here
     * @param producerConfig base producer settings; must hold the {@code transactional.id} of this worker
     */
    public RouterWorker(String name, Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
                        List<String> topics, RoutingEngine engine, Deliveries sender, RoutingMetrics metrics,
                        Duration pollTimeout) {
        this(name, consumerConfig, producerConfig, topics, engine, sender, metrics, pollTimeout,
                TransactionalIdClaim.fixed((String) producerConfig.get("transactional.id")));
    }

    /** A worker that writes under the transactional id it holds in {@code ids}. */
    RouterWorker(String name, Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
                 List<String> topics, RoutingEngine engine, Deliveries sender, RoutingMetrics metrics,
                 Duration pollTimeout, TransactionalIdClaim ids) {
        this.name = name;
        this.consumerConfig = consumerConfig;
        this.producerConfig = producerConfig;
        this.topics = List.copyOf(topics);
        this.engine = engine;
        this.sender = sender;
        this.metrics = metrics;
        this.pollTimeout = pollTimeout;
        this.maxRecordBytes = RecordSize.maxRecordBytes(producerConfig);
        this.ids = ids;
    }

    /** Consumer settings of a router: read_committed, manual offsets (they go into the transaction). */
    public static Map<String, Object> consumerConfig(Map<String, Object> base, String groupId, String clientId,
                                                     int maxPollRecords, Duration sessionTimeout) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("group.id", groupId);
        config.put("client.id", clientId);
        config.put("isolation.level", "read_committed");
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        config.put("max.poll.records", Integer.toString(maxPollRecords));
        config.put("session.timeout.ms", Long.toString(sessionTimeout.toMillis()));
        return config;
    }

    /** Producer settings of a router: idempotent, acks=all, transactional under the given id. */
    public static Map<String, Object> producerConfig(Map<String, Object> base, String transactionalId) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("client.id", transactionalId);
        config.put("transactional.id", transactionalId);
        config.put("enable.idempotence", "true");
        config.put("acks", "all");
        config.put("linger.ms", "1");
        return config;
    }

    /** Starts the worker on a thread of its own, restarted by a supervisor with the default rules if it dies. */
    public void start() {
        start(Supervisor.withDefaults());
    }

    /** Starts the worker under {@code supervisor}. */
    public void start(Supervisor supervisor) {
        supervised = supervisor.start("router", name, this::run);
    }

    /** Asks the worker to stop after the batch in hand (committed); returns at once. */
    public void stop() {
        running = false;
        stopSignal.countDown();
        Supervised s = supervised;
        if (s != null) {
            s.stop();
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /**
     * Stops at once, as a crash would: the open transaction is neither committed nor aborted (the next producer with
     * the same transactional id aborts it), nothing more is committed. Used when a stop outlasts its grace period.
     */
    public void halt() {
        halted = true;
        stop();
        Supervised s = supervised;
        if (s != null) {
            s.interrupt();
        }
    }

    /** Waits for the worker to end for good; then gives its transactional-id claim up. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        Supervised s = supervised;
        boolean stopped = s == null || s.join(timeout);
        if (stopped && !running) {
            ids.close();
        }
        return stopped;
    }

    /** Whether the worker is still supervised (running, or waiting to be restarted). */
    public boolean isRunning() {
        Supervised s = supervised;
        return s != null && s.alive();
    }

    /** Whether the worker died and waits for its restart. */
    public boolean restarting() {
        Supervised s = supervised;
        return s != null && s.state() == Supervised.State.RESTARTING;
    }

    /** The last unexpected failure that ended a run, if any. */
    public Throwable failure() {
        return failure;
    }

    /** Records routed and committed by this worker. */
    public long routed() {
        return routed.get();
    }

    /** Partitions assigned to this worker now. */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    /** The transactional id the worker writes under now, if it holds one. */
    public Optional<String> transactionalId() {
        return Optional.ofNullable(transactionalId);
    }

    /** The worker's name (also its thread name). */
    public String name() {
        return name;
    }

    /**
     * One run: waits for a transactional id, routes under it until the id is taken away or the worker stops, and
     * again. Returns when stopped; throws on what it does not expect (the supervisor restarts it).
     */
    private void run() throws InterruptedException {
        try {
            while (running) {
                Optional<String> id = ids.await(CLAIM_WAIT);
                if (id.isEmpty()) {
                    continue;
                }
                transactionalId = id.get();
                try {
                    routeUnder(id.get());
                } finally {
                    closeClients();
                    transactionalId = null;
                    ids.released(id.get());
                }
            }
        } catch (InterruptException | WakeupException | InterruptedException e) {
            if (running) {
                failure = e;
                throw e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            if (halted) {
                Thread.interrupted();
            }
            if (!running) {
                ids.close();
            }
        }
    }

    /** Routes under {@code id} until it is no longer held, the worker stops, or the clients must be opened again. */
    private void routeUnder(String id) throws InterruptedException {
        producer = openProducer(id);
        if (producer == null) {
            return;
        }
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics, new Listener());
        while (running && ids.holds(id)) {
            ConsumerRecords<String, byte[]> records;
            try {
                records = consumer.poll(pollTimeout);
            } catch (WakeupException e) {
                continue;
            } catch (InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                failed("poll", e, "its consumer is opened again");
                pause();
                return;
            }
            if (!records.isEmpty() && !processBatch(records)) {
                pause();
                return;
            }
        }
    }

    /**
     * A producer under {@code id} whose {@code initTransactions()} went through (fencing any earlier holder of the id
     * and completing or aborting its open transaction), or null when the worker stopped or lost the id meanwhile.
     */
    private KafkaProducer<String, byte[]> openProducer(String id) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put("transactional.id", id);
        config.put("client.id", id);
        while (running && ids.holds(id)) {
            KafkaProducer<String, byte[]> opened = new KafkaProducer<>(config, new StringSerializer(),
                    new ByteArraySerializer());
            try {
                opened.initTransactions();
                return opened;
            } catch (InterruptException e) {
                closeQuietly(opened, Duration.ZERO);
                throw e;
            } catch (KafkaException e) {
                closeQuietly(opened, Duration.ZERO);
                failed("init", e, "trying again");
                pause();
            }
        }
        return null;
    }

    /**
     * Routes one batch in one transaction. Returns true when the worker may go on with the same clients (committed,
     * or aborted and rewound), false when they must be closed and opened again.
     */
    private boolean processBatch(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            firstOffsets.putIfAbsent(partition, record.offset());
            nextOffsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
        RoutingMetrics.Batch batch = metrics.batch();
        try {
            producer.beginTransaction();
            List<Pending> deliveries = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                RoutingEngine.Routed routed = engine.route(record, maxRecordBytes, batch);
                for (ProducerRecord<String, byte[]> out : routed.records()) {
                    send(out);
                }
                for (Delivery delivery : routed.deliveries()) {
                    deliveries.add(new Pending(record, delivery, sender.deliver(delivery)));
                }
            }
            // The sender bounds every attempt; this bound only guards the batch should a delivery never complete.
            Duration longest = sender.longestDelivery().plus(DELIVERY_GRACE);
            long deadline = System.nanoTime() + longest.toNanos();
            for (Pending pending : deliveries) {
                DeliveryResult result = pending.await(deadline, longest);
                if (result.delivered()) {
                    batch.action(result.delivery().action(), RoutingMetrics.DELIVERED, result.took());
                } else {
                    LOG.warnf("Webhook of rule %s (%s) to %s failed: %s; event %s-%d@%d dead-lettered",
                            result.delivery().rule(), result.delivery().action(),
                            result.delivery().endpoint(), result.reason(),
                            pending.source().topic(), pending.source().partition(), pending.source().offset());
                    send(DeadLetters.of(engine.deadLetterTopic(), pending.source(), result.reason(),
                            result.delivery().rule(), result.delivery().action(), result.attempts()));
                    batch.action(result.delivery().action(), RoutingMetrics.DEAD_LETTERED, result.took());
                }
            }
            producer.sendOffsetsToTransaction(nextOffsets, consumer.groupMetadata());
            producer.commitTransaction();
            metrics.record(batch);
            routed.addAndGet(records.count());
            return true;
        } catch (ExecutionException e) {
            throw new CompletionException("a webhook delivery failed unexpectedly", e.getCause());
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            failed("fenced", e, "its clients are opened again and the batch is replayed");
            return false;
        } catch (InterruptException e) {
            throw e;
        } catch (TimeoutException e) {
            // The outcome of a timed-out commit is unknown, and Kafka allows no abort after it: the next producer
            // under the same id settles the transaction, and the consumer resumes from what committed.
            failed("timeout", e, "its clients are opened again and the batch is replayed if it did not commit");
            return false;
        } catch (KafkaException | IllegalStateException e) {
            failed("commit", e, "the batch is aborted and replayed");
            try {
                producer.abortTransaction();
            } catch (KafkaException | IllegalStateException abortFailed) {
                failed("abort", abortFailed, "its clients are opened again");
                return false;
            }
            rewind(firstOffsets);
            pause();
            return running;
        }
    }

    private void failed(String kind, Exception e, String next) {
        metrics.kafkaFailure(kind);
        LOG.warnf("Router %s: Kafka failure (%s: %s); %s", name, kind, e.toString(), next);
    }

    /** Waits a little before trying Kafka again; returns early when the worker stops. */
    private void pause() throws InterruptedException {
        stopSignal.await(ERROR_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends within the transaction. The engine keeps outputs within the size limit; only a dead letter (the original
     * event plus its headers) can still exceed it, and it then goes without its value rather than fail the batch.
     */
    private void send(ProducerRecord<String, byte[]> record) {
        producer.send(DeadLetters.fitting(record, maxRecordBytes));
    }

    private void rewind(Map<TopicPartition, Long> firstOffsets) {
        Set<TopicPartition> assigned = consumer.assignment();
        firstOffsets.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    private void closeClients() {
        Duration timeout = halted ? Duration.ZERO : Duration.ofSeconds(5);
        closeQuietly(producer, timeout);
        producer = null;
        try {
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.close(CloseOptions.timeout(timeout));
            }
        } catch (RuntimeException e) {
            LOG.debugf("Router %s: consumer close: %s", name, e);
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
            LOG.debugf("Router %s: producer close: %s", name, e);
        }
    }

    /** A webhook delivery of a consumed record, under way. */
    private record Pending(ConsumerRecord<String, byte[]> source, Delivery delivery,
                           CompletableFuture<DeliveryResult> result) {

        /** Its outcome, or a failure when it has none by {@code deadline} ({@link System#nanoTime()}). */
        DeliveryResult await(long deadline, Duration bound) throws InterruptedException, ExecutionException {
            try {
                return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                result.cancel(false);
                return new DeliveryResult(delivery, false, 0, "no outcome within " + bound.toMillis() + " ms",
                        bound);
            }
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assignment.removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignment.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            assignment.removeAll(partitions);
        }
    }
}
