package io.oprelay.events;

import io.oprelay.twilio.OutputFormat;

import java.util.regex.Pattern;

/**
 * The CloudEvents Kafka protocol binding (binary mode) as the relay uses it: attribute headers are
 * {@code ce_<attribute>}, the data is the record value, and {@code content-type} names its media type.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SUBJECT = "ce_subject";
    public static final String TIME = "ce_time";
    public static final String DATA_SCHEMA = "ce_dataschema";
    public static final String CONTENT_TYPE = "content-type";
    /** Extension attribute: which path brought the result, {@code poll} or {@code webhook}. */
    public static final String RELAY_PATH = "ce_relaypath";
    /** Extension attribute: the outputFormat exactly as Twilio sent it (useful on the {@code .other} topic). */
    public static final String OUTPUT_FORMAT = "ce_outputformat";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";
    public static final String PATH_POLL = "poll";
    public static final String PATH_WEBHOOK = "webhook";

    private static final String TYPE_PREFIX = "io.oprelay.operatorresult.";
    private static final Pattern OVERSIZE_TYPE =
            Pattern.compile("^io\\.oprelay\\.operatorresult\\.[a-z0-9_-]+\\.oversize\\.v\\d+$");
    private static final Pattern DELETED_TYPE =
            Pattern.compile("^io\\.oprelay\\.operatorresult\\.[a-z0-9_-]+\\.deleted\\.v\\d+$");

    private CloudEventHeaders() {
    }

    /** The stable event type of a result of this format, for example {@code io.oprelay.operatorresult.json.v1}. */
    public static String typeOf(OutputFormat format) {
        return TYPE_PREFIX + format.slug() + ".v1";
    }

    /** The event type announcing that the result was deleted at Twilio through the relay. */
    public static String deletedTypeOf(OutputFormat format) {
        return TYPE_PREFIX + format.slug() + ".deleted.v1";
    }

    /**
     * The event type of a claim-check: the result was too large for its topic; the value names it
     * ({@code {id, outputFormat, size}}) and the full result is fetched with {@code GET /api/operator-results/{id}}.
     */
    public static String oversizeTypeOf(OutputFormat format) {
        return TYPE_PREFIX + format.slug() + ".oversize.v1";
    }

    /** The {@code ce_id} of a result's claim-check event: {@code <id>:oversize}. */
    public static String oversizeIdOf(String resultId) {
        return resultId + ":oversize";
    }

    /** Whether an event type is a claim-check ({@code io.oprelay.operatorresult.<format>.oversize.v<n>}). */
    public static boolean isOversize(String type) {
        return type != null && OVERSIZE_TYPE.matcher(type).matches();
    }

    /** The {@code ce_id} of a result's deletion event: {@code <id>:deleted} (the created event's id is {@code <id>}). */
    public static String deletedIdOf(String resultId) {
        return resultId + ":deleted";
    }

    /** Whether an event type announces a deletion ({@code io.oprelay.operatorresult.<format>.deleted.v<n>}). */
    public static boolean isDeletion(String type) {
        return type != null && DELETED_TYPE.matcher(type).matches();
    }
}
