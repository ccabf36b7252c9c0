package io.oprelay.events;

import io.oprelay.twilio.OperatorResult;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Turns an OperatorResult into the Kafka record downstream subscribers rely on: topic by output format, key the
 * conversation id, value the JSON exactly as Twilio sent it, CloudEvents attributes as headers (binary mode).
 */
@ApplicationScoped
public class ResultEvents {

    private final TopicsConfig topics;

    public ResultEvents(TopicsConfig topics) {
        this.topics = topics;
    }

    /** The event announcing a result, from the poll or the webhook path. */
    public ProducerRecord<String, byte[]> created(RawResult result, String path) {
        OperatorResult view = result.view();
        OutputFormat format = view.format();
        RecordHeaders headers = common(view, CloudEventHeaders.typeOf(format));
        add(headers, CloudEventHeaders.RELAY_PATH, path);
        return new ProducerRecord<>(topics.forFormat(format), null, keyOf(view), result.json(), headers);
    }

    /** The event announcing that the result was deleted at Twilio through the relay; its value is the deleted result. */
    public ProducerRecord<String, byte[]> deleted(RawResult result) {
        OperatorResult view = result.view();
        RecordHeaders headers = common(view, CloudEventHeaders.deletedTypeOf(view.format()));
        return new ProducerRecord<>(topics.forFormat(view.format()), null, keyOf(view), result.json(), headers);
    }

    private static RecordHeaders common(OperatorResult view, String type) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        add(headers, CloudEventHeaders.ID, view.id());
        add(headers, CloudEventHeaders.TYPE, type);
        add(headers, CloudEventHeaders.SOURCE, sourceOf(view));
        add(headers, CloudEventHeaders.SUBJECT, view.conversationId());
        if (view.dateCreated() != null) {
            add(headers, CloudEventHeaders.TIME, view.dateCreated().toString());
        }
        add(headers, CloudEventHeaders.DATA_SCHEMA, schemaOf(view.format()));
        add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        add(headers, CloudEventHeaders.OUTPUT_FORMAT, view.outputFormat());
        return headers;
    }

    /** The JSON Schema of the record value (the same for the created and the deleted event of a format). */
    public static String schemaOf(OutputFormat format) {
        return "/schemas/" + CloudEventHeaders.typeOf(format) + ".json";
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

    private static void add(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
