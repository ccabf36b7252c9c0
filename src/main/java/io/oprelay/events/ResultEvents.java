package io.oprelay.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Turns an OperatorResult into the Kafka record downstream subscribers rely on: topic by output format, key the
 * conversation id, value the JSON exactly as Twilio sent it, CloudEvents attributes as headers (binary mode).
 */
@ApplicationScoped
public class ResultEvents {

    private static final ObjectWriter CLAIM_WRITER = new ObjectMapper().writerFor(OversizeClaim.class);

    private static final byte[] SPEC_VERSION = utf8(CloudEventHeaders.SPEC_VERSION_VALUE);
    private static final byte[] CONTENT_TYPE = utf8(CloudEventHeaders.JSON);
    private static final Map<String, byte[]> PATHS = Map.of(CloudEventHeaders.PATH_POLL,
            utf8(CloudEventHeaders.PATH_POLL), CloudEventHeaders.PATH_WEBHOOK, utf8(CloudEventHeaders.PATH_WEBHOOK));

    private final TopicsConfig topics;
    private final EventSchemas schemas;
    /**
     * The header values that depend on the format only, encoded once: a backfill writes them on every event (the
     * arrays are shared by the records, which nothing writes to).
     */
    private final Map<OutputFormat, FormatHeaders> formatHeaders = new EnumMap<>(OutputFormat.class);

    /** Encoded header values of the created events of one format, and its topic. */
    private record FormatHeaders(String topic, byte[] type, byte[] schema, String outputFormat,
                                 byte[] outputFormatBytes) {
    }

    public ResultEvents(TopicsConfig topics, EventSchemas schemas) {
        this.topics = topics;
        this.schemas = schemas;
        for (OutputFormat format : OutputFormat.values()) {
            formatHeaders.put(format, new FormatHeaders(topics.forFormat(format),
                    utf8(CloudEventHeaders.typeOf(format)), utf8(schemas.ofFormat(format)), format.name(),
                    utf8(format.name())));
        }
    }

