package io.oprelay.actions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.events.CloudEventHeaders;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.Effects;
import io.oprelay.routing.spi.ResultFacts;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one action type writes: its output as JSON, to its topic (keyed by conversation id, CloudEvents headers in
 * binary mode) and/or to a webhook, under one idempotency key. Shared by the action types, which only validate their
 * settings and render their output.
 */
final class OutputRecords {

    private final String type;
    private final String topic;
    private final String eventType;
    private final String dataSchema;
    private final ObjectMapper mapper;

    /**
     * @param type       the action type, named on deliveries
     * @param topic      where the outputs are published
     * @param eventType  {@code ce_type} of the records
     * @param dataSchema {@code ce_dataschema} of the records
     */
    OutputRecords(String type, String topic, String eventType, String dataSchema, ObjectMapper mapper) {
        this.type = type;
        this.topic = topic;
        this.eventType = eventType;
        this.dataSchema = dataSchema;
        this.mapper = mapper;
    }

    /** The topic the outputs are published to. */
    String topic() {
        return topic;
    }

    /**
     * A bound action rendering each result with {@code render}, publishing the output when {@code publish} and
     * POSTing it when {@code webhook} is set; {@code described} is what {@code GET /api/routing/rules} shows.
     */
    BoundAction bound(String rule, Map<String, Object> described, boolean publish, URI webhook,
                      Function<ResultFacts, Object> render) {
        return new Rendered(type, rule, Collections.unmodifiableMap(new LinkedHashMap<>(described)), result -> effects(rule, result, render.apply(result),
                publish, webhook));
    }

    private Effects effects(String rule, ResultFacts result, Object output, boolean publish, URI webhook) {
        var view = result.view();
        byte[] body = json(output);
        String key = idempotencyKey(view.id(), rule);
        return new Effects(
                publish ? List.of(record(view.conversationId(), key, rule, body)) : List.of(),
                webhook == null ? List.of() : List.of(new Delivery(type, rule, webhook, body, key)),
                output);
    }

    /** The idempotency key of what a rule does for a result: stable across retries, replays and restarts. */
    static String idempotencyKey(String resultId, String rule) {
        return resultId + ":" + rule;
    }

    /**
     * A hint or command record: {@code ce_id} the idempotency key, {@code ce_source} the rule, {@code ce_dataschema}
     * the schema of the event type.
     */
    private ProducerRecord<String, byte[]> record(String conversationId, String eventId, String rule, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        add(headers, CloudEventHeaders.ID, eventId);
        add(headers, CloudEventHeaders.TYPE, eventType);
        add(headers, CloudEventHeaders.SOURCE, "/relay/routing/rules/" + rule);
        if (conversationId != null) {
            add(headers, CloudEventHeaders.SUBJECT, conversationId);
        }
        add(headers, CloudEventHeaders.TIME, Instant.now().toString());
        add(headers, CloudEventHeaders.DATA_SCHEMA, dataSchema);
        add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        return new ProducerRecord<>(topic, null, conversationId, value, headers);
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An action of one rule, as bound: its effects for a result are computed by {@code apply}. */
    private record Rendered(String type, String rule, Map<String, Object> description,
                            Function<ResultFacts, Effects> effects) implements BoundAction {

        @Override
        public Effects apply(ResultFacts result) {
            return effects.apply(result);
        }

        @Override
        public Map<String, Object> describe() {
            return description;
        }
    }
}
