package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.oprelay.events.TopicsConfig;
import io.oprelay.poller.PollerService;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.RoutingWebhookResource;
import io.oprelay.routing.SampleResults;
import io.oprelay.simulator.FaultSettings;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Api;
import io.oprelay.support.RuleExecutionWebhooks;
import io.oprelay.support.Waits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's Grafana dashboard and PrometheusRule name only metrics the relay exports: both are rendered with Helm,
 * every metric their PromQL reads is extracted, and the app's {@code /q/metrics} must show each one while it works
 * (feeds sweeping against a rate-limiting simulator, a signed webhook in, a rule firing a hint, a workflow webhook
 * delivered and one dead-lettered, an SSE client connected and one refused).
 */
@QuarkusTest
class DashboardMetricsTest {

    @Inject
    Simulator simulator;

    @Inject
    PollerService poller;

    @Inject
    TopicsConfig topics;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @TestHTTPResource("/agent-assist/stream")
    URI stream;

    @AfterEach
    void simulatorWithoutFaults() {
        simulator.resetFaults();
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsExportedUnderLoad() throws Exception {
        Set<String> used = metricsOfTheChart();
        assertThat(used).as("metrics read by the dashboard and the alerts").hasSizeGreaterThan(25)
                .contains("relay_results_published_total", "relay_poller_checkpoint_lag_seconds",
                        "relay_workers_restarting", "relay_actions_circuit_open", "relay_routing_consumer_lag",
                        "jvm_memory_used_bytes");

        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<Stream<String>>> sse = http.sendAsync(
                HttpRequest.newBuilder(stream).header("X-API-Key", Api.KEY).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        try (ResultEvents events = new ResultEvents(kafka)) {
            int refused = http.send(HttpRequest.newBuilder(stream).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(refused).as("a stream request without credentials").isEqualTo(401);

            RuleExecutionWebhooks.awaitDefaultFeedRunsHere(poller);
            // Every list call answers 429 until the client has retried one; then the sweep goes through.
            simulator.setFaults(new FaultSettings(1.0, 0, 0, 0, 0, 0, 0, null));
            simulator.add(30);
            Api.given().post("/api/feeds/default/sweep").then().statusCode(202);
            await().atMost(Waits.seconds(20)).until(() -> given().get("/q/metrics").asString()
                    .contains("relay_twilio_retries_total{"));
            simulator.resetFaults();
            Api.given().post("/api/feeds/default/sweep").then().statusCode(202);
            List<String> pushed = simulator.add(2);
            RuleExecutionWebhooks.postSigned(RuleExecutionWebhooks.body(simulator, pushed)).then().statusCode(200);

            WireMockServer receivers = RoutingWebhookResource.server();
            receivers.stubFor(post(urlEqualTo("/workflow/flaky")).willReturn(aResponse().withStatus(202)));
            receivers.stubFor(post(urlEqualTo("/workflow/dead")).willReturn(aResponse().withStatus(500)));
            String conversation = SampleResults.conversationId();
            events.publish(topics.classification(), SampleResults.classification(conversation, "angry"),
                    SampleResults.classification(conversation, "flaky-endpoint"),
                    SampleResults.classification(conversation, "dead-endpoint"));

            await().atMost(Waits.seconds(30)).untilAsserted(() -> assertThat(
                    PromQlMetricNames.missing(used, given().get("/q/metrics").then().statusCode(200).extract().asString()))
                    .as("metrics named by the chart's dashboard or alerts that /q/metrics does not show").isEmpty());
        } finally {
            sse.thenAccept(response -> response.body().close());
            sse.cancel(true);
        }
    }

    /** Every metric read by a panel, a template variable or an alert of the rendered chart. */
    static Set<String> metricsOfTheChart() {
        HelmChart.Manifests manifests = HelmChart.render("dashboards");
        Set<String> used = new TreeSet<>();
        JsonNode configMap = manifests.named("ConfigMap", HelmChart.FULLNAME + "-dashboard");
        JsonNode dashboard;
        try {
            dashboard = HelmChart.JSON.readTree(configMap.path("data").path("operator-results-relay.json").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String query : queries(dashboard)) {
            used.addAll(PromQlMetricNames.in(query));
        }
        for (JsonNode group : manifests.one("PrometheusRule").path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                used.addAll(PromQlMetricNames.in(rule.path("expr").asText()));
            }
        }
        return used;
    }

    /** The PromQL of a dashboard: every target's {@code expr} and every query variable's query. */
    static List<String> queries(JsonNode dashboard) {
        List<String> queries = new java.util.ArrayList<>();
        collectExpressions(dashboard.path("panels"), queries);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                queries.add(query.isObject() ? query.path("query").asText() : query.asText());
            }
        }
        return queries;
    }

    private static void collectExpressions(JsonNode node, List<String> queries) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if ("expr".equals(field.getKey()) && field.getValue().isTextual()) {
                    queries.add(field.getValue().asText());
                } else {
                    collectExpressions(field.getValue(), queries);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectExpressions(child, queries));
        }
    }
}
