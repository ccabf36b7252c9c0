package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.support.NodeScripts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's README is generated from the {@code ## @param} comments of values.yaml by the bitnami
 * readme-generator-for-helm ({@code src/test/node/helm-readme}, pinned, installed offline from the lock file). The
 * build regenerates it into a copy and fails when the committed README differs, so the tables cannot drift.
 */
class HelmChartReadmeTest {

    /** The one command that regenerates the README, from the repository root. */
    static final String REGENERATE =
            "npm --prefix src/test/node/helm-readme ci && npm --prefix src/test/node/helm-readme run generate";

    private static final Path SOURCES = Path.of("src/test/node/helm-readme");
    private static final Path WORK = Path.of("target/helm-readme-node");
    private static final Path README = HelmChart.CHART.resolve("README.md");
    private static final Path VALUES = HelmChart.CHART.resolve("values.yaml");
    private static final String GENERATOR = "node_modules/@bitnami/readme-generator-for-helm/bin/index.js";
    private static final Pattern DEFAULT_MODIFIER =
            Pattern.compile("^## @param (\\S+) \\[[^]]*default: ([^]]*)] ", Pattern.MULTILINE);

    private static NodeScripts node;

    @BeforeAll
    static void installGenerator() throws IOException, InterruptedException {
        node = NodeScripts.install(SOURCES, WORK, List.of("package.json", "package-lock.json"),
                List.of("@bitnami/readme-generator-for-helm"));
    }

    /** Runs the generator on a copy of {@code readme} with {@code values}; returns the run and the copy. */
    private static Generated generate(Path values, String readme, Path dir) throws IOException, InterruptedException {
        Path copy = dir.resolve("README.md");
        Files.writeString(copy, readme);
        NodeScripts.Run run = node.run(List.of("node", GENERATOR, "--values", values.toAbsolutePath().toString(),
                "--readme", copy.toAbsolutePath().toString()), 120);
        return new Generated(run, Files.readString(copy));
    }

    private record Generated(NodeScripts.Run run, String readme) {
    }

    @Test
    void theCommittedChartReadmeIsWhatTheGeneratorWritesFromValuesYaml(@TempDir Path dir) throws Exception {
        String committed = Files.readString(README);

        Generated generated = generate(VALUES, committed, dir);

        assertThat(generated.run().exit()).as("readme-generator:%n%s", generated.run().output()).isZero();
        assertThat(staleness(committed, generated.readme())).isEmpty();
    }

    @Test
    void aTableEditedByHandIsReportedWithTheCommandThatRegeneratesIt(@TempDir Path dir) throws Exception {
        String edited = Files.readString(README).replaceFirst("(?m)^(\\| `replicaCount` .*)`1`", "$1`2`");
        assertThat(edited).as("the replicaCount row was edited").isNotEqualTo(Files.readString(README));

        Generated generated = generate(VALUES, edited, dir);

        assertThat(staleness(edited, generated.readme())).get().asString()
                .contains("`2`").contains("`1`").contains(REGENERATE);
    }

    @Test
    void aValueWithoutParamCommentStopsTheGenerator(@TempDir Path dir) throws Exception {
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, Files.readString(VALUES) + "\nundocumentedValue: true\n");

        Generated generated = generate(values, Files.readString(README), dir);

        assertThat(generated.run().exit()).isNotZero();
        assertThat(generated.run().output()).contains("Missing metadata for key: undocumentedValue");
    }

    @Test
    void theDefaultsWrittenInParamCommentsAreTheValuesDefaults() throws IOException {
        String text = Files.readString(VALUES);
        JsonNode values = HelmChart.YAML.readTree(text);
        Matcher matcher = DEFAULT_MODIFIER.matcher(text);
        int checked = 0;
        while (matcher.find()) {
            String path = matcher.group(1);
            JsonNode stated = HelmChart.JSON.readTree(matcher.group(2));
            assertThat(stated).as("default stated for %s", path).isEqualTo(values.at("/" + path.replace('.', '/')));
            checked++;
        }
        assertThat(checked).as("@param comments with a default: modifier").isPositive();
    }

    @Test
    void theChartReadmeIntroducesTheChartAndLinksTheDeploymentGuide() throws IOException {
        String readme = Files.readString(README);
        String intro = readme.substring(0, readme.indexOf("\n## Parameters"));
        assertThat(intro).contains("helm install relay ./helm/operator-results-relay", "--set kafka.bootstrapServers=",
                "(../../docs/deployment.md)", REGENERATE);
        assertThat(README.getParent().resolve("../../docs/deployment.md").normalize()).exists();
        assertThat(Files.readString(Path.of("docs", "deployment.md"))).contains(REGENERATE);
    }

    /** Empty when the two are equal; otherwise where they first differ and how to regenerate. */
    static Optional<String> staleness(String committed, String generated) {
        if (committed.equals(generated)) {
            return Optional.empty();
        }
        List<String> was = committed.lines().toList();
        List<String> is = generated.lines().toList();
        int line = 0;
        while (line < was.size() && line < is.size() && was.get(line).equals(is.get(line))) {
            line++;
        }
        return Optional.of(String.format("%s is not what the generator writes from values.yaml; first difference"
                        + " at line %d:%n- committed: %s%n+ generated: %s%n(%d lines committed, %d generated)."
                        + " Regenerate it from the repository root with:%n  %s",
                README, line + 1, line < was.size() ? was.get(line) : "<end of file>",
                line < is.size() ? is.get(line) : "<end of file>", was.size(), is.size(), REGENERATE));
    }
}
