package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.twilio.TwilioJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.oprelay.simulator.SimulatorFixture.simulator;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shape of result the simulator makes, over thousands of seeds, with and without the real-payload quirks,
 * validates against the official OpenAPI description (converted by {@link OpenApiSchemas}); the payload faults that
 * go beyond the spec do not. The shapes seen are counted, so a generator that stopped making one would fail here.
 */
class SimulatorSpecTest {

    private static final int SEEDS = 2_000;
    private static final int RESULTS_PER_SEED = 6;
    private static final OpenApiSchemas SPEC = OpenApiSchemas.official();

    /** Every variation the generator can make, by the names {@link #shapes} gives them. */
    private static final Set<String> EVERY_SHAPE = Set.of(
            "format CLASSIFICATION", "format JSON", "format TEXT", "format EXTRACTION",
            "participant CUSTOMER", "participant HUMAN_AGENT", "participant AI_AGENT", "participant AGENT",
            "participant UNKNOWN", "participant with profileId", "participant without profileId",
            "channel VOICE", "channel SMS", "channel CHAT", "channel WHATSAPP", "channel EMAIL", "channel RCS",
            "channel API", "channel SYSTEM",
            "trigger CONVERSATION_END", "trigger CONVERSATION_INACTIVE", "trigger COMMUNICATION",
            "resolvedContext absent", "memory object", "memory null", "memory absent", "knowledge object",
            "knowledge null", "resolvedModel present", "resolvedModel absent", "operator.displayName present",
            "operator.displayName absent", "dateCreated nanoseconds", "dateCreated milliseconds",
            "inputTruncated true", "inputTruncated false", "entities 2", "entities 3", "entities 4", "entities 5",
            "call reference", "JSON score 1-5", "JSON score 0-100");

    @Test
    void everyResultOfThousandsOfSeedsMatchesTheSpec() {
        Set<String> seen = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        int validated = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            boolean quirks = seed % 2 == 0;
            Simulator simulator = simulator(seed, Map.of("relay.simulator.quirks", Boolean.toString(quirks),
                    "relay.simulator.configurations", Long.toString(1 + seed % 4)));
            String where = "seed " + seed + " quirks=" + quirks + ": ";
            for (String id : simulator.add(RESULTS_PER_SEED)) {
                String json = new String(simulator.find(id).orElseThrow().json(), StandardCharsets.UTF_8);
                SPEC.problems(OpenApiSchemas.RESULT, json).stream().limit(3)
                        .forEach(problem -> problems.add(where + problem));
                seen.addAll(shapes(json));
                validated++;
            }
        }

        assertThat(validated).isEqualTo(SEEDS * RESULTS_PER_SEED);
        assertThat(problems.stream().limit(20).toList()).as("results off the spec (first 20 of %d)", problems.size())
                .isEmpty();
        assertThat(seen).as("shapes generated").containsAll(EVERY_SHAPE);
    }

    @Test
    void theNullProfileIdFaultServesWhatTheSpecDoesNotAllow() {
        Simulator simulator = simulator(7, Map.of("relay.simulator.faults.null-profile-ids", "true"));

        List<String> problems = simulator.add(20).stream()
                .map(id -> new String(simulator.find(id).orElseThrow().json(), StandardCharsets.UTF_8))
                .flatMap(json -> SPEC.problems(OpenApiSchemas.RESULT, json).stream())
                .toList();

        assertThat(problems).anySatisfy(problem -> assertThat(problem).contains("/profileId: null found"));
    }

    /** The variations one result shows, named as in {@link #EVERY_SHAPE}. */
    private static Set<String> shapes(String json) {
        JsonNode result = tree(json);
        Set<String> shapes = new TreeSet<>();
        String format = result.path("outputFormat").asText();
        shapes.add("format " + format);
        JsonNode details = result.path("executionDetails");
        details.path("participants").forEach(participant -> {
            shapes.add("participant " + participant.path("type").asText());
            shapes.add(participant.has("profileId") ? "participant with profileId" : "participant without profileId");
        });
        details.path("channels").forEach(channel -> shapes.add("channel " + channel.asText()));
        shapes.add("trigger " + details.path("trigger").path("on").asText());
        JsonNode context = details.path("resolvedContext");
        if (context.isMissingNode()) {
            shapes.add("resolvedContext absent");
        } else {
            shapes.add("memory " + presence(context.path("memory")));
            shapes.add("knowledge " + presence(context.path("knowledge")));
        }
        JsonNode system = result.path("metadata").path("system");
        shapes.add("resolvedModel " + (system.has("resolvedModel") ? "present" : "absent"));
        shapes.add("inputTruncated " + system.path("inputTruncated").asBoolean());
        shapes.add("operator.displayName " + (result.path("operator").has("displayName") ? "present" : "absent"));
        shapes.add("dateCreated " + (result.path("dateCreated").asText().matches(".*\\.\\d{9}Z")
                ? "nanoseconds" : "milliseconds"));
        result.path("referenceIds").forEach(id -> {
            if (id.asText().startsWith("CA")) {
                shapes.add("call reference");
            }
        });
        switch (format) {
            case "EXTRACTION" -> shapes.add("entities " + result.path("result").path("entities").size());
            case "JSON" -> shapes.add(result.path("operator").path("parameters").path("scale").asInt() == 100
                    ? "JSON score 0-100" : "JSON score 1-5");
            default -> { }
        }
        return shapes;
    }

    private static String presence(JsonNode node) {
        return node.isMissingNode() ? "absent" : node.isNull() ? "null" : node.getNodeType().name().toLowerCase();
    }

    private static JsonNode tree(String json) {
        try {
            return TwilioJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
