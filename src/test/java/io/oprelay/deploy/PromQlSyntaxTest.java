package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.oprelay.support.NodeScripts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every PromQL expression of the chart's dashboard and alerts parses with Prometheus' own PromQL grammar
 * ({@code @prometheus-io/lezer-promql}, pinned in {@code src/test/node/promql}): the Prometheus Operator refuses a
 * PrometheusRule whose expression does not parse, and Grafana shows an error in place of the panel.
 */
class PromQlSyntaxTest {

    private static final Path SOURCES = Path.of("src/test/node/promql");
    private static final Path WORK = Path.of("target/promql-node");
    private static final String SCRIPT = "check.mjs";

    private static NodeScripts node;

    @BeforeAll
    static void installParser() throws IOException, InterruptedException {
        node = NodeScripts.install(SOURCES, WORK, List.of("package.json", "package-lock.json", SCRIPT),
                List.of("@prometheus-io/lezer-promql"));
    }

    private static NodeScripts.Run check(Map<String, String> expressions) throws IOException, InterruptedException {
        ArrayNode list = HelmChart.JSON.createArrayNode();
        expressions.forEach((name, expr) -> list.addObject().put("name", name).put("expr", expr));
        Path file = Files.createTempFile(WORK, "expressions-", ".json");
        HelmChart.JSON.writeValue(file.toFile(), list);
        return node.run(List.of("node", SCRIPT, file.toAbsolutePath().toString()), 120);
    }

    @Test
    void everyExpressionOfTheDashboardAndTheAlertsParses() throws Exception {
        Map<String, String> expressions = new java.util.LinkedHashMap<>();
        HelmChart.Manifests manifests = HelmChart.render("dashboards");
        JsonNode dashboard = HelmChart.JSON.readTree(manifests.named("ConfigMap", HelmChart.FULLNAME + "-dashboard")
                .path("data").path("operator-results-relay.json").asText());
        List<String> queries = DashboardMetricsTest.queries(dashboard);
        for (int i = 0; i < queries.size(); i++) {
            String query = queries.get(i);
            if (!query.startsWith("label_values(")) {
                // Grafana replaces its interval variable before the query reaches Prometheus.
                expressions.put("dashboard query " + i, query.replace("$__rate_interval", "5m"));
            }
        }
        for (JsonNode rule : manifests.one("PrometheusRule").path("spec").path("groups").get(0).path("rules")) {
            expressions.put(rule.path("alert").asText(), rule.path("expr").asText());
        }
        assertThat(expressions).hasSizeGreaterThan(35);

        NodeScripts.Run run = check(expressions);
        assertThat(run.output()).as("PromQL that does not parse").contains(", 0 that do not parse");
        assertThat(run.exit()).isZero();
    }

    @Test
    void anExpressionThatDoesNotParseIsNamed() throws Exception {
        NodeScripts.Run run = check(Map.of("unclosed", "sum by (feed) (relay_poller_checkpoint_lag_seconds{feed=\"a\"",
                "fine", "max(relay_routing_consumer_lag) > 10"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("unclosed: does not parse").doesNotContain("fine:")
                .contains(", 1 that do not parse");
    }
}
