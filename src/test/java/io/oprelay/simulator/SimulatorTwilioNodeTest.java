package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.support.NodeScripts;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Node.js helper library (twilio-node 6.x, pinned in {@code src/test/node/twilio-node}) pointed at the
 * simulator: lists every page, lists one conversation, fetches, removes, and sees the 404 after removal.
 */
@QuarkusTest
class SimulatorTwilioNodeTest extends SimulatorFixture {

    private static final Path SOURCES = Path.of("src/test/node/twilio-node");
    private static final Path WORK = Path.of("target/twilio-node");
    private static final String SCRIPT = "list-fetch-remove.mjs";

    private static NodeScripts node;

    /** Installs the pinned library once (npm ci from the lock file, into target/). */
    @BeforeAll
    static void installLibrary() throws IOException, InterruptedException {
        node = NodeScripts.install(SOURCES, WORK, List.of("package.json", "package-lock.json", SCRIPT),
                List.of("twilio"));
    }

    @Test
    void officialNodeLibraryListsEveryPageFetchesAndRemoves() throws Exception {
        List<String> ids = new ArrayList<>(simulator.add(95));
        String conversation = "conv_conversation_01kn0de0000000000000000000";
        ids.addAll(simulator.add(5, EnumSet.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON), conversation));
        String target = ids.get(42);
        StoredResult expected = simulator.find(target).orElseThrow();

        NodeScripts.Run check = node.run(List.of("node", SCRIPT, simulatorUrl.toString(), target, conversation), 120);

        assertThat(check.exit()).as("twilio-node check failed:%n%s", check.output()).isZero();
        JsonNode answer = new ObjectMapper().readTree(check.lastLine());
        List<String> listed = new ArrayList<>();
        answer.get("listed").forEach(id -> listed.add(id.asText()));
        assertThat(listed).hasSize(100).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        assertThat(answer.get("ofConversation")).hasSize(5)
                .allSatisfy(id -> assertThat(id.asText()).isEqualTo(conversation));
        assertThat(answer.at("/fetched/id").asText()).isEqualTo(target);
        assertThat(answer.at("/fetched/conversationId").asText()).isEqualTo(expected.conversationId());
        assertThat(answer.at("/fetched/outputFormat").asText()).isEqualTo(expected.format().name());
        assertThat(answer.at("/fetched/hasResult").asBoolean()).isTrue();
        assertThat(answer.get("removed").asBoolean()).isTrue();
        assertThat(answer.get("statusAfterRemove").asInt()).isEqualTo(404);
        assertThat(answer.get("codeAfterRemove").asInt()).isEqualTo(20404);
        assertThat(simulator.find(target)).isEmpty();
    }

}
