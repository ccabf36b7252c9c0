package io.oprelay.packaging;

import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RelayProcess;
import io.oprelay.webhook.TwilioSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application (production profile) as a client or an attacker meets it: {@code /q/*} only on the
 * management port, and a webhook refused on its signature before its body is sent.
 */
class PublicAndManagementPortsIT {

    private static final String AUTH_TOKEN = "it-webhook-auth-token";
    private static final String WEBHOOK = "/webhooks/twilio/rule-execution";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static KafkaBrokerResource broker;
    private static RelayProcess relay;

    @BeforeAll
    static void start() throws Exception {
        broker = new KafkaBrokerResource();
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        relay = new RelayProcess("edge", Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "relay.poller.enabled", "false",
                "relay.routing.enabled", "false",
                "relay.webhook.auth-token", AUTH_TOKEN)).start().awaitLive(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthMetricsAndOpenApiAnswerOnTheManagementPortAndNotOnTheHttpPort() throws Exception {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi")) {
            HttpResponse<String> management = get(relay.managementUrl() + path);
            if (path.equals("/q/health/ready") && management.statusCode() == 503) {
                // Readiness may still be coming up (the app was awaited live only): then it is the health check
                // itself that says DOWN, not some other 503.
                assertThat(management.body()).as(path).contains("\"status\"").contains("DOWN");
            } else {
                assertThat(management.statusCode()).as("management port " + path).isEqualTo(200);
            }
            assertThat(management.body()).as(path).isNotBlank();
            assertThat(get(relay.baseUrl() + path).statusCode()).as("HTTP port " + path).isEqualTo(404);
        }
        assertThat(get(relay.managementUrl() + "/q/metrics").body()).contains("jvm_memory_used_bytes")
                .as("the counters the chart's alerts read").contains("relay_poller_failures_total{");
        assertThat(get(relay.managementUrl() + "/q/health/live").statusCode()).isEqualTo(200);
        assertThat(relay.get("/api/feeds").statusCode()).as("the API stays on the HTTP port").isEqualTo(200);
        assertThat(get(relay.managementUrl() + "/api/feeds").statusCode()).as("and only there").isEqualTo(404);
    }

    @Test
    void anUnsignedWebhookIsRefused403BeforeItsBodyIsSent() throws Exception {
        int port = URI.create(relay.baseUrl()).getPort();
        String pathAndQuery = WEBHOOK + "?bodySHA256=" + "0".repeat(64);
        RawHttp.Answer answer = RawHttp.postPartially("localhost", port, pathAndQuery,
                Map.of("Content-Type", "application/json", "X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl"),
                1_000_000, 4096, Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain(AUTH_TOKEN);
    }

    @Test
    void aWebhookSignedForItsUrlGetsPastTheSignatureCheck() throws Exception {
        byte[] body = "{\"operatorResults\":[]}".getBytes(StandardCharsets.UTF_8);
        String pathAndQuery = WEBHOOK + "?bodySHA256=" + TwilioSignature.bodyHash(body);
        int port = URI.create(relay.baseUrl()).getPort();
        String signature = new TwilioSignature(AUTH_TOKEN).sign("http://localhost:" + port + pathAndQuery);
        RawHttp.Answer answer = RawHttp.post("localhost", port, pathAndQuery,
                Map.of("Content-Type", "application/json", "X-Twilio-Signature", signature), body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void withoutAPublicBaseUrlOrProxyForwardingStartUpWarnsNamingTheProperty() {
        assertThat(relay.log()).contains("relay.webhook.public-base-url").contains("Host header")
                .doesNotContain(AUTH_TOKEN);
    }
}
