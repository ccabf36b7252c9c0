package io.oprelay.routing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
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
import org.apache.kafka.common.errors.WakeupException;
import io.oprelay.tracing.Tracing;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One or more polled batches, consume-transform-produce in ONE transaction: the actions' records, the dead letters
 * and the consumer offsets commit together. Kafka failures are handled here and counted in
 * {@code relay.routing.kafka.failures{kind}}: a batch whose commit failed is aborted and rewound; when the outcome is
 * unknown (the commit timed out, the abort failed, the producer was fenced) the worker must open its clients again.
 *
 * <p>A transaction is a {@code process} span (a new trace: it holds many results) linked to the trace of each result
 * it routes, up to {@link #MAX_LINKS}; the actions of each result are in that result's own trace.
 */
final class BatchTransaction {

    private static final Logger LOG = Logger.getLogger(BatchTransaction.class);
    /** A transaction holds at most this many full poll batches. */
    static final int MAX_RECORDS_FACTOR = 10;
    /** A transaction takes no further batch once it has been open this long (Kafka Streams commits every 100 ms). */
    static final long MAX_OPEN_NANOS = 100_000_000L;
    /** Links of a batch span to the results it routes: the SDK's default limit, beyond which links are dropped. */
    static final int MAX_LINKS = 128;

    /** How a batch ended. */
    enum Outcome {
        /** Committed: go on. */
        COMMITTED,
        /** Aborted and rewound to its first offsets: go on with the same clients after a pause. */
        ABORTED,
        /** Outcome unknown or clients unusable: close them and open new ones. */
        REOPEN,
        /** Aborted and rewound because partitions were reassigned meanwhile: go on at once. */
        REASSIGNED
    }

    private final String worker;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RoutingEngine engine;
    private final Deliveries deliveries;
    private final RoutingMetrics metrics;
    private final long maxRecordBytes;
    private int count;
    private int links;

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

    /** Where a transaction finds further records: a poll of bounded wait, aborted by a rebalance. */
    interface MoreRecords {
        /**
         * Records fetched within {@code wait} (none when there are none by then).
         *
         * @throws Reassigned when partitions were revoked or lost during the poll: the open transaction must not
         *                    commit, as another router may now route the same records
         */
        ConsumerRecords<String, byte[]> poll(Duration wait);
    }

    /** Partitions were revoked or lost while a transaction was open; it is aborted and its records routed again. */
    static final class Reassigned extends RuntimeException {
        private final transient ConsumerRecords<String, byte[]> polled;

        Reassigned(ConsumerRecords<String, byte[]> polled) {
            super("partitions were reassigned while a transaction was open", null, false, false);
            this.polled = polled;
        }
    }

    /**
     * Routes {@code records} in one transaction. Webhooks run concurrently before the commit (at least once, the same
     * {@code Idempotency-Key} on replay); one that fails after its retries becomes a dead letter in the transaction.
     * While a backlog lasts (each poll returned a full batch of {@code fullBatch} records) the transaction goes on
     * with the next records {@code more} fetches, up to {@link #MAX_RECORDS_FACTOR} batches or
     * {@link #MAX_OPEN_NANOS} after it opened: a commit costs the same round trips whatever its size (the offsets'
     * and the commit's, during which the thread waits), so a backlog pays them once per several batches, while a
     * record that arrives alone (a batch that is not full) is committed at once. A rebalance during the transaction
     * aborts it and rewinds its partitions (another router may route them now).
     */
    Outcome route(ConsumerRecords<String, byte[]> records, int fullBatch, MoreRecords more)
            throws InterruptedException {
        Tracing tracing = engine.tracing();
        Span span = tracing.span("process", SpanKind.CONSUMER)
                .setAttribute(Tracing.MESSAGING_SYSTEM, Tracing.KAFKA)
                .setAttribute(Tracing.MESSAGING_OPERATION, "process")
                .setAttribute(Tracing.MESSAGING_GROUP, consumer.groupMetadata().groupId())
                .startSpan();
        links = 0;
        try (Scope ignored = tracing.activate(span)) {
            Outcome outcome = routeTraced(records, fullBatch, more, span);
            span.setAttribute(Tracing.MESSAGING_BATCH_COUNT, (long) count);
            span.setAttribute(Tracing.OUTCOME, outcome.name().toLowerCase(java.util.Locale.ROOT));
            if (outcome != Outcome.COMMITTED) {
                span.setStatus(StatusCode.ERROR);
            }
            return outcome;
        } catch (RuntimeException | InterruptedException e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private Outcome routeTraced(ConsumerRecords<String, byte[]> records, int fullBatch, MoreRecords more, Span span)
            throws InterruptedException {
        RoutingMetrics.Batch batch = metrics.batch();
        Map<TopicPartition, Long> first = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        long opened = System.nanoTime();
        try {
            producer.beginTransaction();
            WebhookWaits webhooks = new WebhookWaits(deliveries, engine.deadLetterTopic(), engine.tracing());
            ConsumerRecords<String, byte[]> polled = records;
            while (true) {
                remember(polled, first, next);
                for (ConsumerRecord<String, byte[]> record : polled) {
                    link(span, record);
                    RoutingEngine.Routed routed = engine.route(record, maxRecordBytes, batch);
                    for (ProducerRecord<String, byte[]> out : routed.records()) {
                        send(out);
                    }
                    for (int i = 0; i < routed.deliveries().size(); i++) {
                        webhooks.start(record, routed.deliveries().get(i), routed.deliveryTraces().get(i));
                    }
                }
                count += polled.count();
                if (polled.count() < fullBatch || count >= fullBatch * MAX_RECORDS_FACTOR
                        || System.nanoTime() - opened >= MAX_OPEN_NANOS) {
                    break;
                }
                try {
                    polled = more.poll(Duration.ofNanos(MAX_OPEN_NANOS - (System.nanoTime() - opened)));
                } catch (WakeupException e) {
                    break;                 // the worker is stopping: commit what is routed
                }
                if (polled.isEmpty()) {
                    break;
                }
            }
            webhooks.awaitAll(batch, this::send);
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            producer.commitTransaction();
            metrics.record(batch);
            return Outcome.COMMITTED;
        } catch (Reassigned e) {
            remember(e.polled, first, next);
            LOG.debugf("Router %s: %s; %d record(s) are routed again", worker, e.getMessage(), count);
            count = 0;
            Outcome aborted = abort(first);
            return aborted == Outcome.ABORTED ? Outcome.REASSIGNED : aborted;
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
            return abort(first);
        }
    }

    /** Links the batch's span to the trace of a result it routes, while under {@link #MAX_LINKS}. */
    private void link(Span span, ConsumerRecord<String, byte[]> record) {
        if (links >= MAX_LINKS || !span.isRecording()) {
            return;
        }
        SpanContext result = Span.fromContext(engine.tracing().extract(record.headers())).getSpanContext();
        if (result.isValid()) {
            span.addLink(result);
            links++;
        }
    }

    /** Records routed in the transaction (valid once {@link #route} returned {@link Outcome#COMMITTED}). */
    int count() {
        return count;
    }

    /** Counts and logs a Kafka failure of worker {@code worker}, saying what happens next. */
    static void failed(RoutingMetrics metrics, String worker, String kind, Exception e, String next) {
        metrics.kafkaFailure(kind);
        LOG.warnf("Router %s: Kafka failure (%s: %s); %s", worker, kind, e.toString(), next);
    }

    private void failed(String kind, Exception e, String next) {
        failed(metrics, worker, kind, e, next);
    }

    private Outcome abort(Map<TopicPartition, Long> first) {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException abortFailed) {
            failed("abort", abortFailed, "its clients are opened again");
            return Outcome.REOPEN;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        first.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
        return Outcome.ABORTED;
    }

    /**
     * Sends within the transaction. The engine keeps outputs within the size limit; only a dead letter (the original
     * event plus its headers) can still exceed it, and it then goes without its value rather than fail the batch.
     */
    private void send(ProducerRecord<String, byte[]> record) {
        producer.send(DeadLetters.fitting(record, maxRecordBytes));
    }

    /** Notes the first offset of each partition of {@code records} in the transaction and the offset after its last. */
    private static void remember(ConsumerRecords<String, byte[]> records, Map<TopicPartition, Long> first,
                                 Map<TopicPartition, OffsetAndMetadata> next) {
        if (records == null) {
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            var inPartition = records.records(partition);
            first.putIfAbsent(partition, inPartition.get(0).offset());
            next.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
    }
}
