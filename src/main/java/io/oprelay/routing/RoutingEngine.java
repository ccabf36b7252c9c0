package io.oprelay.routing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.oprelay.kafka.RecordSize;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.Effects;
import io.oprelay.routing.spi.ErrorText;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.tracing.TraceHeaders;
import io.oprelay.tracing.Tracing;
import io.oprelay.twilio.OperatorResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The transform step of the router, free of I/O: reads one result event, finds the rules it fires (in file order;
 * several may fire) and renders their actions into records to publish and webhooks to call.
 *
 * <p>Each action of a fired rule is an {@code action} span, child of the trace context the result event carries:
 * that is what connects a result's trace to its hint, command or dead letter, whose records carry the action's
 * {@code traceparent}; its webhook deliveries continue the same context.
 */
public final class RoutingEngine {

    private final List<Rule> rules;
    private final Rule[] ordered;
    private final ObjectReader results;
    private final String deadLetterTopic;
    private final Tracing tracing;

    /** An engine that traces nothing (tests, the dry run's callers that have no tracer). */
    public RoutingEngine(List<Rule> rules, ObjectMapper mapper, String deadLetterTopic) {
        this(rules, mapper, deadLetterTopic, Tracing.off());
    }

    public RoutingEngine(List<Rule> rules, ObjectMapper mapper, String deadLetterTopic, Tracing tracing) {
        this.tracing = tracing;
        this.rules = List.copyOf(rules);
        this.ordered = this.rules.toArray(Rule[]::new);
        this.results = resultReader(mapper);
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * The reader of result events: the application's mapper, with Twilio's UTC timestamps read without a
     * {@code DateTimeFormatter} ({@link UtcInstants}), bound to {@link OperatorResult} once.
     */
    private static ObjectReader resultReader(ObjectMapper mapper) {
        ObjectMapper copy = mapper.copy();
        copy.registerModule(new SimpleModule("routing-utc-instants").addDeserializer(Instant.class, new UtcInstants()));
        return copy.readerFor(OperatorResult.class);
    }

    /** The rules in force, in order. */
    public List<Rule> rules() {
        return rules;
    }

    /** Topic of dead letters. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** How the router traces (the engine's action spans, the batch and delivery spans of its caller). */
    public Tracing tracing() {
        return tracing;
    }

    /** A rule that fired and what each of its actions produced. */
    public record Match(Rule rule, List<ActionOutput> actions) {
    }

    /** What one action of a fired rule produced, or why it could not. */
    public record ActionOutput(BoundAction action, Effects effects, String error) {
    }

    /** Every rule the result fires, with its actions' outputs (the dry run and the router share this). */
    public List<Match> evaluate(ResultFacts result) {
        List<Match> matches = new ArrayList<>();
        for (Rule rule : ordered) {
            boolean fires;
            try {
                fires = rule.matches(result);
            } catch (RuntimeException e) {
                throw new RuleFailure(rule.name(), e);
            }
            if (!fires) {
                continue;
            }
            List<ActionOutput> outputs = new ArrayList<>();
            for (BoundAction action : rule.actions()) {
                try {
                    outputs.add(new ActionOutput(action, action.apply(result), null));
                } catch (RuntimeException e) {
                    outputs.add(new ActionOutput(action, null, "action failed: " + ErrorText.describe(e)));
                }
            }
            matches.add(new Match(rule, List.copyOf(outputs)));
        }
        return matches;
    }

    /**
     * What replaying one dead-lettered action does under the rules in force: the outputs of the named rule's actions of
     * {@code actionType} (every action of the rule when null) for the event, or why there is nothing to replay.
     *
     * @param actions the outputs to carry out again (an output with an error cannot be)
     * @param skipped why nothing is replayed, or null
     */
    public record Replay(List<ActionOutput> actions, String skipped) {

        static Replay skipped(String why) {
            return new Replay(List.of(), why);
        }
    }

    /**
     * Routes a dead letter's event again through the CURRENT definition of the rule the letter names, for the action
     * type that failed only (the rule's other actions succeeded the first time). Skipped, with the reason, when the
     * letter names no rule, holds no event, the rule is gone, no longer fires, or has no such action any more.
     */
    public Replay replay(byte[] value, String ruleName, String actionType, long maxRecordBytes) {
        if (ruleName == null) {
            return Replay.skipped("the dead letter names no rule (the event was unreadable or no rule could judge it)");
        }
        if (value == null) {
            return Replay.skipped("the dead letter holds no event (its value was left out as too large); replay it"
                    + " from its source topic");
        }
        OperatorResult view;
        try {
            view = results.readValue(value);
        } catch (IOException | RuntimeException e) {
            view = null;
        }
        if (view == null) {
            return Replay.skipped("the event is not an OperatorResult JSON object");
        }
        Rule rule = rules.stream().filter(r -> r.name().equals(ruleName)).findFirst().orElse(null);
        if (rule == null) {
            return Replay.skipped("rule '" + ruleName + "' is no longer in the rules");
        }
        ResultFacts facts = new ResultFacts(view);
        try {
            if (!rule.matches(facts)) {
                return Replay.skipped("rule '" + ruleName + "' no longer fires for this result");
            }
        } catch (RuntimeException e) {
            return Replay.skipped("rule '" + ruleName + "': condition failed: " + ErrorText.describe(e));
        }
        List<ActionOutput> outputs = new ArrayList<>();
        for (BoundAction action : rule.actions()) {
            if (actionType != null && !actionType.equals(action.type())) {
                continue;
            }
            Effects effects;
            try {
                effects = action.apply(facts);
            } catch (RuntimeException e) {
                outputs.add(new ActionOutput(action, null, "action failed: " + ErrorText.describe(e)));
                continue;
            }
            String tooLarge = tooLarge(effects.records(), maxRecordBytes);
            outputs.add(new ActionOutput(action, tooLarge == null ? effects : null, tooLarge));
        }
        if (outputs.isEmpty()) {
            return Replay.skipped("rule '" + ruleName + "' has no " + actionType + " action any more");
        }
        return new Replay(List.copyOf(outputs), null);
    }

    /**
     * What the router does for one consumed record.
     *
     * @param deliveryTraces the trace context of each delivery (its action's span), in the order of {@code deliveries}
     */
    public record Routed(ConsumerRecord<String, byte[]> source, List<ProducerRecord<String, byte[]>> records,
                         List<Delivery> deliveries, List<Context> deliveryTraces) {

        /** Deliveries without trace context. */
        public Routed(ConsumerRecord<String, byte[]> source, List<ProducerRecord<String, byte[]>> records,
                      List<Delivery> deliveries) {
            this(source, records, deliveries, deliveries.stream().map(delivery -> Context.root()).toList());
        }
    }

    /**
     * Routes one result event, counting into {@code batch}; an unreadable event becomes a dead letter. A deletion
     * event (same topic, key and value as the result it deletes) fires nothing: its result was routed when created.
     * Neither does a claim-check event (a result too large for its topic): its value is {@code {id, outputFormat,
     * size}}, not the result, so rules would judge the wrong thing; it is counted as skipped.
     * Never throws for a record: whatever fails while evaluating or rendering it makes it a dead letter with the
     * reason, so the records after it are routed. An action whose output record would be larger than
     * {@code maxRecordBytes} (the producer's {@code max.request.size}) publishes and calls nothing; the event is
     * dead-lettered for it instead, since that record would fail the batch's transaction on every replay.
     */
    public Routed route(ConsumerRecord<String, byte[]> record, long maxRecordBytes, RoutingMetrics.Batch batch) {
        String type = typeOf(record);
        if (CloudEventHeaders.isDeletion(type)) {
            batch.skipped(RoutingMetrics.DELETION);
            return new Routed(record, List.of(), List.of());
        }
        if (CloudEventHeaders.isOversize(type)) {
            batch.skipped(RoutingMetrics.OVERSIZE);
            return new Routed(record, List.of(), List.of());
        }
        OperatorResult view;
        try {
            view = record.value() == null ? null : results.readValue(record.value());
        } catch (IOException | RuntimeException e) {
            view = null;
        }
        if (view == null) {
            batch.unreadable();
            return new Routed(record, List.of(DeadLetters.of(deadLetterTopic, record,
                    "unreadable: the value is not an OperatorResult JSON object", null, null, 0)), List.of());
        }
        RoutingMetrics.Batch counts = new RoutingMetrics.Batch();
        try {
            Routed routed = routeResult(record, view, maxRecordBytes, counts);
            batch.add(counts);
            return routed;
        } catch (RuntimeException e) {
            String rule = e instanceof RuleFailure failure ? failure.rule : null;
            Throwable cause = e instanceof RuleFailure ? e.getCause() : e;
            batch.failed();
            return new Routed(record, List.of(DeadLetters.of(deadLetterTopic, record,
                    "routing failed: " + ErrorText.describe(cause), rule, null, 0)), List.of());
        }
    }

    private Routed routeResult(ConsumerRecord<String, byte[]> record, OperatorResult view, long maxRecordBytes,
                               RoutingMetrics.Batch batch) {
        long started = System.nanoTime();
        List<Match> matches = evaluate(new ResultFacts(view));
        batch.evaluated(!matches.isEmpty());
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        List<Context> traces = new ArrayList<>();
        Context result = matches.isEmpty() ? Context.root() : tracing.extract(record.headers());
        for (Match match : matches) {
            batch.fired(match.rule().name());
            for (ActionOutput output : match.actions()) {
                Span span = actionSpan(result, match.rule().name(), output.action().type());
                TraceHeaders trace = tracing.headersOf(result.with(span));
                if (output.error() == null) {
                    // Before the size check: the header counts towards the record's size.
                    output.effects().records().forEach(out -> trace.writeTo(out.headers()));
                }
                String failure = output.error() != null ? output.error()
                        : tooLarge(output.effects().records(), maxRecordBytes);
                if (failure != null) {
                    ProducerRecord<String, byte[]> deadLetter = DeadLetters.of(deadLetterTopic, record, failure,
                            match.rule().name(), output.action().type(), 0);
                    trace.writeTo(deadLetter.headers());
                    records.add(deadLetter);
                    batch.action(output.action().type(), RoutingMetrics.DEAD_LETTERED,
                            Duration.ofNanos(System.nanoTime() - started));
                    span.setAttribute(Tracing.OUTCOME, RoutingMetrics.DEAD_LETTERED);
                    span.setStatus(StatusCode.ERROR, failure);
                    span.end();
                    continue;
                }
                records.addAll(output.effects().records());
                for (Delivery delivery : output.effects().deliveries()) {
                    deliveries.add(delivery);
                    traces.add(result.with(span));
                }
                if (!output.effects().records().isEmpty()) {
                    batch.action(output.action().type(), RoutingMetrics.PUBLISHED,
                            Duration.ofNanos(System.nanoTime() - started));
                    span.setAttribute(Tracing.ATTEMPTS, 1L);
                }
                span.setAttribute(Tracing.OUTCOME, output.effects().records().isEmpty() ? "delivering"
                        : RoutingMetrics.PUBLISHED);
                span.end();
            }
        }
        return new Routed(record, records, deliveries, traces);
    }

    /** The span of one action of a fired rule, under the trace of the result it acts on. */
    private Span actionSpan(Context result, String rule, String type) {
        return tracing.span("action", SpanKind.INTERNAL).setParent(result)
                .setAttribute(Tracing.RULE, rule)
                .setAttribute(Tracing.ACTION_TYPE, type)
                .startSpan();
    }

    /** Why one of the records is too large to send, or null when all fit. */
    private static String tooLarge(List<ProducerRecord<String, byte[]>> records, long maxRecordBytes) {
        for (ProducerRecord<String, byte[]> out : records) {
            long size = RecordSize.upperBound(out);
            if (size > maxRecordBytes) {
                return "output too large: a record for " + out.topic() + " of up to " + size
                        + " bytes, above the producer's max.request.size of " + maxRecordBytes + " bytes";
            }
        }
        return null;
    }

    private static String typeOf(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader(CloudEventHeaders.TYPE);
        return type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8);
    }

    /** A rule's condition threw for a result; carries the rule's name to the dead letter. */
    private static final class RuleFailure extends RuntimeException {
        private final String rule;

        RuleFailure(String rule, RuntimeException cause) {
            super("rule '" + rule + "': condition failed: " + ErrorText.describe(cause), cause);
            this.rule = rule;
        }
    }
}
