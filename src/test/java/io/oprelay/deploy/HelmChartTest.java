package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.deploy.HelmChart.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.oprelay.deploy.HelmChart.FULLNAME;
import static io.oprelay.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;

/** Renders the chart with the value sets of its {@code ci/} folder and checks what a cluster would receive. */
class HelmChartTest {

    @ParameterizedTest
    @MethodSource("io.oprelay.deploy.HelmChart#valueSets")
    void podsAreHardenedWhateverTheValueSet(String valueSet) {
        Manifests manifests = render(valueSet);
        JsonNode pod = manifests.podSpec();
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");

        JsonNode container = manifests.relayContainer();
        JsonNode security = container.path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("privileged").asBoolean(true)).isFalse();
        assertThat(texts(security.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");

        assertThat(container.path("resources").path("requests").path("cpu").asText()).isNotEmpty();
        assertThat(container.path("resources").path("requests").path("memory").asText()).isNotEmpty();
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();

        assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");
        assertThat(volume(pod, "tmp").has("emptyDir")).isTrue();
        assertThat(manifests.one("ServiceAccount").path("automountServiceAccountToken").asBoolean(true)).isFalse();
    }

    @Test
    void probesWatchTheQuarkusHealthEndpointsOnTheManagementPort() {
        Manifests manifests = render("default");
        JsonNode container = manifests.relayContainer();
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsExactly(Map.entry("http", 8080), Map.entry("management", 9000));
        assertThat(manifests.applicationProperties()).containsEntry("quarkus.http.port", "8080")
                .containsEntry("quarkus.management.port", "9000");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("management");
        }
        JsonNode moved = render("default", Map.of("managementPort", 9100)).relayContainer();
        assertThat(moved.path("ports").get(1).path("containerPort").asInt()).isEqualTo(9100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "service-monitor"})
    void theServiceCarriesTheHttpPortAloneAndTheManagementPortStaysOffIt(String valueSet) {
        Manifests manifests = render(valueSet);
        JsonNode service = manifests.named("Service", FULLNAME);
        assertThat(service.path("spec").path("ports")).hasSize(1);
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        assertThat(service.toString()).doesNotContain("9000").doesNotContain("management");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "poller-only", "router-only"})
    void everyResourceCarriesTheStandardLabelsAndTheServiceSelectsThePods(String valueSet) {
        Manifests manifests = render(valueSet, Map.of("autoscaling.enabled", true, "metrics.serviceMonitor.enabled", true));
        assertThat(manifests.documents()).hasSizeGreaterThanOrEqualTo(8);
        for (JsonNode document : manifests.documents()) {
            JsonNode labels = document.path("metadata").path("labels");
            String what = document.path("kind").asText();
            assertThat(labels.path("app.kubernetes.io/instance").asText()).as(what).isEqualTo(HelmChart.RELEASE);
            assertThat(labels.path("app.kubernetes.io/managed-by").asText()).as(what).isEqualTo("Helm");
            assertThat(labels.path("app.kubernetes.io/version").asText()).as(what).isEqualTo("0.1.0");
            assertThat(labels.path("app.kubernetes.io/part-of").asText()).as(what).isEqualTo("operator-results-relay");
            assertThat(labels.path("helm.sh/chart").asText()).as(what).isEqualTo("operator-results-relay-0.1.0");
            assertThat(labels.path("app.kubernetes.io/name").asText()).as(what).startsWith("operator-results-relay");
            assertThat(labels.path("app.kubernetes.io/component").asText()).as(what).isNotEmpty();
        }
        JsonNode podLabels = manifests.deployment().path("spec").path("template").path("metadata").path("labels");
        Map<String, String> selector = strings(manifests.deployment().path("spec").path("selector").path("matchLabels"));
        assertThat(strings(podLabels)).containsAllEntriesOf(selector);
        assertThat(strings(manifests.named("Service", FULLNAME).path("spec").path("selector"))).isEqualTo(selector);
        assertThat(strings(manifests.named("Service", FULLNAME + "-metrics").path("spec").path("selector")))
                .isEqualTo(selector);
        assertThat(strings(manifests.one("PodDisruptionBudget").path("spec").path("selector").path("matchLabels")))
                .isEqualTo(selector);
        assertThat(strings(manifests.one("ServiceMonitor").path("spec").path("selector").path("matchLabels")))
                .containsAllEntriesOf(selector).containsEntry("operator-results-relay/metrics", "true");
        assertThat(strings(manifests.named("Service", FULLNAME).path("metadata").path("labels")))
                .as("the ServiceMonitor must not pick the relay's Service").doesNotContainKey("operator-results-relay/metrics");
    }

    @Test
    void helmTestPodReachesAReadyPodThroughTheServiceWithoutJoiningIt(@TempDir Path workDir) {
        Manifests manifests = HelmChart.renderHooks("default", workDir);
        JsonNode test = manifests.ofKind("Pod").stream()
                .filter(p -> "test".equals(p.path("metadata").path("annotations").path(HelmChart.HOOK_ANNOTATION).asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no helm test pod"));
        assertThat(String.join(" ", texts(test.path("spec").path("containers").get(0).path("command"))))
                .as("the Service routes to ready pods only; /q/health is on the management port, not in it")
                .endsWith("http://" + FULLNAME + ":8080/asyncapi.yaml");
        Map<String, String> selector = strings(manifests.one("Service").path("spec").path("selector"));
        assertThat(strings(test.path("metadata").path("labels")).entrySet().containsAll(selector.entrySet()))
                .as("the test pod must not match the Service selector").isFalse();
        JsonNode security = test.path("spec").path("containers").get(0).path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(texts(security.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(test.path("spec").path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    }

    @Test
    void configLivesInAMountedApplicationPropertiesWithPlaceholdersForSecrets() {
        Manifests manifests = render("existing-secret");
        Map<String, String> properties = manifests.applicationProperties();
        assertThat(properties)
                .containsEntry("kafka.security.protocol", "SASL_SSL")
                .containsEntry("kafka.sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("kafka.sasl.jaas.config", "${KAFKA_SASL_JAAS_CONFIG}")
                .containsEntry("kafka.ssl.truststore.location", "/deployments/kafka-tls/ca.p12")
                .containsEntry("kafka.ssl.truststore.password", "${KAFKA_SSL_TRUSTSTORE_PASSWORD}")
                .containsEntry("relay.twilio.base-url", "https://intelligence.twilio.com")
                .containsEntry("relay.simulator.enabled", "false")
                .containsEntry("relay.poller.enabled", "true")
                .containsEntry("relay.routing.enabled", "true")
                .containsEntry("relay.webhook.enabled", "true")
                .containsEntry("relay.webhook.public-base-url", "https://relay.example.com")
                .containsEntry("relay.api.auth-enabled", "true")
                .containsEntry("relay.topics.classification", "intelligence.operator-results.classification")
                .containsEntry("relay.poller.page-size", "1000");
        assertThat(properties.keySet()).noneMatch(key -> key.startsWith("relay.twilio.username")
                || key.startsWith("relay.twilio.password") || key.equals("relay.api.key")
                || key.equals("relay.webhook.auth-token") || key.equals("relay.actions.signing-secret"));

        JsonNode container = manifests.relayContainer();
        assertThat(mountPath(container, "config")).isEqualTo("/deployments/config");
        JsonNode config = volume(manifests.podSpec(), "config").path("configMap");
        assertThat(config.path("name").asText()).isEqualTo(FULLNAME);
        assertThat(config.path("items").get(0).path("path").asText()).isEqualTo("application.properties");
        assertThat(manifests.env().get("KAFKA_BOOTSTRAP_SERVERS").path("value").asText())
                .isEqualTo("kafka-bootstrap.kafka.svc:9093");
        assertThat(mountPath(container, "kafka-tls")).isEqualTo("/deployments/kafka-tls");
        assertThat(volume(manifests.podSpec(), "kafka-tls").path("secret").path("secretName").asText())
                .isEqualTo("kafka-cluster-ca");
    }

    @Test
    void credentialsOfADefaultInstallGoIntoTheChartsSecretAndReachThePodAsSecretRefs() {
        Manifests manifests = render("default");
        JsonNode secret = manifests.one("Secret");
        assertThat(secret.path("metadata").path("name").asText()).isEqualTo(FULLNAME);
        assertThat(fieldNames(secret.path("data"))).containsExactlyInAnyOrder("twilio-username", "twilio-password", "api-key");
        assertThat(decoded(secret, "twilio-password")).isEqualTo("twilio-auth-token-for-ci");

        Map<String, JsonNode> env = manifests.env();
        assertSecretRef(env, "RELAY_TWILIO_USERNAME", FULLNAME, "twilio-username");
        assertSecretRef(env, "RELAY_TWILIO_PASSWORD", FULLNAME, "twilio-password");
        assertSecretRef(env, "RELAY_API_KEY", FULLNAME, "api-key");
        assertThat(env).doesNotContainKeys("RELAY_WEBHOOK_AUTH_TOKEN", "KAFKA_SASL_JAAS_CONFIG",
                "RELAY_ACTIONS_SIGNING_SECRET");
        assertThat(manifests.one("ConfigMap").toString()).doesNotContain("twilio-auth-token-for-ci");
        assertThat(manifests.deployment().toString()).doesNotContain("twilio-auth-token-for-ci");
    }

    @Test
    void withAnExistingSecretNoCredentialIsRenderedAndTheConfiguredKeysAreReferenced() {
        Map<String, Object> inline = Map.of(
                "twilio.password", "inline-twilio-password",
                "api.key", "inline-api-key-0123456789",
                "webhook.authToken", "inline-webhook-token",
                "actions.signingSecret", "inline-signing-secret",
                "kafka.sasl.jaasConfig", "inline-jaas-config",
                "kafka.tls.truststorePassword", "inline-truststore-password");
        Manifests manifests = render("existing-secret", inline);

        assertThat(manifests.has("Secret")).as("a Secret rendered despite existingSecret").isFalse();
        inline.values().forEach(value -> assertThat(manifests.text()).doesNotContain(value.toString()));

        Map<String, JsonNode> env = manifests.env();
        assertSecretRef(env, "RELAY_TWILIO_USERNAME", "relay-credentials", "account-sid");
        assertSecretRef(env, "RELAY_TWILIO_PASSWORD", "relay-credentials", "auth-token");
        assertSecretRef(env, "RELAY_API_KEY", "relay-credentials", "admin-key");
        assertSecretRef(env, "RELAY_WEBHOOK_AUTH_TOKEN", "relay-credentials", "twilio-webhook-token");
        assertSecretRef(env, "KAFKA_SASL_JAAS_CONFIG", "relay-credentials", "sasl.jaas.config");
        assertSecretRef(env, "KAFKA_SSL_TRUSTSTORE_PASSWORD", "relay-credentials", "ca.password");
        assertSecretRef(env, "RELAY_ACTIONS_SIGNING_SECRET", "relay-credentials", "actions-signing-secret");
        assertThat(env.get("RELAY_ACTIONS_SIGNING_SECRET").path("valueFrom").path("secretKeyRef")
                .path("optional").asBoolean()).as("signing secret key may be absent").isTrue();
        for (JsonNode variable : env.values()) {
            if (!variable.path("name").asText().equals("KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(variable.has("value")).as(variable.path("name").asText() + " set inline").isFalse();
            }
        }
        assertThat(podAnnotations(manifests)).doesNotContainKey("checksum/secret");
    }

    @Test
    void furtherApiKeysAndTheStreamTokenSecretReachThePodOnlyFromTheSecret() {
        Manifests inline = render("default", Map.of("api.keys", "next-api-key-0123456789",
                "api.tokenSecret", "stream-token-secret-0123"));
        JsonNode secret = inline.one("Secret");
        assertThat(decoded(secret, "api-keys")).isEqualTo("next-api-key-0123456789");
        assertThat(decoded(secret, "api-token-secret")).isEqualTo("stream-token-secret-0123");
        assertSecretRef(inline.env(), "RELAY_API_KEYS", FULLNAME, "api-keys");
        assertSecretRef(inline.env(), "RELAY_API_TOKEN_SECRET", FULLNAME, "api-token-secret");
        assertThat(inline.deployment().toString()).doesNotContain("next-api-key-0123456789")
                .doesNotContain("stream-token-secret-0123");

        Map<String, JsonNode> fromExisting = render("existing-secret").env();
        assertSecretRef(fromExisting, "RELAY_API_KEYS", "relay-credentials", "api-keys");
        assertSecretRef(fromExisting, "RELAY_API_TOKEN_SECRET", "relay-credentials", "api-token-secret");
        assertThat(fromExisting.get("RELAY_API_KEYS").path("valueFrom").path("secretKeyRef").path("optional")
                .asBoolean()).as("a Secret without further keys still starts the pod").isTrue();
    }

    @Test
    void aConfigChangeRollsThePods() {
        Map<String, String> base = podAnnotations(render("default"));
        assertThat(base).containsKeys("checksum/config", "checksum/secret");

        Map<String, String> newInterval = podAnnotations(render("default", Map.of("poller.interval", "9S")));
        assertThat(newInterval.get("checksum/config")).isNotEqualTo(base.get("checksum/config"));
        assertThat(newInterval.get("checksum/secret")).isEqualTo(base.get("checksum/secret"));

        Map<String, String> newPassword = podAnnotations(render("default", Map.of("twilio.password", "rotated")));
        assertThat(newPassword.get("checksum/secret")).isNotEqualTo(base.get("checksum/secret"));
        assertThat(newPassword.get("checksum/config")).isEqualTo(base.get("checksum/config"));

        Map<String, String> newRules = podAnnotations(render("router-only", Map.of("routing.rules", "rules: []")));
        assertThat(newRules.get("checksum/config"))
                .isNotEqualTo(podAnnotations(render("router-only")).get("checksum/config"));
    }

    @Test
    void threeReplicasAreSpreadOverNodesAndProtectedByTheDisruptionBudget() {
        Manifests manifests = render("default", Map.of("replicaCount", 3));
        assertThat(manifests.deployment().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(manifests.podSpec().path("affinity").path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution").get(0).path("podAffinityTerm")
                .path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        JsonNode pdb = manifests.one("PodDisruptionBudget");
        assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(manifests.has("HorizontalPodAutoscaler")).isFalse();

        JsonNode minAvailable = render("default", Map.of("replicaCount", 3, "pdb.minAvailable", 2))
                .one("PodDisruptionBudget").path("spec");
        assertThat(minAvailable.path("minAvailable").asInt()).isEqualTo(2);
        assertThat(minAvailable.has("maxUnavailable")).isFalse();
        assertThat(render("default", Map.of("pdb.create", false)).has("PodDisruptionBudget")).isFalse();
    }

    @Test
    void autoscalingHandsTheReplicaCountToAnAutoscalingV2Hpa() {
        Manifests manifests = render("default", Map.of("autoscaling.enabled", true, "autoscaling.maxReplicas", 12,
                "autoscaling.targetMemory", 80));
        assertThat(manifests.deployment().path("spec").has("replicas")).isFalse();
        JsonNode hpa = manifests.one("HorizontalPodAutoscaler");
        assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(FULLNAME);
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(2);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(12);
        List<String> targets = new ArrayList<>();
        hpa.path("spec").path("metrics").forEach(m -> targets.add(m.path("resource").path("name").asText() + "="
                + m.path("resource").path("target").path("averageUtilization").asInt()));
        assertThat(targets).containsExactly("cpu=75", "memory=80");
    }

    @Test
    void metricsAreAnnouncedByPodAnnotationsUnlessTheServiceMonitorIsOn() {
        Manifests byAnnotations = render("default");
        assertThat(byAnnotations.has("ServiceMonitor")).isFalse();
        assertThat(podAnnotations(byAnnotations)).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/q/metrics").containsEntry("prometheus.io/port", "9000");
        assertThat(byAnnotations.ofKind("Service")).as("no metrics Service without the ServiceMonitor").hasSize(1);

        Manifests byServiceMonitor = render("default", Map.of("metrics.serviceMonitor.enabled", true,
                "metrics.serviceMonitor.namespace", "monitoring", "metrics.serviceMonitor.labels.release", "prom"));
        JsonNode serviceMonitor = byServiceMonitor.one("ServiceMonitor");
        assertThat(serviceMonitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(serviceMonitor.path("metadata").path("namespace").asText()).isEqualTo("monitoring");
        assertThat(serviceMonitor.path("metadata").path("labels").path("release").asText()).isEqualTo("prom");
        assertThat(texts(serviceMonitor.path("spec").path("namespaceSelector").path("matchNames")))
                .containsExactly(HelmChart.NAMESPACE);
        JsonNode endpoint = serviceMonitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo("management");
        JsonNode metricsService = byServiceMonitor.named("Service", FULLNAME + "-metrics");
        assertThat(metricsService.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(metricsService.path("spec").path("ports").get(0).path("name").asText()).isEqualTo("management");
        assertThat(metricsService.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("management");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(podAnnotations(byServiceMonitor)).doesNotContainKey("prometheus.io/scrape");
    }

    @Test
    void aPollerOnlyReleasePollsItsFeedsAndRoutesNothing() {
        Manifests manifests = render("poller-only");
        assertThat(manifests.applicationProperties())
                .containsEntry("relay.poller.enabled", "true")
                .containsEntry("relay.routing.enabled", "false")
                .containsEntry("relay.poller.interval", "2S")
                .containsEntry("relay.poller.max-pages-per-sweep", "50")
                .containsEntry("relay.feeds.\"sales\".intelligence-configuration-id", "GA00000000000000000000000000000001")
                .containsEntry("relay.feeds.\"support\".operator-id", "LY00000000000000000000000000000003")
                .doesNotContainKey("relay.feeds.\"sales\".operator-id")
                .doesNotContainKey("relay.routing.rules-file");
        assertThat(manifests.deployment().path("metadata").path("labels").path("app.kubernetes.io/component").asText())
                .isEqualTo("poller");
    }

    @Test
    void aRouterOnlyReleaseRoutesWithTheMountedRulesAndPollsNothing() {
        Manifests manifests = render("router-only");
        assertThat(manifests.applicationProperties())
                .containsEntry("relay.poller.enabled", "false")
                .containsEntry("relay.routing.enabled", "true")
                .containsEntry("relay.routing.rules-file", "/deployments/rules/rules.yaml")
                .containsEntry("relay.actions.webhook-allow-list", "webhooks.twilio.com,hooks.example.com");
        assertThat(manifests.one("ConfigMap").path("data").path("rules.yaml").asText())
                .contains("escalate-negative-sentiment");
        assertThat(mountPath(manifests.relayContainer(), "rules")).isEqualTo("/deployments/rules");
        assertThat(manifests.deployment().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(manifests.deployment().path("metadata").path("labels").path("app.kubernetes.io/component").asText())
                .isEqualTo("router");
    }

    @Test
    void aRouterOnlyReleaseReadsNoTwilioCredentials() {
        assertThat(render("router-only").env()).as("from existingSecret")
                .doesNotContainKeys("RELAY_TWILIO_USERNAME", "RELAY_TWILIO_PASSWORD")
                .containsKey("RELAY_API_KEY");

        Manifests inline = render("router-only", Map.of("existingSecret", "", "api.key", "router-admin-api-key-0123",
                "twilio.username", "ACunused", "twilio.password", "unused-twilio-password"));
        assertThat(fieldNames(inline.one("Secret").path("data"))).containsExactly("api-key");
        assertThat(inline.env()).doesNotContainKeys("RELAY_TWILIO_USERNAME", "RELAY_TWILIO_PASSWORD");
        assertThat(inline.text()).doesNotContain("unused-twilio-password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "poller"})
    void aReleaseThatPollsReadsTheTwilioCredentials(String mode) {
        Map<String, JsonNode> env = render("poller-only", Map.of("mode", mode)).env();
        assertSecretRef(env, "RELAY_TWILIO_USERNAME", "relay-credentials", "twilio-username");
        assertSecretRef(env, "RELAY_TWILIO_PASSWORD", "relay-credentials", "twilio-password");
    }

    @Test
    void theSimulatorNeedsNoTwilioSecretAndIsPolledInsideThePod() {
        Manifests manifests = render("simulator");
        assertThat(manifests.applicationProperties())
                .containsEntry("relay.simulator.enabled", "true")
                .containsEntry("relay.twilio.base-url", "http://127.0.0.1:8080/simulator")
                .containsEntry("relay.twilio.username", "SKsimulator")
                .containsEntry("relay.twilio.password", "simulator")
                .containsEntry("relay.api.auth-enabled", "false");
        assertThat(manifests.env()).doesNotContainKeys("RELAY_TWILIO_USERNAME", "RELAY_TWILIO_PASSWORD", "RELAY_API_KEY");
        assertThat(manifests.has("Secret")).as("no credential needed, so no Secret").isFalse();
    }

    @Test
    void theDefaultNetworkPolicyAdmitsOnlyTheIngressControllerClientsAndPrometheus() {
        JsonNode policy = render("default").one("NetworkPolicy").path("spec");
        JsonNode app = policy.path("ingress").get(0);
        assertThat(app.path("ports").get(0).path("port").asInt()).isEqualTo(8080);
        assertThat(app.path("ports")).hasSize(1);
        JsonNode from = app.path("from");
        assertThat(from).as("no rule admits every source").isNotEmpty();
        from.forEach(peer -> assertThat(peer.size()).as("an empty peer admits everybody").isPositive());
        assertThat(from.get(0).path("podSelector").path("matchLabels").path(FULLNAME + "-client").asText())
                .isEqualTo("true");
        assertThat(from.toString()).contains("\"kubernetes.io/metadata.name\":\"ingress-nginx\"");
        JsonNode management = policy.path("ingress").get(1);
        assertThat(management.path("ports").get(0).path("port").asInt()).isEqualTo(9000);
        assertThat(management.path("from").get(0).path("namespaceSelector").path("matchLabels")
                .path("kubernetes.io/metadata.name").asText()).isEqualTo("monitoring");
        assertThat(policy.path("ingress")).hasSize(2);
    }

    @Test
    void theDefaultNetworkPolicyLetsOutOnlyDnsKafkaAndHttps() {
        JsonNode policy = render("default", Map.of("kafka.bootstrapServers", "kafka-0.kafka:9092,kafka-1.kafka:9093"))
                .one("NetworkPolicy").path("spec");
        List<Integer> egressPorts = new ArrayList<>();
        policy.path("egress").forEach(rule -> {
            assertThat(rule.size()).as("an empty egress rule lets everything out").isPositive();
            rule.path("ports").forEach(p -> egressPorts.add(p.path("port").asInt()));
        });
        assertThat(egressPorts).containsExactlyInAnyOrder(53, 53, 9092, 9093, 443);

        JsonNode listed = render("default", Map.of("networkPolicy.kafkaPorts[0]", 19092,
                "networkPolicy.extraEgress[0].ports[0].port", 8443)).one("NetworkPolicy").path("spec");
        List<Integer> listedPorts = new ArrayList<>();
        listed.path("egress").forEach(rule -> rule.path("ports").forEach(p -> listedPorts.add(p.path("port").asInt())));
        assertThat(listedPorts).containsExactlyInAnyOrder(53, 53, 19092, 443, 8443);
    }

    @Test
    void theNetworkPolicyCanStillBeOpenedExplicitly() {
        JsonNode open = render("default", Map.of("networkPolicy.allowExternal", true,
                "networkPolicy.allowExternalEgress", true)).one("NetworkPolicy").path("spec");
        assertThat(open.path("ingress").get(0).has("from")).as("allowExternal admits any source").isFalse();
        assertThat(open.path("egress").get(0).size()).as("allowExternalEgress admits any destination").isZero();
        JsonNode noMetrics = render("default", Map.of("metrics.enabled", false)).one("NetworkPolicy").path("spec");
        assertThat(noMetrics.path("ingress")).as("nobody reaches the management port").hasSize(1);
    }

    @Test
    void imageDefaultsToTheAppVersionAndPrefersADigest() {
        assertThat(render("default").relayContainer().path("image").asText()).isEqualTo("operator-results-relay:0.1.0");
        String digest = "sha256:" + "a".repeat(64);
        assertThat(render("default", Map.of("global.imageRegistry", "registry.example.com",
                "image.repository", "platform/relay", "image.digest", digest)).relayContainer().path("image").asText())
                .isEqualTo("registry.example.com/platform/relay@" + digest);
    }

    @Test
    void theScalingAndMonitoringValueSetsTurnOnWhatTheyAreNamedFor() {
        Manifests autoscaling = render("autoscaling");
        assertThat(autoscaling.one("HorizontalPodAutoscaler").path("spec").path("maxReplicas").asInt()).isEqualTo(6);
        assertThat(autoscaling.deployment().path("spec").has("replicas")).isFalse();

        Manifests serviceMonitor = render("service-monitor");
        assertThat(serviceMonitor.one("ServiceMonitor").path("metadata").path("namespace").asText())
                .isEqualTo("monitoring");
        assertThat(podAnnotations(serviceMonitor)).doesNotContainKey("prometheus.io/scrape");

        Manifests threeReplicas = render("three-replicas");
        assertThat(threeReplicas.deployment().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(threeReplicas.one("PodDisruptionBudget").path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void valueSetsOfTheCiFolderAreAllCovered() throws IOException {
        List<String> files;
        try (Stream<Path> listed = Files.list(HelmChart.CHART.resolve("ci"))) {
            files = listed.map(file -> file.getFileName().toString()).sorted().toList();
        }
        assertThat(files).as("every file of ci/ is a <name>-values.yaml")
                .allSatisfy(file -> assertThat(file).endsWith("-values.yaml"));
        assertThat(files.stream().map(file -> file.substring(0, file.length() - "-values.yaml".length())))
                .as("ci/ value sets against HelmChart.VALUE_SETS, which the tests render and lint")
                .containsExactlyInAnyOrderElementsOf(HelmChart.VALUE_SETS);
    }

    private static void assertSecretRef(Map<String, JsonNode> env, String name, String secret, String key) {
        assertThat(env).containsKey(name);
        JsonNode ref = env.get(name).path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText()).as(name + " secret").isEqualTo(secret);
        assertThat(ref.path("key").asText()).as(name + " key").isEqualTo(key);
    }

    private static Map<String, String> podAnnotations(Manifests manifests) {
        return strings(manifests.deployment().path("spec").path("template").path("metadata").path("annotations"));
    }

    private static String decoded(JsonNode secret, String key) {
        return new String(java.util.Base64.getDecoder().decode(secret.path("data").path(key).asText()),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String mountPath(JsonNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (volume.equals(mount.path("name").asText())) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of volume " + volume + " in " + container);
    }

    private static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode volume : podSpec.path("volumes")) {
            if (name.equals(volume.path("name").asText())) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name + " in " + podSpec);
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