    /** The event announcing a result, from the poll or the webhook path. */
    public ProducerRecord<String, byte[]> created(RawResult result, String path) {
        OperatorResult view = result.view();
        FormatHeaders constant = formatHeaders.get(view.format());
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.SPEC_VERSION, SPEC_VERSION);
        add(headers, CloudEventHeaders.ID, view.id());
        headers.add(CloudEventHeaders.TYPE, constant.type());
        add(headers, CloudEventHeaders.SOURCE, sourceOf(view));
        add(headers, CloudEventHeaders.SUBJECT, view.conversationId());
        if (view.dateCreated() != null) {
            add(headers, CloudEventHeaders.TIME, view.dateCreated().toString());
        }
        headers.add(CloudEventHeaders.DATA_SCHEMA, constant.schema());
        headers.add(CloudEventHeaders.CONTENT_TYPE, CONTENT_TYPE);
        if (constant.outputFormat().equals(view.outputFormat())) {
            headers.add(CloudEventHeaders.OUTPUT_FORMAT, constant.outputFormatBytes());
        } else {
            add(headers, CloudEventHeaders.OUTPUT_FORMAT, view.outputFormat());
        }
        byte[] pathBytes = PATHS.get(path);
        if (pathBytes != null) {
            headers.add(CloudEventHeaders.RELAY_PATH, pathBytes);
        } else {
            add(headers, CloudEventHeaders.RELAY_PATH, path);
        }
        return new ProducerRecord<>(constant.topic(), null, keyOf(view), result.json(), headers);
    }

    /**
     * The event announcing that the result was deleted at Twilio through the relay; its value is the deleted result.
     * Its {@code ce_id} is {@code <id>:deleted}: CloudEvents requires source and id to be unique per event, and the
     * created event already carries the result id.
     */
    public ProducerRecord<String, byte[]> deleted(RawResult result) {
        OperatorResult view = result.view();
        RecordHeaders headers = common(view, CloudEventHeaders.deletedIdOf(view.id()),
                CloudEventHeaders.deletedTypeOf(view.format()));
        return new ProducerRecord<>(topics.forFormat(view.format()), null, keyOf(view), result.json(), headers);
    }

    /**
     * The claim-check that stands for a created event too large for its topic: same topic, key and CloudEvents
     * headers, but its own {@code ce_id} ({@code <id>:oversize}), the type {@code ...<format>.oversize.v1}, the
     * claim-check's schema (beside the created event's schema, under the same base), and as value
     * {@code {id, outputFormat, size}}.
     */
    public static ProducerRecord<String, byte[]> claimCheck(ProducerRecord<String, byte[]> created) {
        OversizeClaim claim = claimOf(created);
        RecordHeaders headers = new RecordHeaders();
        for (Header header : created.headers()) {
            switch (header.key()) {
                case CloudEventHeaders.ID, CloudEventHeaders.TYPE, CloudEventHeaders.DATA_SCHEMA -> { }
                default -> headers.add(header.key(), header.value());
            }
        }
        add(headers, CloudEventHeaders.ID, CloudEventHeaders.oversizeIdOf(claim.id()));
        add(headers, CloudEventHeaders.TYPE, CloudEventHeaders.oversizeTypeOf(OutputFormat.of(claim.outputFormat())));
        add(headers, CloudEventHeaders.DATA_SCHEMA,
                oversizeSchemaBeside(header(created, CloudEventHeaders.DATA_SCHEMA)));
        byte[] value;
        try {
            value = CLAIM_WRITER.writeValueAsBytes(claim);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a claim-check", e);
        }
        return new ProducerRecord<>(created.topic(), null, created.key(), value, headers);
    }

    /** Whether a record is a result event that a claim-check can stand for (it carries the result's id). */
    public static boolean claimable(ProducerRecord<String, byte[]> record) {
        String id = header(record, CloudEventHeaders.ID);
        String type = header(record, CloudEventHeaders.TYPE);
        return id != null && type != null && !CloudEventHeaders.isOversize(type) && !CloudEventHeaders.isDeletion(type);
    }

    /** What the claim-check of a created event says: the result's id, its outputFormat, and its size in bytes. */
    public static OversizeClaim claimOf(ProducerRecord<String, byte[]> created) {
        return new OversizeClaim(header(created, CloudEventHeaders.ID),
                header(created, CloudEventHeaders.OUTPUT_FORMAT), created.value() == null ? 0 : created.value().length);
    }

    /** The claim-check schema under the base of a created event's schema URI. */
    static String oversizeSchemaBeside(String createdSchema) {
        return createdSchema == null ? EventSchemas.DEFAULT_BASE + EventSchemas.OVERSIZE_FILE
                : URI.create(createdSchema).resolve(EventSchemas.OVERSIZE_FILE).toString();
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private RecordHeaders common(OperatorResult view, String eventId, String type) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        add(headers, CloudEventHeaders.ID, eventId);
        add(headers, CloudEventHeaders.TYPE, type);
        add(headers, CloudEventHeaders.SOURCE, sourceOf(view));
        add(headers, CloudEventHeaders.SUBJECT, view.conversationId());
        if (view.dateCreated() != null) {
            add(headers, CloudEventHeaders.TIME, view.dateCreated().toString());
        }
        add(headers, CloudEventHeaders.DATA_SCHEMA, schemas.ofFormat(view.format()));
        add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        add(headers, CloudEventHeaders.OUTPUT_FORMAT, view.outputFormat());
        return headers;
    }

    /**
     * A URI reference naming the account and the intelligence configuration that produced the result, for example
     * {@code /twilio/accounts/AC.../intelligence-configurations/intelligence_configuration_...}.
     */
    static String sourceOf(OperatorResult view) {
        String account = view.accountId() == null ? "unknown" : view.accountId();
        String configuration = view.intelligenceConfiguration() == null
                || view.intelligenceConfiguration().id() == null ? "unknown" : view.intelligenceConfiguration().id();
        return "/twilio/accounts/" + account + "/intelligence-configurations/" + configuration;
    }

    /** The conversation keeps all its results ordered on one partition; a result without one is keyed by its id. */
    static String keyOf(OperatorResult view) {
        return view.conversationId() != null ? view.conversationId() : view.id();
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
