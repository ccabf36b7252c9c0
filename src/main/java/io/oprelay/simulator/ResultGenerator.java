package io.oprelay.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.Ttid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Makes realistic OperatorResults, deterministic for a seed and the creation times asked for. Results come in
 * bursts per conversation (one per operator of its configuration, as a rule firing at the end of a conversation
 * does). Not thread-safe: the store calls it under its lock.
 */
final class ResultGenerator {

    private static final Set<OutputFormat> ALL = Set.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON,
            OutputFormat.TEXT, OutputFormat.EXTRACTION);
    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    private static final String[] CUSTOMERS = {"José García", "Zoë Müller", "Amélie Dubois", "Kenji Tanaka",
        "Priya Sharma", "Liam O'Connor", "Sofia Rossi", "Noah Williams", "Ava Johnson", "Mateo Fernández"};
    private static final String[] COMPANIES = {"Owl Bank", "Northwind Telecom", "Contoso Energy", "Acme Retail"};
    private static final String[] PRODUCTS = {"Premium Plan", "Fiber 500", "Rewards Card", "Smart Thermostat",
        "Roaming Pack", "Home Insurance"};
    private static final String[] CITIES = {"Austin", "Berlin", "São Paulo", "Dublin", "Osaka", "Toronto"};
    private static final String[] TOPICS = {"a double charge on the last invoice", "a router that keeps dropping",
        "cancelling the subscription", "an order that has not arrived", "resetting a locked account",
        "upgrading to a faster plan", "a refund for a returned item"};
    private static final String[] ACTIONS = {"verified the account and explained the charges",
        "walked the customer through a restart and a firmware update", "offered a retention discount",
        "opened a ticket with the carrier and shared the tracking number", "reset the password after verification",
        "issued a refund and confirmed it by email"};
    private static final String[] OUTCOMES = {"The customer was satisfied with the resolution.",
        "The customer asked for a callback tomorrow.", "The issue remains open pending a technician visit.",
        "The customer remained frustrated and asked for a supervisor."};
    private static final String[] MODELS = {"gpt-4.1-nano-2025-04-14", "gpt-4.1-mini-2025-04-14"};
    private static final String[] ADHERENCE = {
        "The agent skipped the greeting, the verification and the closing.",
        "The agent verified the caller but did not follow the troubleshooting steps.",
        "The agent followed most of the script but did not summarise next steps.",
        "The agent followed the script and confirmed the resolution with the customer.",
        "The agent followed the script closely and addressed all key points effectively."};

    private final Catalog catalog;
    private final SplittableRandom random;
    private final Ttid.Generator resultIds;
    private final Ttid.Generator otherIds;
    private boolean quirks;
    private Conversation current;

    ResultGenerator(Catalog catalog, long seed, boolean quirks) {
        this.catalog = catalog;
        this.random = new SplittableRandom(seed);
        this.resultIds = new Ttid.Generator(new SplittableRandom(seed * 31 + 7));
        this.otherIds = new Ttid.Generator(new SplittableRandom(seed * 17 + 3));
        this.quirks = quirks;
    }

    void quirks(boolean enabled) {
        this.quirks = enabled;
    }

    /**
     * The next result created at {@code millis} (or just after the previous one).
     *
     * @param formats        formats to choose from; all four when empty
     * @param conversationId the conversation it belongs to; the generator's own flow when null
     * @param nullProfileIds write {@code "profileId": null} for participants without a profile (off the spec, as
     *                       some real payloads are) instead of omitting the field as the spec's example does
     */
    StoredResult next(long millis, Set<OutputFormat> formats, String conversationId, boolean nullProfileIds) {
        Set<OutputFormat> allowed = formats == null || formats.isEmpty() ? ALL : formats;
        if (current == null || current.pending.stream().noneMatch(o -> allowed.contains(o.format()))
                || (conversationId == null ? current.requested : !conversationId.equals(current.id))) {
            current = startConversation(millis, conversationId);
        }
        Catalog.Operator operator = current.pending.stream().filter(o -> allowed.contains(o.format())).findFirst()
                .orElseThrow();
        current.pending.remove(operator);
        String id = resultIds.next("intelligence_operatorresult", millis);
        long created = resultIds.lastMillis();
        byte[] json = render(id, created, operator, current, nullProfileIds);
        return new StoredResult(id, current.id, current.configuration.id(), operator.id(), operator.format(), json);
    }

    private Conversation startConversation(long millis, String conversationId) {
        Catalog.Configuration configuration = catalog.configurations()
                .get(random.nextInt(catalog.configurations().size()));
        long started = millis - 60_000L - random.nextInt(1_800_000);
        String id = conversationId != null ? conversationId : otherIds.next("conv_conversation", started);
        List<String> channels = channels();
        List<Participant> participants = new ArrayList<>();
        String profile = random.nextInt(10) < 7 ? otherIds.next("mem_profile", started) : null;
        participants.add(new Participant(otherIds.next("conv_participant", started), profile, "CUSTOMER"));
        if (random.nextInt(4) == 0) {
            participants.add(new Participant(otherIds.next("conv_participant", started), null, "AI_AGENT"));
        }
        String[] agentTypes = {"HUMAN_AGENT", "HUMAN_AGENT", "HUMAN_AGENT", "AGENT", "UNKNOWN"};
        participants.add(new Participant(otherIds.next("conv_participant", started), null,
                agentTypes[random.nextInt(agentTypes.length)]));
        String first = otherIds.next("conv_communication", started);
        String last = otherIds.next("conv_communication", started + 30_000L + random.nextInt(600_000));
        String[] triggers = {"CONVERSATION_END", "CONVERSATION_END", "CONVERSATION_END", "CONVERSATION_INACTIVE",
            "COMMUNICATION"};
        List<String> references = new ArrayList<>(List.of(first));
        if (channels.contains("VOICE")) {
            references.add("CA" + Catalog.hex(random, 32));
        }
        references.add(participants.get(0).id());
        return new Conversation(id, conversationId != null, configuration, channels, participants, first, last,
                triggers[random.nextInt(triggers.length)], references,
                CUSTOMERS[random.nextInt(CUSTOMERS.length)], COMPANIES[random.nextInt(COMPANIES.length)],
                PRODUCTS[random.nextInt(PRODUCTS.length)], random.nextInt(TOPICS.length), random.nextInt(5),
                new ArrayDeque<>(configuration.operators()));
    }

    private List<String> channels() {
        int pick = random.nextInt(10);
        if (pick < 5) {
            return List.of("VOICE");
        }
        String[] others = {"SMS", "CHAT", "WHATSAPP", "EMAIL", "RCS", "API"};
        String channel = others[random.nextInt(others.length)];
        return pick == 9 ? List.of(channel, "SYSTEM") : List.of(channel);
    }

    private byte[] render(String id, long created, Catalog.Operator operator, Conversation conversation,
                          boolean nullProfileIds) {
        int latency = 300 + random.nextInt(3_700);
        Instant createdAt = Instant.ofEpochMilli(created);
        boolean nanos = quirks && random.nextInt(10) < 3;
        String dateCreated = nanos
                ? NANOS.format(createdAt.plusNanos(random.nextInt(1_000_000)))
                : DateTimeFormatter.ISO_INSTANT.format(createdAt);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1536);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("accountId", catalog.accountId());
            g.writeStringField("outputFormat", operator.format().name());
            g.writeObjectFieldStart("intelligenceConfiguration");
            g.writeStringField("id", conversation.configuration.id());
            g.writeStringField("ruleId", conversation.configuration.ruleId());
            g.writeNumberField("version", conversation.configuration.version());
            g.writeEndObject();
            g.writeStringField("conversationId", conversation.id);
            g.writeObjectFieldStart("operator");
            g.writeStringField("id", operator.id());
            g.writeNumberField("version", operator.version());
            g.writeObjectFieldStart("parameters");
            for (Map.Entry<String, Object> p : new java.util.TreeMap<>(operator.parameters()).entrySet()) {
                g.writeObjectField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
            if (quirks && random.nextInt(5) == 0) {
                g.writeStringField("displayName", operator.displayName());
            }
            g.writeEndObject();
            g.writeStringField("dateCreated", dateCreated);
            g.writeArrayFieldStart("referenceIds");
            for (String reference : conversation.references) {
                g.writeString(reference);
            }
            g.writeEndArray();
            writeExecutionDetails(g, conversation, createdAt.minusMillis(latency + 200L + random.nextInt(5_000)),
                    nullProfileIds);
            String resultText = writeResultLater(operator, conversation);
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
            g.writeFieldName("result");
            g.writeRawValue(resultText);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeExecutionDetails(JsonGenerator g, Conversation conversation, Instant triggered,
                                       boolean nullProfileIds) throws IOException {
        g.writeObjectFieldStart("executionDetails");
        g.writeObjectFieldStart("trigger");
        g.writeStringField("on", conversation.trigger);
        g.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(triggered));
        g.writeEndObject();
        g.writeObjectFieldStart("communications");
        g.writeStringField("first", conversation.firstCommunication);
        g.writeStringField("last", conversation.lastCommunication);
        g.writeEndObject();
        g.writeArrayFieldStart("channels");
        for (String channel : conversation.channels) {
            g.writeString(channel);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("participants");
        for (Participant participant : conversation.participants) {
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
        int context = random.nextInt(10);
        if (context < 4) {
            g.writeObjectFieldStart("resolvedContext");
            String profile = conversation.participants.get(0).profileId();
            if (profile != null) {
                g.writeObjectFieldStart("memory");
                g.writeStringField("profileId", profile);
                g.writeStringField("memoryStoreId", otherIds.next("mem_store", 0));
                g.writeEndObject();
            } else if (quirks) {
                // The spec's description: "null if no memory was accessed" (its schema forgot nullable).
                g.writeNullField("memory");
            }
            if (context < 2) {
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
        g.writeEndObject();
    }

    /** The {@code result} object as JSON text, shaped by the operator's format. */
    private String writeResultLater(Catalog.Operator operator, Conversation conversation) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            switch (operator.format()) {
                case CLASSIFICATION -> g.writeStringField("label", label(operator, conversation));
                case JSON -> {
                    boolean percent = Integer.valueOf(100).equals(operator.parameters().get("scale"));
                    int quality = conversation.quality;
                    if (percent) {
                        int risk = Math.max(0, Math.min(100, (4 - quality) * 22 + random.nextInt(15)));
                        g.writeNumberField("score", risk);
                        g.writeStringField("explanation", risk >= 60
                                ? "The customer repeated the complaint and mentioned cancelling."
                                : "The customer stayed calm and accepted the proposed next steps.");
                    } else {
                        g.writeNumberField("score", quality + 1);
                        g.writeStringField("explanation", ADHERENCE[quality]);
                    }
                }
                case TEXT -> g.writeStringField("text", summary(conversation));
                case EXTRACTION -> {
                    g.writeArrayFieldStart("entities");
                    entity(g, conversation.customer, "PERSON");
                    entity(g, conversation.company, "ORGANIZATION");
                    if (random.nextBoolean()) {
                        entity(g, conversation.product, "PRODUCT");
                    }
                    if (random.nextBoolean()) {
                        entity(g, "ORD-" + (100_000 + random.nextInt(900_000)), "ORDER_NUMBER");
                    }
                    if (random.nextInt(3) == 0) {
                        entity(g, CITIES[random.nextInt(CITIES.length)], "LOCATION");
                    }
                    g.writeEndArray();
                }
                default -> throw new IllegalStateException("no generator for " + operator.format());
            }
            g.writeEndObject();
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private String label(Catalog.Operator operator, Conversation conversation) {
        List<String> labels = operator.labels();
        return switch (operator.displayName()) {
            case "Sentiment" -> labels.get(conversation.quality >= 3 ? 0 : conversation.quality == 2
                    ? (random.nextBoolean() ? 1 : 3) : 2);
            case "Call reason" -> labels.get(conversation.topic % labels.size());
            case "Resolution" -> labels.get(conversation.quality >= 3 ? 0 : conversation.quality == 0 ? 2 : 1);
            default -> labels.get(random.nextInt(labels.size()));
        };
    }

    private String summary(Conversation conversation) {
        return conversation.customer + " contacted " + conversation.company + " about " + TOPICS[conversation.topic]
                + ". The agent " + ACTIONS[conversation.topic % ACTIONS.length] + ". "
                + OUTCOMES[Math.min(OUTCOMES.length - 1, 4 - conversation.quality)];
    }

    private static void entity(JsonGenerator g, String text, String label) throws IOException {
        g.writeStartObject();
        g.writeStringField("text", text);
        g.writeStringField("label", label);
        g.writeEndObject();
    }

    private record Participant(String id, String profileId, String type) {
    }

    /** A conversation whose results are being generated; {@code quality} 0 (bad) to 4 (good) keeps them coherent. */
    private record Conversation(String id, boolean requested, Catalog.Configuration configuration, List<String> channels,
                                List<Participant> participants, String firstCommunication, String lastCommunication,
                                String trigger, List<String> references, String customer, String company,
                                String product, int topic, int quality, Deque<Catalog.Operator> pending) {
    }
}
