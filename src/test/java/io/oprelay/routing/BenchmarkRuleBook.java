package io.oprelay.routing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Results and rules of the routing benchmark, drawn from ONE value space so that the rules can fire: results vary
 * their operator, label or score, channel and trigger over the values listed here, and the rules name only those
 * values. A stated share of the results falls into a "hot" region (some label/channel cells of CLASSIFICATION results,
 * a score band per channel of JSON results); the first rules partition that region, the others pick sub-regions of
 * it with {@code all}/{@code any}/{@code not}, operator, trigger and participant tests, so a hot result fires one rule
 * or several and a cold one fires none. The share that fired is measured on the broker, not taken from here.
 */
final class BenchmarkRuleBook {

    static final String[] LABELS = {"angry", "frustrated", "neutral", "happy", "confused", "satisfied", "upset",
            "calm", "curious", "impatient"};
    static final String[] CHANNELS = {"VOICE", "SMS", "CHAT", "WHATSAPP"};
    static final String[] TRIGGERS = {"COMMUNICATION", "CONVERSATION_END"};
    static final String[] CLASSIFIERS = {SampleResults.OPERATOR_SENTIMENT,
            "intelligence_operator_01k6fc25s7epm9qtk8rszbv3qa"};
    static final String[] SCORERS = {SampleResults.OPERATOR_SCORE, "intelligence_operator_01k6fc25s7epm9qtk8rszbv3qb"};
    /** Scores are multiples of 1/SCALE, so a band of width w holds exactly w of them (in expectation). */
    private static final int SCALE = 1000;
    private static final int JSON_PIECES = 3;

    private final int rules;
    private final int scoreWidth;
    private final List<int[]> hotCells = new ArrayList<>();
    private final int[] bandStart = new int[CHANNELS.length];

    /**
     * @param share share of results that fall into the hot region (0 to 1), rounded to whole label/channel cells
     *              and to score steps of 1/1000
     * @param rules number of rules, at least the partitioning ones
     */
    BenchmarkRuleBook(double share, int rules) {
        if (share <= 0 || share > 1) {
            throw new IllegalArgumentException("share must be in (0, 1], got " + share);
        }
        this.rules = rules;
        List<int[]> cells = new ArrayList<>();
        for (int l = 0; l < LABELS.length; l++) {
            for (int c = 0; c < CHANNELS.length; c++) {
                cells.add(new int[]{l, c});
            }
        }
        Collections.shuffle(cells, new Random(15));
        hotCells.addAll(cells.subList(0, Math.max(1, (int) Math.round(share * cells.size()))));
        scoreWidth = Math.max(JSON_PIECES, (int) Math.round(share * SCALE));
        for (int c = 0; c < CHANNELS.length; c++) {
            bandStart[c] = (int) ((c * 370L) % (SCALE - scoreWidth + 1));
        }
        if (rules < hotCells.size() + CHANNELS.length * JSON_PIECES) {
            throw new IllegalArgumentException("needs at least " + (hotCells.size() + CHANNELS.length * JSON_PIECES)
                    + " rules to cover the hot region");
        }
    }

    /** The share of results the hot region holds by construction (the measured share should be close). */
    double designedShare() {
        return 0.5 * hotCells.size() / (LABELS.length * CHANNELS.length) + 0.5 * scoreWidth / (double) SCALE;
    }

    /** Result {@code i}: even ones CLASSIFICATION, odd ones JSON {@code {score, explanation}}; values from {@code random}. */
    ObjectNode result(int i, String conversation, Random random) {
        ObjectNode result = i % 2 == 0
                ? SampleResults.classification(conversation, LABELS[random.nextInt(LABELS.length)])
                : SampleResults.scored(conversation, random.nextInt(SCALE) / (double) SCALE, "explanation " + i);
        String[] operators = i % 2 == 0 ? CLASSIFIERS : SCORERS;
        ((ObjectNode) result.get("operator")).put("id", operators[random.nextInt(operators.length)]);
        ObjectNode details = (ObjectNode) result.get("executionDetails");
        ((ObjectNode) details.get("trigger")).put("on", TRIGGERS[random.nextInt(TRIGGERS.length)]);
        ArrayNode channels = details.putArray("channels");
        channels.add(CHANNELS[random.nextInt(CHANNELS.length)]);
        return result;
    }

