package io.oprelay.routing;

import io.oprelay.routing.spi.Deliveries;
import io.oprelay.routing.spi.Delivery;
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
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One polled batch, consume-transform-produce in ONE transaction: the actions' records, the dead letters and the
 * consumer offsets commit together. Kafka failures are handled here and counted in
 * {@code relay.routing.kafka.failures{kind}}: a batch whose commit failed is aborted and rewound; when the outcome is
 * unknown (the commit timed out, the abort failed, the producer was fenced) the worker must open its clients again.
 */
final class BatchTransaction {

    private static final Logger LOG = Logger.getLogger(BatchTransaction.class);

    /** How a batch ended. */
    enum Outcome {
        /** Committed: go on. */
        COMMITTED,
        /** Aborted and rewound to its first offsets: go on with the same clients after a pause. */
        ABORTED,
        /** Outcome unknown or clients unusable: close them and open new ones. */
        REOPEN
    }

    private final String worker;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RoutingEngine engine;
    private final Deliveries deliveries;
    private final RoutingMetrics metrics;
    private final long maxRecordBytes;

    BatchTransaction(String worker, KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer,
                     RoutingEngine engine, Deliveries deliveries, RoutingMetrics metrics, long maxRecordBytes) {
        this.worker = worker;
        this.producer = producer;
        this.consumer = consumer;
        this.engine = engine;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Routes {@code records} in one transaction. Webhooks run concurrently before the commit (at least once, the same
     * {@code Idempotency-Key} on replay); one that fails after its retries becomes a dead letter in the transaction.
     */
    Outcome route(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        RoutingMetrics.Batch batch = metrics.batch();
        try {
            producer.beginTransaction();
            WebhookWaits webhooks = new WebhookWaits(deliveries, engine.deadLetterTopic());
            for (ConsumerRecord<String, byte[]> record : records) {
                RoutingEngine.Routed routed = engine.route(record, maxRecordBytes, batch);
                routed.records().forEach(this::send);
                for (Delivery delivery : routed.deliveries()) {
                    webhooks.start(record, delivery);
                }
            }
            webhooks.awaitAll(batch, this::send);
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
            metrics.record(batch);
            return Outcome.COMMITTED;
        } catch (ExecutionException e) {
            throw new CompletionException("a webhook delivery failed unexpectedly", e.getCause());
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            failed("fenced", e, "its clients are opened again and the batch is replayed");
            return Outcome.REOPEN;
        } catch (InterruptException e) {
            throw e;
        } catch (TimeoutException e) {
            // The outcome of a timed-out commit is unknown, and Kafka allows no abort after it: the next producer
            // under the same id settles the transaction, and the consumer resumes from what committed.
            failed("timeout", e, "its clients are opened again and the batch is replayed if it did not commit");
            return Outcome.REOPEN;
        } catch (KafkaException | IllegalStateException e) {
            failed("commit", e, "the batch is aborted and replayed");
            return abort(records);
        }
    }

    /** Counts and logs a Kafka failure of worker {@code worker}, saying what happens next. */
    static void failed(RoutingMetrics metrics, String worker, String kind, Exception e, String next) {
        metrics.kafkaFailure(kind);
        LOG.warnf("Router %s: Kafka failure (%s: %s); %s", worker, kind, e.toString(), next);
    }

    private void failed(String kind, Exception e, String next) {
        failed(metrics, worker, kind, e, next);
    }

    private Outcome abort(ConsumerRecords<String, byte[]> records) {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException abortFailed) {
            failed("abort", abortFailed, "its clients are opened again");
            return Outcome.REOPEN;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition partition : records.partitions()) {
            if (assigned.contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
        return Outcome.ABORTED;
    }

    /**
     * Sends within the transaction. The engine keeps outputs within the size limit; only a dead letter (the original
     * event plus its headers) can still exceed it, and it then goes without its value rather than fail the batch.
     */
    private void send(ProducerRecord<String, byte[]> record) {
        producer.send(DeadLetters.fitting(record, maxRecordBytes));
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            var inPartition = records.records(partition);
            next.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return next;
    }
}
