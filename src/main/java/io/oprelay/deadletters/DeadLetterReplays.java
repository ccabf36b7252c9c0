package io.oprelay.deadletters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.RecordSize;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.routing.RoutingEngine;
import io.oprelay.routing.RuleBook;
import io.oprelay.routing.spi.Deliveries;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.DeliveryResult;
import io.oprelay.routing.spi.ErrorText;
import io.oprelay.tracing.TraceHeaders;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replays one dead letter through the rules in force: the action that failed, under its rule's current definition,
 * exactly once per request. Its webhook deliveries are made first (signed, retried, with the original
 * {@code Idempotency-Key}; made even while the endpoint is skipped after repeated failures, since a replay is the
 * operator's word that the receiver was fixed); then its Kafka records and a record of the replay in {@code relay.dead-letters.replay-topic}
 * commit in ONE transaction, under a transactional id of the letter's own ({@code <prefix>-<partition>-<offset>}).
 * Two replays of the same letter on this instance run one after the other; on two replicas, the later one's
 * {@code initTransactions()} fences the earlier, whose commit then fails and which answers {@code failed} having
 * committed nothing. A replay that fails again writes no new dead letter (no loop): its outcome and the replay
 * record say so, and the letter can be replayed again.
 *
 * <p>A letter whose webhook failed after retries ({@code attempts > 0}) had its action's Kafka records committed
 * with it the first time, so its replay repeats the deliveries only; a letter of an action that produced nothing
 * ({@code attempts == 0}: it failed, or its output was too large) replays the records and deliveries.
 */
@Singleton
public class DeadLetterReplays {

    /** Outcomes, as answered and as tagged on {@code relay.dead-letters.replays}. */
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    private static final Logger LOG = Logger.getLogger(DeadLetterReplays.class);
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(5);
    /** Replays of the same letter on this instance run one at a time (striped: the map of letters never grows). */
    private final Object[] locks = new Object[64];

    private final DeadLetterLookup lookup;
    private final RuleBook rules;
    private final Deliveries deliveries;
    private final KafkaClients clients;
    private final TopicProvisioner provisioner;
    private final DeadLettersConfig config;
    private final ObjectMapper mapper;
    private final Map<String, Counter> counters = new HashMap<>();
    private volatile boolean topicEnsured;

    public DeadLetterReplays(DeadLetterLookup lookup, RuleBook rules, Deliveries deliveries, KafkaClients clients,
                             TopicProvisioner provisioner, DeadLettersConfig config, ObjectMapper mapper,
                             MeterRegistry registry) {
        this.lookup = lookup;
        this.rules = rules;
        this.deliveries = deliveries;
        this.clients = clients;
        this.provisioner = provisioner;
        this.config = config;
        this.mapper = mapper;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        for (String outcome : List.of(DELIVERED, FAILED, SKIPPED)) {
            counters.put(outcome, Counter.builder("relay.dead-letters.replays").tag("outcome", outcome)
                    .description("Dead-letter replays requested through the API, by outcome").register(registry));
        }
    }

    /** How one replay ended: the answer of {@code POST /api/dead-letters/{id}/replay}. */
    public record Outcome(String id, String outcome, String detail, String rule, String action) {
    }

    /** What a replay committed to the replay topic (its value, keyed by the letter's id). */
    record ReplayRecord(String id, String outcome, String detail, String rule, String action, String resultId,
                        String time) {
    }

    /** Replays the letter at {@code partition}/{@code offset}; empty when there is no dead letter there. */
    public Optional<Outcome> replay(int partition, long offset) {
        String id = partition + "-" + offset;
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            return lookup.read(partition, offset).map(record -> replay(id, record));
        }
    }

    private Outcome replay(String id, ConsumerRecord<String, byte[]> record) {
        DeadLetter letter = DeadLetter.of(record);
        Map<String, Object> producerSettings = producerSettings();
        RoutingEngine.Replay plan = rules.engine().replay(record.value(), letter.rule(), letter.action(),
                RecordSize.maxRecordBytes(producerSettings));
        Outcome outcome;
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        if (plan.skipped() != null) {
            outcome = new Outcome(id, SKIPPED, plan.skipped(), letter.rule(), letter.action());
        } else {
            outcome = carryOut(id, letter, plan, outputs);
        }
        outcome = commit(id, letter, outcome, outputs, producerSettings);
        counters.get(outcome.outcome()).increment();
        LOG.infof("Dead letter %s (rule %s, action %s) replayed: %s, %s", id, letter.rule(), letter.action(),
                outcome.outcome(), outcome.detail());
        return outcome;
    }

    /** Makes the deliveries of the planned actions; collects their records to commit when every delivery worked. */
    private Outcome carryOut(String id, DeadLetter letter, RoutingEngine.Replay plan,
                             List<ProducerRecord<String, byte[]>> outputs) {
        boolean deliveriesOnly = letter.attempts() > 0;
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<Delivery> calls = new ArrayList<>();
        for (RoutingEngine.ActionOutput output : plan.actions()) {
            if (output.error() != null) {
                return new Outcome(id, FAILED, output.error(), letter.rule(), output.action().type());
            }
            if (!deliveriesOnly) {
                records.addAll(output.effects().records());
            }
            calls.addAll(output.effects().deliveries());
        }
        List<String> done = new ArrayList<>();
        for (Delivery call : calls) {
            DeliveryResult result = deliver(call);
            if (!result.delivered()) {
                return new Outcome(id, FAILED, "webhook to " + call.endpoint() + " failed: " + result.reason(),
                        letter.rule(), letter.action());
            }
            done.add("webhook to " + call.endpoint() + " delivered after " + result.attempts() + " attempt(s)");
        }
        outputs.addAll(records);
        if (!records.isEmpty()) {
            done.add(records.size() + " record(s) published");
        }
        if (done.isEmpty()) {
            done.add("the action produced nothing to deliver");
        }
        return new Outcome(id, DELIVERED, String.join("; ", done), letter.rule(), letter.action());
    }

    private DeliveryResult deliver(Delivery call) {
        Duration bound = deliveries.longestDelivery().plus(DELIVERY_GRACE);
        try {
            return deliveries.deliverRequested(call).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new DeliveryResult(call, false, 0, "no outcome within " + bound.toMillis() + " ms", bound);
        } catch (ExecutionException e) {
            return new DeliveryResult(call, false, 0, ErrorText.describe(e.getCause()), Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult(call, false, 0, "interrupted", Duration.ZERO);
        }
    }

    /**
     * Commits the replay's records and its replay record in one transaction under the letter's own transactional id;
     * when that fails nothing of the replay is committed and the outcome is {@code failed}.
     */
    private Outcome commit(String id, DeadLetter letter, Outcome outcome, List<ProducerRecord<String, byte[]>> outputs,
                           Map<String, Object> settings) {
        String transactionalId = config.replayTransactionalIdPrefix() + "-" + id;
        try (KafkaProducer<String, byte[]> producer = clients.transactionalProducer(transactionalId, settings)) {
            ensureTopic();
            producer.initTransactions();
            producer.beginTransaction();
            // The replay request's trace (its server span) goes on every record it writes, as on its webhook calls.
            TraceHeaders trace = rules.engine().tracing().headersOf(Context.current());
            try {
                for (ProducerRecord<String, byte[]> output : outputs) {
                    trace.writeTo(output.headers());
                    producer.send(output);
                }
                ProducerRecord<String, byte[]> replay = new ProducerRecord<>(config.replayTopic(), id,
                        value(new ReplayRecord(id, outcome.outcome(), outcome.detail(), outcome.rule(),
                                outcome.action(), letter.resultId(), Instant.now().toString())));
                trace.addTo(replay.headers());
                producer.send(replay);
                producer.commitTransaction();
                return outcome;
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                return new Outcome(id, FAILED, "a concurrent replay of the same dead letter took over; this one"
                        + " committed nothing" + (outputs.isEmpty() ? "" : " (its webhooks may have been called)"),
                        outcome.rule(), outcome.action());
            } catch (KafkaException e) {
                abortQuietly(producer);
                throw e;
            }
        } catch (KafkaException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(id, FAILED, "the replay's transaction did not commit (" + ErrorText.describe(e)
                    + "); " + (DELIVERED.equals(outcome.outcome()) ? "its webhooks were called: " + outcome.detail()
                    : outcome.detail()), outcome.rule(), outcome.action());
        }
    }

    private static void abortQuietly(KafkaProducer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException ignored) {
            // closing the producer drops the transaction; the next replay of the letter aborts it at once
        }
    }

    private void ensureTopic() throws InterruptedException {
        if (topicEnsured) {
            return;
        }
        try {
            provisioner.ensure(List.of(provisioner.newTopic(config.replayTopic(), 1)));
            topicEnsured = true;
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot create " + config.replayTopic() + ": " + ErrorText.describe(e));
        }
    }

    private byte[] value(ReplayRecord record) {
        try {
            return mapper.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            return record.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The replay producer's settings: the router's limits (record size, linger), a short transaction timeout. */
    private static Map<String, Object> producerSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000L);
        return settings;
    }
}