    /** The rules as YAML. */
    String yaml() {
        StringBuilder yaml = new StringBuilder("rules:\n");
        int n = 0;
        for (int[] cell : hotCells) {
            rule(yaml, n++, "{all: [{format: CLASSIFICATION}, {label: " + label(cell) + "}, {channel: "
                    + channel(cell) + "}]}", true, false);
        }
        for (int c = 0; c < CHANNELS.length; c++) {
            for (int p = 0; p < JSON_PIECES; p++) {
                int from = bandStart[c] + scoreWidth * p / JSON_PIECES;
                int to = bandStart[c] + scoreWidth * (p + 1) / JSON_PIECES;
                rule(yaml, n++, "{format: JSON, channel: " + CHANNELS[c] + ", score: {'>=': " + score(from)
                        + ", '<': " + score(to) + "}}", false, true);
            }
        }
        for (int i = 0; n < rules; i++) {
            int[] cell = hotCells.get(i % hotCells.size());
            int c = i % CHANNELS.length;
            int quarter = scoreWidth / 4;
            int from = bandStart[c] + quarter * (i % 4);
            String when = switch (i % 5) {
                case 0 -> "{all: [{label: {oneOf: [" + String.join(", ", hotLabels(cell[1])) + "]}}, {channel: "
                        + channel(cell) + "}, {operator: " + CLASSIFIERS[i % 2] + "}]}";
                case 1 -> "{any: [{all: [{label: " + label(cell) + "}, {channel: " + channel(cell) + "}]},"
                        + " {all: [{format: JSON}, {channel: " + CHANNELS[c] + "}, {score: {between: ["
                        + score(from) + ", " + score(from + quarter / 2) + "]}}]}]}";
                case 2 -> "{all: [{trigger: CONVERSATION_END}, {format: JSON}, {channel: " + CHANNELS[c]
                        + "}, {score: {'>=': " + score(from) + ", '<': " + score(from + quarter) + "}}]}";
                case 3 -> "{all: [{participantType: CUSTOMER}, {format: CLASSIFICATION}, {label: " + label(cell)
                        + "}, {channel: " + channel(cell) + "}, {not: {trigger: COMMUNICATION}}]}";
                default -> "{all: [{operator: " + SCORERS[i % 2] + "}, {channel: " + CHANNELS[c]
                        + "}, {score: {between: [" + score(from) + ", " + score(from + quarter - 1) + "]}}]}";
            };
            rule(yaml, n++, when, i % 2 == 0, i % 2 == 1 || i % 5 == 0);
        }
        return yaml.toString();
    }

    private List<String> hotLabels(int channel) {
        List<String> labels = new ArrayList<>();
        for (int[] cell : hotCells) {
            if (cell[1] == channel) {
                labels.add(label(cell));
            }
        }
        return labels;
    }

    private static void rule(StringBuilder yaml, int n, String when, boolean hint, boolean command) {
        yaml.append("  - name: rule-").append(n).append('\n')
                .append("    when: ").append(when).append('\n')
                .append("    actions:\n");
        if (hint) {
            yaml.append("      - {type: agent-assist, severity: warning, message: \"{{label}} {{score}}\"}\n");
        }
        if (command) {
            yaml.append("      - {type: workflow, action: review-").append(n).append("}\n");
        }
    }

    private static String label(int[] cell) {
        return LABELS[cell[0]];
    }

    private static String channel(int[] cell) {
        return CHANNELS[cell[1]];
    }

    private static String score(int steps) {
        return Double.toString(steps / (double) SCALE);
    }
}
