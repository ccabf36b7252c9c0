package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.deploy.HelmChart.Manifests;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.oprelay.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart's {@code tracing} values: OTLP export only when an endpoint is set, and a way out through the policy. */
class HelmTracingTest {

    private static final String ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    private static final String PROTOCOL = "quarkus.otel.exporter.otlp.traces.protocol";
    private static final String RATIO = "quarkus.otel.traces.sampler.arg";
    private static final String HEADERS = "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_HEADERS";

    @Test
    void withoutAnEndpointTheRelayExportsNothingAndTheNetworkPolicyOpensNoCollectorPort() {
        Manifests manifests = render("default", Map.of("kafka.bootstrapServers", "kafka:9092"));
        Map<String, String> properties = manifests.applicationProperties();
        assertThat(properties).doesNotContainKeys(ENDPOINT, PROTOCOL).containsEntry(RATIO, "1");
        assertThat(manifests.env()).doesNotContainKey(HEADERS);
        assertThat(egressPorts(manifests)).containsExactlyInAnyOrder(53, 53, 9092, 443);
    }

    @Test
    void anEndpointTurnsTheExportOnWithItsProtocolHeadersFromASecretSamplingAndAnEgressRule() {
        Manifests manifests = render("default", Map.of("kafka.bootstrapServers", "kafka:9092",
                "tracing.otlpEndpoint", "http://otel-collector.monitoring:4318",
                "tracing.protocol", "http/protobuf",
                "tracing.headersSecret.name", "tracing-backend",
                "tracing.samplerRatio", 0.25));
        Map<String, String> properties = manifests.applicationProperties();
        assertThat(properties).containsEntry(ENDPOINT, "http://otel-collector.monitoring:4318")
                .containsEntry(PROTOCOL, "http/protobuf").containsEntry(RATIO, "0.25");
        JsonNode headers = manifests.env().get(HEADERS).path("valueFrom").path("secretKeyRef");
        assertThat(headers.path("name").asText()).isEqualTo("tracing-backend");
        assertThat(headers.path("key").asText()).isEqualTo("otlp-headers");
        assertThat(egressPorts(manifests)).containsExactlyInAnyOrder(53, 53, 9092, 4318, 443);
        assertThat(manifests.text()).doesNotContain("tracing-backend-value");
    }

    @Test
    void aCollectorBehindHttpsWithoutAPortNeedsNoRuleBeyondHttps() {
        Manifests manifests = render("default", Map.of("kafka.bootstrapServers", "kafka:9092",
                "tracing.otlpEndpoint", "https://otlp.example.com"));
        assertThat(manifests.applicationProperties()).containsEntry(PROTOCOL, "grpc");
        assertThat(manifests.env()).doesNotContainKey(HEADERS);
        assertThat(egressPorts(manifests)).containsExactlyInAnyOrder(53, 53, 9092, 443);
    }

    @Test
    void theSchemaRefusesAnUnknownProtocolAndARatioAboveOne() {
        assertThatThrownBy(() -> render("default", Map.of("tracing.protocol", "zipkin")))
                .hasMessageContaining("protocol");
        assertThatThrownBy(() -> render("default", Map.of("tracing.samplerRatio", 2)))
                .hasMessageContaining("samplerRatio");
        assertThatThrownBy(() -> render("default", Map.of("tracing.samplerRatio", "1.5")))
                .hasMessageContaining("samplerRatio");
    }

    private static List<Integer> egressPorts(Manifests manifests) {
        List<Integer> ports = new ArrayList<>();
        manifests.one("NetworkPolicy").path("spec").path("egress")
                .forEach(rule -> rule.path("ports").forEach(p -> ports.add(p.path("port").asInt())));
        return ports;
    }
}
