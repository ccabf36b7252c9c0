package io.oprelay.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.oprelay.twilio.Ttid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes one OperatorResult as the JSON the API serves: the envelope (ids, configuration, operator, dates,
 * references), the execution details and the metadata around the {@link ResultContent}. With quirks it adds the
 * spec-valid variations of real payloads (nanosecond dates, an operator display name, a null memory).
 */
final class ResultWriter {

    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String[] MODELS = {"gpt-4.1-nano-2025-04-14", "gpt-4.1-mini-2025-04-14"};

    private final JsonFactory json;
    private final Catalog catalog;
    private final SplittableRandom random;
    private final Ttid.Generator otherIds;
    private final ResultContent content;
    private boolean quirks;

    ResultWriter(JsonFactory json, Catalog catalog, SplittableRandom random, Ttid.Generator otherIds,
                 boolean quirks) {
        this.json = json;
        this.catalog = catalog;
        this.random = random;
        this.otherIds = otherIds;
        this.content = new ResultContent(json, random);
        this.quirks = quirks;
    }

    void quirks(boolean enabled) {
        this.quirks = enabled;
    }

    /** The result's JSON; {@code nullProfileIds} writes a null profileId for participants without one. */
    byte[] render(String id, long created, Catalog.Operator operator, Conversation conversation,
                  boolean nullProfileIds) {
        int latency = 300 + random.nextInt(3_700);
        Instant createdAt = Instant.ofEpochMilli(created);
        boolean nanos = quirks && random.nextInt(10) < 3;
        String dateCreated = nanos
                ? NANOS.format(createdAt.plusNanos(random.nextInt(1_000_000)))
                : DateTimeFormatter.ISO_INSTANT.format(createdAt);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1536);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            writeEnvelope(g, id, operator, conversation, dateCreated);
            writeExecutionDetails(g, conversation, createdAt.minusMillis(latency + 200L + random.nextInt(5_000)),
                    nullProfileIds);
            String resultText = content.write(operator, conversation);
            writeMetadata(g, latency, resultText);
            g.writeFieldName("result");
            g.writeRawValue(resultText);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeEnvelope(JsonGenerator g, String id, Catalog.Operator operator, Conversation conversation,
                               String dateCreated) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("accountId", catalog.accountId());
        g.writeStringField("outputFormat", operator.format().name());
        g.writeObjectFieldStart("intelligenceConfiguration");
        g.writeStringField("id", conversation.configuration().id());
        g.writeStringField("ruleId", conversation.configuration().ruleId());
        g.writeNumberField("version", conversation.configuration().version());
        g.writeEndObject();
        g.writeStringField("conversationId", conversation.id());
        writeOperator(g, operator);
        g.writeStringField("dateCreated", dateCreated);
        writeStrings(g, "referenceIds", conversation.references());
    }

    private void writeOperator(JsonGenerator g, Catalog.Operator operator) throws IOException {
        g.writeObjectFieldStart("operator");
        g.writeStringField("id", operator.id());
        g.writeNumberField("version", operator.version());
        g.writeObjectFieldStart("parameters");
        for (Map.Entry<String, Object> p : new TreeMap<>(operator.parameters()).entrySet()) {
            g.writeObjectField(p.getKey(), p.getValue());
        }
        g.writeEndObject();
        if (quirks && random.nextInt(5) == 0) {
            g.writeStringField("displayName", operator.displayName());
        }
        g.writeEndObject();
    }

    private void writeMetadata(JsonGenerator g, int latency, String resultText) throws IOException {
        g.writeObjectFieldStart("metadata");
        g.writeObjectFieldStart("system");
        if (random.nextInt(10) != 0) {
            g.writeStringField("resolvedModel", MODELS[random.nextInt(MODELS.length)]);
        }
        g.writeNumberField("latencyMs", latency);
        g.writeNumberField("inputCharacters", 400 + random.nextInt(24_000));
        g.writeNumberField("outputCharacters", resultText.length());
        g.writeBooleanField("inputTruncated", random.nextInt(40) == 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writeExecutionDetails(JsonGenerator g, Conversation conversation, Instant triggered,
                                       boolean nullProfileIds) throws IOException {
        g.writeObjectFieldStart("executionDetails");
        g.writeObjectFieldStart("trigger");
        g.writeStringField("on", conversation.trigger());
        g.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(triggered));
        g.writeEndObject();
        g.writeObjectFieldStart("communications");
        g.writeStringField("first", conversation.firstCommunication());
        g.writeStringField("last", conversation.lastCommunication());
        g.writeEndObject();
        writeStrings(g, "channels", conversation.channels());
        writeParticipants(g, conversation, nullProfileIds);
        int context = random.nextInt(10);
        if (context < 4) {
            writeResolvedContext(g, conversation, context < 2);
        }
        g.writeEndObject();
    }

    private static void writeParticipants(JsonGenerator g, Conversation conversation, boolean nullProfileIds)
            throws IOException {
        g.writeArrayFieldStart("participants");
        for (Conversation.Participant participant : conversation.participants()) {
            g.writeStartObject();
            g.writeStringField("id", participant.id());
            if (participant.profileId() != null) {
                g.writeStringField("profileId", participant.profileId());
            } else if (nullProfileIds) {
                g.writeNullField("profileId");
            }
            g.writeStringField("type", participant.type());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeResolvedContext(JsonGenerator g, Conversation conversation, boolean withKnowledge)
            throws IOException {
        g.writeObjectFieldStart("resolvedContext");
        String profile = conversation.participants().get(0).profileId();
        if (profile != null) {
            g.writeObjectFieldStart("memory");
            g.writeStringField("profileId", profile);
            g.writeStringField("memoryStoreId", otherIds.next("mem_store", 0));
            g.writeEndObject();
        } else if (quirks) {
            // The spec's description: "null if no memory was accessed" (its schema forgot nullable).
            g.writeNullField("memory");
        }
        if (withKnowledge) {
            g.writeObjectFieldStart("knowledge");
            g.writeArrayFieldStart("sources");
            g.writeStartObject();
            g.writeStringField("baseId", otherIds.next("know_knowledgebase", 0));
            g.writeStringField("sourceId", otherIds.next("know_knowledge", 0));
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        } else {
            g.writeNullField("knowledge");
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, Iterable<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }
}
