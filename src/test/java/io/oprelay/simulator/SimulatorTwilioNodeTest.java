package io.oprelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Node.js helper library (twilio-node 6.x, pinned in {@code src/test/node/twilio-node}) pointed at the
 * simulator: lists every page, lists one conversation, fetches, removes, and sees the 404 after removal.
 */
@QuarkusTest
class SimulatorTwilioNodeTest {

    private static final Path SOURCES = Path.of("src/test/node/twilio-node");
    private static final Path WORK = Path.of("target/twilio-node");
    private static final String SCRIPT = "list-fetch-remove.mjs";

    @Inject
    Simulator simulator;

    @TestHTTPResource("/simulator")
    URL simulatorUrl;

    /** Installs the pinned library once (npm ci from the lock file, into target/). */
    @BeforeAll
    static void installLibrary() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", SCRIPT)) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(WORK.resolve("node_modules/twilio"))) {
            return;
        }
        Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        assertThat(install.exit).as("npm ci of twilio-node failed:%n%s", install.output).isZero();
    }

    @BeforeEach
    void fresh() {
        simulator.setEnabled(true);
        simulator.clear();
        simulator.resetFaults();
    }

    @Test
    void officialNodeLibraryListsEveryPageFetchesAndRemoves() throws Exception {
        List<String> ids = new ArrayList<>(simulator.add(95));
        String conversation = "conv_conversation_01kn0de0000000000000000000";
        ids.addAll(simulator.add(5, EnumSet.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON), conversation));
        String target = ids.get(42);
        StoredResult expected = simulator.find(target).orElseThrow();

        Run check = run(List.of("node", SCRIPT, simulatorUrl.toString(), target, conversation), 120);

        assertThat(check.exit).as("twilio-node check failed:%n%s", check.output).isZero();
        JsonNode answer = new ObjectMapper().readTree(lastLine(check.output));
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

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(WORK, "run-", ".log");
        Process process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly().waitFor();
        }
        return new Run(done ? process.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
    }
}
