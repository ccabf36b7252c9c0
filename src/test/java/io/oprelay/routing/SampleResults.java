package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Realistic OperatorResult JSON in the shapes of Twilio's Intelligence v3 spec (ids are TTIDs). */
public final class SampleResults {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String OPERATOR_SENTIMENT = "intelligence_operator_01k6fc25s7epm9qtk8rszbv3q5";
    public static final String OPERATOR_SCORE = "intelligence_operator_01k6fc25s7epm9qtk8rszbv3q7";
    public static final String CONFIGURATION = "intelligence_configuration_01k6fc25s7epm9qtk8rszbv3q6";
    private static final String CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private SampleResults() {
    }

    /** A TTID {@code <prefix>_<26 chars>}: time-ordered like a UUIDv7, unique in this JVM. */
    public static String ttid(String prefix) {
        long millis = System.currentTimeMillis();
        long sequence = SEQUENCE.incrementAndGet();
        StringBuilder id = new StringBuilder(prefix).append('_');
        long time = millis & 0xFFFFFFFFFFFFL;
        char[] head = new char[10];
        for (int i = 9; i >= 0; i--) {
            head[i] = CROCKFORD.charAt((int) (time & 31));
            time >>>= 5;
        }
        head[0] = CROCKFORD.charAt(Math.min(7, CROCKFORD.indexOf(head[0])));
        id.append(head);
        long tail = sequence;
        char[] rest = new char[16];
        for (int i = 15; i >= 0; i--) {
            rest[i] = CROCKFORD.charAt(i < 8 ? ThreadLocalRandom.current().nextInt(32) : (int) (tail & 31));
            if (i >= 8) {
                tail >>>= 5;
            }
        }
        return id.append(rest).toString();
    }

    public static String conversationId() {
        return ttid("conv_conversation");
    }

    /** A CLASSIFICATION result {@code {label}} of a voice call with a customer and a human agent. */
    public static ObjectNode classification(String conversationId, String label) {
        ObjectNode result = base(conversationId, "CLASSIFICATION", OPERATOR_SENTIMENT);
        result.putObject("result").put("label", label);
        return result;
    }

    /** A JSON result {@code {score, explanation}} of a scoring operator. */
    public static ObjectNode scored(String conversationId, double score, String explanation) {
        ObjectNode result = base(conversationId, "JSON", OPERATOR_SCORE);
        result.putObject("result").put("score", score).put("explanation", explanation);
        return result;
    }

    private static ObjectNode base(String conversationId, String format, String operatorId) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("outputFormat", format);
        node.put("id", ttid("intelligence_operatorresult"));
        node.put("accountId", "AC0123456789abcdef0123456789abcdef");
        node.putObject("intelligenceConfiguration").put("id", CONFIGURATION)
                .put("ruleId", "intelligence_rule_01k6fc25s7epm9qtk8rszbv3q8").put("version", 3);
        ObjectNode operator = node.putObject("operator");
        operator.put("id", operatorId).put("version", 2).putObject("parameters");
        node.put("conversationId", conversationId);
        String now = Instant.now().toString();
        node.put("dateCreated", now);
        node.putArray("referenceIds").add("CA0fd5fb62ac7e24ce24f071041847aa92");
        ObjectNode details = node.putObject("executionDetails");
        details.putObject("trigger").put("on", "COMMUNICATION").put("timestamp", now);
        details.putObject("communications").put("first", ttid("conv_communication"))
                .put("last", ttid("conv_communication"));
        details.putArray("channels").add("VOICE");
        ArrayNode participants = details.putArray("participants");
        participants.addObject().put("id", ttid("conv_participant")).putNull("profileId").put("type", "CUSTOMER");
        participants.addObject().put("id", ttid("conv_participant"))
                .put("profileId", ttid("mem_profile")).put("type", "HUMAN_AGENT");
        node.putObject("metadata").putObject("system").put("resolvedModel", "gpt-4.1-nano-2025-04-14")
                .put("latencyMs", 412).put("inputCharacters", 1873).put("outputCharacters", 64)
                .put("inputTruncated", false);
        return node;
    }
}
