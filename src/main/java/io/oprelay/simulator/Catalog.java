package io.oprelay.simulator;

import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.Ttid;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fixed cast of a simulated account, derived from the seed alone: the account, its Language Operators (each
 * output format at least once) and its Intelligence Configurations (each with operators of all four formats). The same
 * seed gives the same ids on every start, so a feed filtered on a simulated configuration or operator keeps working
 * after a restart.
 */
final class Catalog {

    /**
     * The creation time every catalog id carries (a TTID holds one): a fixed instant rather than the start time, which
     * would change the ids on every start. It lies before any result the simulator makes.
     */
    private static final long CREATED_AT = Instant.parse("2025-06-02T09:00:00Z").toEpochMilli();

    /** A Language Operator and what its results look like. */
    record Operator(String id, String displayName, OutputFormat format, int version, Map<String, Object> parameters,
                    List<String> labels) {
    }

    /** An Intelligence Configuration with the rule that runs its operators. */
    record Configuration(String id, String ruleId, int version, List<Operator> operators) {
    }

    private final String accountId;
    private final List<Operator> operators;
    private final List<Configuration> configurations;

    Catalog(long seed, String accountId, int configurationCount) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Ttid.Generator ids = new Ttid.Generator(random);
        this.accountId = accountId != null ? accountId : "AC" + hex(random, 32);
        List<Operator> ops = new ArrayList<>();
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Sentiment", OutputFormat.CLASSIFICATION,
                2, Map.of(), List.of("POSITIVE", "NEUTRAL", "NEGATIVE", "MIXED")));
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Call reason", OutputFormat.CLASSIFICATION,
                1, Map.of("language", "en-US"), List.of("BILLING", "TECHNICAL_SUPPORT", "CANCELLATION", "NEW_ORDER",
                "ACCOUNT_ACCESS", "GENERAL_INQUIRY")));
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Resolution", OutputFormat.CLASSIFICATION,
                1, Map.of(), List.of("RESOLVED", "UNRESOLVED", "ESCALATED")));
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Script adherence", OutputFormat.JSON,
                3, Map.of("scale", 5), List.of()));
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Escalation risk", OutputFormat.JSON,
                1, Map.of("scale", 100), List.of()));
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Conversation summary", OutputFormat.TEXT,
                2, Map.of("maxSentences", 3), List.of()));
        ops.add(new Operator(ids.next("intelligence_operator", CREATED_AT), "Entity extraction",
                OutputFormat.EXTRACTION, 1, Map.of(), List.of()));
        this.operators = List.copyOf(ops);
        List<Configuration> configs = new ArrayList<>();
        for (int i = 0; i < Math.max(1, configurationCount); i++) {
            List<Operator> chosen = new ArrayList<>();
            for (OutputFormat format : List.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON, OutputFormat.TEXT,
                    OutputFormat.EXTRACTION)) {
                List<Operator> ofFormat = operators.stream().filter(o -> o.format() == format).toList();
                Operator first = ofFormat.get((i + random.nextInt(ofFormat.size())) % ofFormat.size());
                chosen.add(first);
                if (i == 0) {
                    ofFormat.stream().filter(o -> o != first).forEach(chosen::add);
                }
            }
            configs.add(new Configuration(ids.next("intelligence_configuration", CREATED_AT),
                    ids.next("intelligence_configurationrule", CREATED_AT), 1 + random.nextInt(3), List.copyOf(chosen)));
        }
        this.configurations = List.copyOf(configs);
    }

    String accountId() {
        return accountId;
    }

    List<Operator> operators() {
        return operators;
    }

    List<Configuration> configurations() {
        return configurations;
    }

    static String hex(SplittableRandom random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }
}
