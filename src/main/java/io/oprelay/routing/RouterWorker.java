package io.oprelay.routing;

import io.oprelay.actions.Delivery;
import io.oprelay.actions.DeliveryResult;
import io.oprelay.actions.EndpointHealth;
import io.oprelay.actions.WebhookSender;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One router thread: a consumer in the router group ({@code read_committed}) and a transactional producer.
 * Each polled batch is consume-transform-produce in ONE transaction: the actions' records, the dead letters and the
 * consumer offsets commit together, so a read_committed reader sees every Kafka action exactly once whatever crashes.
 * Webhooks of the batch run concurrently before the commit (at least once, same {@code Idempotency-Key} on replay);
 * a delivery that fails after its retries becomes a dead letter in the same transaction and the batch moves on. The
 * wait for them is bounded by {@link WebhookSender#longestDelivery()}, so no receiver can hold a partition.
 */
public final class RouterWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(RouterWorker.class);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final List<String> topics;
    private final RoutingEngine engine;
    private final WebhookSender sender;
    private final RoutingMetrics metrics;
    private final Duration pollTimeout;
    private final long maxRecordBytes;

    private final AtomicLong routed = new AtomicLong();
    private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Throwable failure;

    /**
     * @param consumerConfig base consumer settings (bootstrap, security); group and isolation are set here
     * @param producerConfig base producer settings; must hold the {@code transactional.id} of this worker
     */
    public RouterWorker(String name, Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
                        List<String> topics, RoutingEngine engine, WebhookSender sender, RoutingMetrics metrics,
                        Duration pollTimeout) {
        this.name = name;
        this.consumerConfig = consumerConfig;
        this.producerConfig = producerConfig;
        this.topics = List.copyOf(topics);
        this.engine = engine;
        this.sender = sender;
        this.metrics = metrics;
        this.pollTimeout = pollTimeout;
        this.maxRecordBytes = RecordSize.maxRecordBytes(producerConfig);
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

    /** Starts the worker on its own thread. */
    public void start() {
        Thread t = new Thread(this, name);
        thread = t;
        t.start();
    }

    /** Asks the worker to stop after the batch in hand (committed); returns at once. */
    public void stop() {
        running = false;
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
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits for the worker thread to end. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the thread still runs. */
    public boolean isRunning() {
        return finished.getCount() > 0;
    }

    /** Why the worker ended on its own, if it did. */
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

    /** The worker's name (also its thread name). */
    public String name() {
        return name;
    }

    @Override
    public void run() {
        KafkaProducer<String, byte[]> producer = null;
        try {
            consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
            producer = newProducer();
            consumer.subscribe(topics, new Listener());
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(pollTimeout);
                } catch (WakeupException e) {
                    continue;
                }
                if (!records.isEmpty()) {
                    producer = processBatch(producer, records);
                }
            }
        } catch (InterruptException | WakeupException e) {
            if (!halted) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.errorf(e, "Router %s stopped on an unexpected error", name);
        } finally {
            if (halted) {
                Thread.interrupted();
            }
            close(producer);
            finished.countDown();
        }
    }

    private KafkaProducer<String, byte[]> processBatch(KafkaProducer<String, byte[]> producer,
                                                       ConsumerRecords<String, byte[]> records)
            throws InterruptedException {
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
                    send(producer, out);
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
                            EndpointHealth.endpointOf(result.delivery().url()), result.reason(),
                            pending.source().topic(), pending.source().partition(), pending.source().offset());
                    send(producer, DeadLetters.of(engine.deadLetterTopic(), pending.source(), result.reason(),
                            result.delivery().rule(), result.delivery().action(), result.attempts()));
                    batch.action(result.delivery().action(), RoutingMetrics.DEAD_LETTERED, result.took());
                }
            }
            producer.sendOffsetsToTransaction(nextOffsets, consumer.groupMetadata());
            producer.commitTransaction();
            metrics.record(batch);
            routed.addAndGet(records.count());
            return producer;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a webhook delivery failed unexpectedly", e.getCause());
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            LOG.warnf("Router %s was fenced (%s); a new producer takes over and the batch is replayed", name,
                    e.getClass().getSimpleName());
            close(producer);
            rewind(firstOffsets);
            return newProducer();
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warnf("Router %s could not commit a batch (%s); it is aborted and replayed", name, e.toString());
            KafkaProducer<String, byte[]> usable = producer;
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                close(producer);
                usable = newProducer();
            }
            rewind(firstOffsets);
            Thread.sleep(ERROR_BACKOFF.toMillis());
            return usable;
        }
    }

    /**
     * Sends within the transaction. The engine keeps outputs within the size limit; only a dead letter (the original
     * event plus its headers) can still exceed it, and it then goes without its value rather than fail the batch.
     */
    private void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
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

    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private void close(KafkaProducer<String, byte[]> producer) {
        Duration timeout = halted ? Duration.ZERO : Duration.ofSeconds(5);
        try {
            if (producer != null) {
                producer.close(timeout);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Router %s: producer close: %s", name, e);
        }
        try {
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.close(CloseOptions.timeout(timeout));
            }
        } catch (RuntimeException e) {
            LOG.debugf("Router %s: consumer close: %s", name, e);
        }
        assignment.clear();
    }

    /** A webhook delivery of a consumed record, under way. */
    private record Pending(ConsumerRecord<String, byte[]> source, Delivery delivery,
                           CompletableFuture<DeliveryResult> result) {

        /** Its outcome, or a failure when it has none by {@code deadline} ({@link System#nanoTime()}). */
        DeliveryResult await(long deadline, Duration bound) throws InterruptedException, ExecutionException {
            try {
                return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
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
