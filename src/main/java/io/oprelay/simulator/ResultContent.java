package io.oprelay.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses what a result says, shaped by its operator's format and kept coherent with its conversation: the label of
 * a classification, the score of a JSON operator, the summary text, the extracted entities.
 */
final class ResultContent {

    private static final String[] CITIES = {"Austin", "Berlin", "São Paulo", "Dublin", "Osaka", "Toronto"};
    private static final String[] TOPICS = {"a double charge on the last invoice", "a router that keeps dropping",
        "cancelling the subscription", "an order that has not arrived", "resetting a locked account",
        "upgrading to a faster plan", "a refund for a returned item"};
    /** How many topics a conversation can be about. */
    static final int TOPIC_COUNT = TOPICS.length;
    private static final String[] ACTIONS = {"verified the account and explained the charges",
        "walked the customer through a restart and a firmware update", "offered a retention discount",
        "opened a ticket with the carrier and shared the tracking number", "reset the password after verification",
        "issued a refund and confirmed it by email"};
    private static final String[] OUTCOMES = {"The customer was satisfied with the resolution.",
        "The customer asked for a callback tomorrow.", "The issue remains open pending a technician visit.",
        "The customer remained frustrated and asked for a supervisor."};
    private static final String[] ADHERENCE = {
        "The agent skipped the greeting, the verification and the closing.",
        "The agent verified the caller but did not follow the troubleshooting steps.",
        "The agent followed most of the script but did not summarise next steps.",
        "The agent followed the script and confirmed the resolution with the customer.",
        "The agent followed the script closely and addressed all key points effectively."};

    private final JsonFactory json;
    private final SplittableRandom random;

    ResultContent(JsonFactory json, SplittableRandom random) {
        this.json = json;
        this.random = random;
    }

    /** The {@code result} object as JSON text, shaped by the operator's format. */
    String write(Catalog.Operator operator, Conversation conversation) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            switch (operator.format()) {
                case CLASSIFICATION -> g.writeStringField("label", label(operator, conversation));
                case JSON -> writeScore(g, operator, conversation);
                case TEXT -> g.writeStringField("text", summary(conversation));
                case EXTRACTION -> writeEntities(g, conversation);
                default -> throw new IllegalStateException("no generator for " + operator.format());
            }
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void writeScore(JsonGenerator g, Catalog.Operator operator, Conversation conversation)
            throws IOException {
        boolean percent = Integer.valueOf(100).equals(operator.parameters().get("scale"));
        int quality = conversation.quality();
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

    private void writeEntities(JsonGenerator g, Conversation conversation) throws IOException {
        g.writeArrayFieldStart("entities");
        entity(g, conversation.customer(), "PERSON");
        entity(g, conversation.company(), "ORGANIZATION");
        if (random.nextBoolean()) {
            entity(g, conversation.product(), "PRODUCT");
        }
        if (random.nextBoolean()) {
            entity(g, "ORD-" + (100_000 + random.nextInt(900_000)), "ORDER_NUMBER");
        }
        if (random.nextInt(3) == 0) {
            entity(g, CITIES[random.nextInt(CITIES.length)], "LOCATION");
        }
        g.writeEndArray();
    }

    private String label(Catalog.Operator operator, Conversation conversation) {
        List<String> labels = operator.labels();
        int quality = conversation.quality();
        return switch (operator.displayName()) {
            case "Sentiment" -> labels.get(quality >= 3 ? 0 : quality == 2 ? (random.nextBoolean() ? 1 : 3) : 2);
            case "Call reason" -> labels.get(conversation.topic() % labels.size());
            case "Resolution" -> labels.get(quality >= 3 ? 0 : quality == 0 ? 2 : 1);
            default -> labels.get(random.nextInt(labels.size()));
        };
    }

    private static String summary(Conversation conversation) {
        return conversation.customer() + " contacted " + conversation.company() + " about "
                + TOPICS[conversation.topic()] + ". The agent " + ACTIONS[conversation.topic() % ACTIONS.length]
                + ". " + OUTCOMES[Math.min(OUTCOMES.length - 1, 4 - conversation.quality())];
    }

    private static void entity(JsonGenerator g, String text, String label) throws IOException {
        g.writeStartObject();
        g.writeStringField("text", text);
        g.writeStringField("label", label);
        g.writeEndObject();
    }
}
