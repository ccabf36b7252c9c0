package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.oprelay.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart's values: strict lint of every value set, the schema's refusals, and the documentation of each value. */
class HelmValuesTest {

    private static final Pattern PARAM = Pattern.compile("^## @param ([A-Za-z0-9_.]+) \\S.*$", Pattern.MULTILINE);

    @ParameterizedTest
    @MethodSource("io.oprelay.deploy.HelmChart#valueSets")
    void everyValueSetPassesStrictLint(String valueSet, @TempDir Path workDir) {
        LintResult result = HelmChart.lint(valueSet, workDir);
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void theDefaultValuesAloneAreRefusedBecauseTheMustSetValuesAreMissing() {
        assertThatThrownBy(() -> HelmChart.render(List.of(), Map.of()))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/kafka/bootstrapServers")
                .hasMessageContaining("/twilio/username")
                .hasMessageContaining("/twilio/password")
                .hasMessageContaining("/api/key");
    }

    @Test
    void aNegativeReplicaCountIsRefusedByTheSchema() {
        assertThatThrownBy(() -> render("default", Map.of("replicaCount", -1)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/replicaCount': minimum: got -1, want 0");
    }

    @Test
    void missingTwilioCredentialsAreRefusedWhenTheSimulatorIsOff() {
        assertThatThrownBy(() -> render("simulator", Map.of("simulator.enabled", false, "api.authEnabled", true,
                "api.key", "an-api-key-of-enough-length")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/twilio/username': minLength: got 0, want 1")
                .hasMessageContaining("at '/twilio/password': minLength: got 0, want 1");
    }

    @Test
    void missingTwilioCredentialsAreRefusedWhenThePollerRuns() {
        assertThatThrownBy(() -> render("default", Map.of("mode", "poller", "twilio.username", "",
                "twilio.password", "")))
                .hasMessageContaining("at '/twilio/username': minLength: got 0, want 1")
                .hasMessageContaining("at '/twilio/password': minLength: got 0, want 1");
    }

    @Test
    void aRouterOnlyReleaseNeedsNoTwilioCredentials() {
        assertThat(render("router-only", Map.of("existingSecret", "", "api.key", "router-admin-api-key-0123"))
                .has("Deployment")).isTrue();
    }

    @Test
    void twilioCredentialsAreNotRequiredWithAnExistingSecretOrTheSimulator() {
        assertThat(render("poller-only").has("Deployment")).isTrue();
        assertThat(render("simulator").has("Deployment")).isTrue();
    }

    @Test
    void otherUnusableValuesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> render("default", Map.of("kafka.bootstrapServers", "kafka")))
                .hasMessageContaining("/kafka/bootstrapServers");
        assertThatThrownBy(() -> render("default", Map.of("api.key", "short")))
                .hasMessageContaining("at '/api/key': minLength: got 5, want 16");
        assertThatThrownBy(() -> render("default", Map.of("mode", "both")))
                .hasMessageContaining("/mode");
        assertThatThrownBy(() -> render("default", Map.of("webhook.enabled", true)))
                .hasMessageContaining("/webhook/authToken");
        assertThatThrownBy(() -> render("default", Map.of("managementPort", 8080)))
                .hasMessageContaining("/managementPort");
        assertThatThrownBy(() -> render("default", Map.of("networkPolicy.ingressController.namespaceSelector.app",
                "nginx"))).hasMessageContaining("/networkPolicy/ingressController/namespaceSelector");
        assertThatThrownBy(() -> render("default", Map.of("kafka.sasl.mechanism", "PLAIN")))
                .hasMessageContaining("/kafka/sasl/jaasConfig");
        assertThatThrownBy(() -> render("default", Map.of("kafka.tls.truststoreKey", "ca.p12",
                "kafka.tls.truststorePassword", "changeit")))
                .hasMessageContaining("/kafka/tls/existingSecret");
        assertThatThrownBy(() -> render("default", Map.of("poller.interval", "five seconds")))
                .hasMessageContaining("/poller/interval");
        assertThatThrownBy(() -> render("default", Map.of("poller.feeds.Sales_Team.operatorId", "LY1")))
                .hasMessageContaining("/poller/feeds").hasMessageContaining("Sales_Team")
                .hasMessageContaining("does not match pattern");
    }

    @Test
    void everyValueHasAParamCommentAndEveryParamCommentAValue() throws IOException {
        String text = Files.readString(HelmChart.CHART.resolve("values.yaml"));
        Set<String> params = params(text);
        JsonNode values = HelmChart.YAML.readTree(text);

        List<String> undocumented = new ArrayList<>();
        collectUndocumented("", values, params, undocumented);
        assertThat(undocumented).as("values without a ## @param comment").isEmpty();

        List<String> stale = params.stream().filter(p -> values.at("/" + p.replace('.', '/')).isMissingNode()).toList();
        assertThat(stale).as("## @param comments naming no value").isEmpty();
    }

    @Test
    void theChartReadmeListsEveryValueAndTheDeploymentGuideLinksIt() throws IOException {
        Set<String> params = params(Files.readString(HelmChart.CHART.resolve("values.yaml")));
        String readme = Files.readString(HelmChart.CHART.resolve("README.md"));
        assertThat(params).allSatisfy(param -> assertThat(readme).as("the chart's README.md")
                .containsPattern("(?m)^\\| `" + Pattern.quote(param) + "` +\\|"));
        assertThat(Files.readString(Path.of("docs", "deployment.md")))
                .contains("(../helm/operator-results-relay/README.md#parameters)");
    }

    @Test
    void theReadmeDeploySectionTablesTheMainValuesWithTheirDefaults() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Deploy\n");
        assertThat(start).as("README has a Deploy section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String deploy = readme.substring(start, end < 0 ? readme.length() : end);
        JsonNode values = HelmChart.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());

        Map<String, String> defaults = new java.util.LinkedHashMap<>();
        for (String row : deploy.lines().filter(line -> line.startsWith("| `")).toList()) {
            String[] cells = row.split(" \\| ");
            List<String> keys = codeSpans(cells[0]);
            List<String> shown = codeSpans(cells[1]);
            assertThat(shown).as("one default per value in: " + row).hasSameSizeAs(keys);
            for (int i = 0; i < keys.size(); i++) {
                defaults.put(keys.get(i), shown.get(i));
            }
        }
        assertThat(defaults.keySet()).containsAll(List.of("image.registry", "image.repository",
                "kafka.bootstrapServers", "existingSecret", "mode", "replicaCount", "simulator.enabled", "poller.feeds",
                "autoscaling.enabled", "metrics.serviceMonitor.enabled"));
        defaults.forEach((key, shown) -> {
            JsonNode value = values.at("/" + key.replace('.', '/'));
            assertThat(value.isMissingNode()).as(key + " is a value of values.yaml").isFalse();
            String actual = value.isContainerNode() || value.isTextual() && value.asText().isEmpty()
                    ? value.toString() : value.asText();
            assertThat(shown).as("README default of " + key).isEqualTo(actual);
        });

        assertThat(deploy).contains("docker compose -f docker/docker-compose.yml up");
        assertThat(Path.of("docker", "docker-compose.yml")).exists();
    }

    /** The {@code `code`} spans of a Markdown table cell, in order. */
    private static List<String> codeSpans(String cell) {
        List<String> spans = new ArrayList<>();
        Matcher matcher = Pattern.compile("`([^`]*)`").matcher(cell);
        while (matcher.find()) {
            spans.add(matcher.group(1));
        }
        return spans;
    }

    /** The values covered by a {@code ## @param} comment, in order. */
    static Set<String> params(String valuesYaml) {
        Set<String> params = new LinkedHashSet<>();
        Matcher matcher = PARAM.matcher(valuesYaml);
        while (matcher.find()) {
            assertThat(params.add(matcher.group(1))).as("documented twice: " + matcher.group(1)).isTrue();
        }
        return params;
    }

    /** A value is documented by a @param on itself, or on each of its children when it is a non-empty map. */
    private static void collectUndocumented(String path, JsonNode node, Set<String> params, List<String> undocumented) {
        if (!path.isEmpty() && params.contains(path)) {
            return;
        }
        if (node.isObject() && node.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                collectUndocumented(path.isEmpty() ? child.getKey() : path + "." + child.getKey(), child.getValue(),
                        params, undocumented);
            }
        } else {
            undocumented.add(path);
        }
    }

    @Test
    void anExposedWebhookNeedsThePublicBaseUrlThatTwilioSigns() {
        assertThatThrownBy(() -> render("default", Map.of("webhook.enabled", true,
                "webhook.authToken", "twilio-auth-token")))
                .hasMessageContaining("/webhook/publicBaseUrl");
        assertThatThrownBy(() -> render("default", Map.of("webhook.enabled", true,
                "webhook.authToken", "twilio-auth-token", "webhook.publicBaseUrl", "relay.example.com")))
                .hasMessageContaining("/webhook/publicBaseUrl");
        assertThat(render("default", Map.of("webhook.enabled", true, "webhook.authToken", "twilio-auth-token",
                "webhook.publicBaseUrl", "https://relay.example.com/relay")).applicationProperties())
                .containsEntry("relay.webhook.public-base-url", "https://relay.example.com/relay");
    }
}
