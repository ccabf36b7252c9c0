package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.deploy.HelmChart.Manifests;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.oprelay.deploy.HelmChart.FULLNAME;
import static io.oprelay.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard ConfigMap and the PrometheusRule: off by default, shaped for the sidecar and the operator. */
class HelmDashboardsTest {

    private static final List<String> ALERTS = List.of("RelayFeedNotAdvancing", "RelayWorkerDown",
            "RelayDeadLettersGrowing", "RelayRecordsUnroutable", "RelayWebhookCircuitOpen",
            "RelayTwilioCredentialsRejected", "RelayRouterLagging");

    @Test
    void neitherIsRenderedUnlessAskedForNorWithoutMetrics() {
        assertThat(render("default").has("PrometheusRule")).isFalse();
        assertThat(render("default").ofKind("ConfigMap")).hasSize(1);
        Manifests withoutMetrics = render("dashboards", Map.of("metrics.enabled", false));
        assertThat(withoutMetrics.has("PrometheusRule")).isFalse();
        assertThat(withoutMetrics.ofKind("ConfigMap")).hasSize(1);
    }

    @Test
    void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboardJson() throws Exception {
        JsonNode configMap = render("dashboards").named("ConfigMap", FULLNAME + "-dashboard");
        assertThat(configMap.path("metadata").path("namespace").asText()).isEqualTo("monitoring");
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(configMap.path("metadata").path("labels").path("app.kubernetes.io/instance").asText())
                .isEqualTo(HelmChart.RELEASE);
        assertThat(configMap.path("metadata").path("annotations").path("grafana_folder").asText()).isEqualTo("Relay");
        JsonNode dashboard = HelmChart.JSON.readTree(configMap.path("data").path("operator-results-relay.json").asText());
        assertThat(dashboard.path("uid").asText()).isEqualTo("operator-results-relay");
        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if ("row".equals(p.path("type").asText())) {
                rows.add(p.path("title").asText());
            }
        });
        assertThat(rows).containsExactly("Feeds (poller)", "Twilio", "Routing", "Webhooks in and out",
                "Agent-assist stream (SSE)", "Workers", "JVM");
        assertThat(DashboardMetricsTest.queries(dashboard))
                .filteredOn(query -> !query.equals("label_values(relay_workers_running, namespace)"))
                .as("every panel and the pod variable are scoped to the chosen namespace").hasSizeGreaterThan(30)
                .allSatisfy(query -> assertThat(query).contains("namespace=\"$namespace\""));

        JsonNode relabelled = render("dashboards", Map.of("metrics.grafanaDashboard.labelName", "dashboards",
                "metrics.grafanaDashboard.labelValue", "relay", "metrics.grafanaDashboard.namespace", ""))
                .named("ConfigMap", FULLNAME + "-dashboard");
        assertThat(relabelled.path("metadata").path("labels").path("dashboards").asText()).isEqualTo("relay");
        assertThat(relabelled.path("metadata").path("labels").has("grafana_dashboard")).isFalse();
        assertThat(relabelled.path("metadata").path("namespace").asText()).isEqualTo(HelmChart.NAMESPACE);
    }

    @Test
    void thePrometheusRuleHasTheAlertsScopedToTheReleaseWithItsLabelsAndThresholds() {
        JsonNode rule = render("dashboards").one("PrometheusRule");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("metadata").path("labels").path("release").asText()).isEqualTo("prometheus");
        List<String> names = new ArrayList<>();
        for (JsonNode alert : rule.path("spec").path("groups").get(0).path("rules")) {
            names.add(alert.path("alert").asText());
            String what = alert.path("alert").asText();
            assertThat(alert.path("expr").asText()).as(what).contains("namespace=\"apps\"").doesNotContain("{{");
            assertThat(alert.path("labels").path("severity").asText()).as(what).isIn("critical", "warning");
            assertThat(alert.path("labels").path("team").asText()).as(what).isEqualTo("platform");
            assertThat(alert.path("annotations").path("summary").asText()).as(what).contains("{{ $labels.");
            assertThat(alert.path("annotations").path("description").asText()).as(what).isNotBlank();
        }
        assertThat(names).containsExactlyElementsOf(ALERTS);

        JsonNode tuned = render("dashboards", Map.of("metrics.prometheusRule.selector", "job=\"relay\"",
                "metrics.prometheusRule.feedNotAdvancing.lagSeconds", 1200,
                "metrics.prometheusRule.routerLag.for", "30m")).one("PrometheusRule");
        JsonNode feed = tuned.path("spec").path("groups").get(0).path("rules").get(0);
        assertThat(feed.path("expr").asText()).contains("relay_poller_checkpoint_lag_seconds{job=\"relay\"}) > 1200")
                .doesNotContain("namespace=\"apps\"");
        assertThat(tuned.path("spec").path("groups").get(0).path("rules").get(6).path("for").asText()).isEqualTo("30m");
    }
}
