package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.oprelay.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schema closes every object of the chart's values, so that a misspelt value fails instead of being ignored. Every
 * object of values.yaml (found by walking the file) gets a misspelt key, checked against values.schema.json by a JSON
 * Schema validator, with the error read in detail, and rendered by the real Helm (in-process, a few seconds for the
 * walk), which must refuse it naming the key; {@code helm lint} is proven on the service-monitor typo of the issue.
 */
class HelmValuesSchemaTest {

    /**
     * The free-form maps of values.yaml: labels, annotations, properties and Kubernetes objects passed through. Each
     * must accept an entry of its own (checked below), so the list cannot claim a closed object is open.
     */
    private static final Set<String> OPEN_MAPS = Set.of("commonLabels", "commonAnnotations", "extraConfig",
            "resources.requests", "resources.limits", "tests.resources.requests", "tests.resources.limits",
            "podLabels", "podAnnotations", "nodeSelector", "affinity", "service.annotations",
            "serviceAccount.annotations", "autoscaling.behavior", "metrics.serviceMonitor.labels",
            "metrics.grafanaDashboard.labels", "metrics.grafanaDashboard.annotations", "metrics.prometheusRule.labels",
            "metrics.prometheusRule.additionalAlertLabels",
            "networkPolicy.ingressController.namespaceSelector.matchLabels",
            "networkPolicy.metricsNamespaceSelector.matchLabels");

    /** Named by lower-case feed names only: checked separately. */
    private static final String FEEDS = "poller.feeds";

    private static final Schema SCHEMA = schema();

    private static Schema schema() {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                    .getSchema(Files.readString(HelmChart.CHART.resolve("values.schema.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** values.yaml with the must-set values of {@code ci/default-values.yaml}: valid as it is. */
    private static ObjectNode validBase() throws IOException {
        ObjectNode values = (ObjectNode) HelmChart.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());
        HelmChart.merge(values, HelmChart.YAML.readTree(HelmChart.valueSet("default").toFile()));
        return values;
    }

    private static List<String> errors(JsonNode values) {
        return SCHEMA.validate(values.toString(), InputFormat.JSON).stream().map(Error::toString).toList();
    }

    @Test
    void theValuesWithTheMustSetValuesAreValid() throws IOException {
        assertThat(errors(validBase())).isEmpty();
    }

    /** Every object of values.yaml but the free-form maps, the root included as "". */
    private static List<String> closedObjects() throws IOException {
        JsonNode defaults = HelmChart.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());
        List<String> objects = new ArrayList<>();
        collectObjects("", defaults, objects);
        List<String> closed = objects.stream().filter(p -> !OPEN_MAPS.contains(p) && !FEEDS.equals(p)).toList();
        assertThat(closed).as("objects of values.yaml walked").contains("", "metrics", "metrics.serviceMonitor",
                "networkPolicy.ingressController.podSelector", "startupProbe", "containerSecurityContext.capabilities",
                "tests.image", "tests.resources", "resources", "kafka.tls");
        return closed;
    }

    @Test
    void aMisspeltKeyIsRefusedInEveryObjectOfTheValuesNamingTheKey() throws IOException {
        List<String> accepted = new ArrayList<>();
        for (String path : closedObjects()) {
            ObjectNode values = validBase();
            ObjectNode object = objectAt(values, path);
            String typo = misspelling(object);
            object.put(typo, "x");
            List<String> errors = errors(values);
            if (errors.stream().noneMatch(e -> e.contains("'" + typo + "'"))) {
                accepted.add((path.isEmpty() ? "" : path + ".") + typo + " -> " + errors);
            }
        }
        assertThat(accepted).as("misspelt keys the schema did not refuse by name").isEmpty();
    }

    @Test
    void helmItselfRefusesAMisspeltKeyInEveryObjectOfTheValues() throws IOException {
        List<String> accepted = new ArrayList<>();
        for (String path : closedObjects()) {
            String typo = misspelling(objectAt(validBase(), path));
            String key = path.isEmpty() ? typo : path + "." + typo;
            try {
                render("default", Map.of(key, "x"));
                accepted.add(key);
            } catch (RuntimeException e) {
                assertThat(e.getMessage()).as(key).contains("values don't meet the specifications of the schema")
                        .contains("at '" + (path.isEmpty() ? "" : "/" + path.replace('.', '/')) + "'")
                        .contains("'" + typo + "'");
            }
        }
        assertThat(accepted).as("misspelt keys that Helm rendered").isEmpty();
    }

    @Test
    void theFreeFormMapsStayOpenButTyped() throws IOException {
        for (String path : OPEN_MAPS) {
            ObjectNode values = validBase();
            objectAt(values, path).put("example.com/extra", "1");
            assertThat(errors(values)).as("an entry in %s", path).isEmpty();
        }
        ObjectNode values = validBase();
        objectAt(values, "podAnnotations").put("example.com/number", 1);
        assertThat(errors(values)).as("annotation values are strings").singleElement().asString()
                .contains("podAnnotations");
        values = validBase();
        objectAt(values, "resources.limits").put("memory", "a lot");
        assertThat(errors(values)).as("resource quantities").isNotEmpty();
    }

    @Test
    void probesTakeEveryTimingFieldKubernetesHasSinceTheyArePassedThrough() throws IOException {
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            ObjectNode values = validBase();
            objectAt(values, probe).put("successThreshold", 1).put("terminationGracePeriodSeconds", 30);
            assertThat(errors(values)).as(probe).isEmpty();
        }
        ObjectNode values = validBase();
        objectAt(values, "livenessProbe").put("successThreshold", 0);
        assertThat(errors(values)).singleElement().asString().contains("successThreshold");
    }

    @Test
    void feedsAreNamedByLowerCaseNamesAndTakeOnlyTheirFilters() throws IOException {
        ObjectNode values = validBase();
        objectAt(values, FEEDS).putObject("sales-eu").put("operatorId", "LY1");
        assertThat(errors(values)).isEmpty();

        objectAt(values, FEEDS).putObject("Sales_EU").put("operatorId", "LY1");
        assertThat(errors(values)).isNotEmpty().allSatisfy(error -> assertThat(error).contains("Sales_EU"));

        values = validBase();
        objectAt(values, FEEDS).putObject("f".repeat(101)).put("operatorId", "LY1");
        assertThat(errors(values)).as("longer than the relay's 100 characters").isNotEmpty();

        values = validBase();
        objectAt(values, FEEDS).putObject("sales-eu").put("operatorID", "LY1");
        assertThat(errors(values)).singleElement().asString().contains("operatorID");
    }

    @Test
    void helmRefusesAMisspeltServiceMonitorSwitchInsteadOfIgnoringIt(@TempDir Path workDir) {
        assertThatThrownBy(() -> render("service-monitor", Map.of("metrics.serviceMonitor.enable", true)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/metrics/serviceMonitor")
                .hasMessageContaining("'enable'");

        ObjectNode typo = JsonNodeFactory.instance.objectNode();
        typo.putObject("metrics").putObject("serviceMonitor").put("enable", true);
        LintResult lint = HelmChart.lint("default", typo, workDir);
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isTrue();
        assertThat(String.join("\n", lint.getMessages())).contains("/metrics/serviceMonitor").contains("'enable'");
    }

    @Test
    void helmRefusesMisspeltKeysAtTheTopAndDeepInTheValues() {
        assertThatThrownBy(() -> render("default", Map.of("replicaCont", 3)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("'replicaCont'");
        assertThatThrownBy(() -> render("default", Map.of("networkPolicy.ingressController.podSelector.matchLabel.app",
                "nginx")))
                .hasMessageContaining("/networkPolicy/ingressController/podSelector")
                .hasMessageContaining("'matchLabel'");
        assertThatThrownBy(() -> render("default", Map.of("readinessProbe.periodSecond", 5)))
                .hasMessageContaining("/readinessProbe").hasMessageContaining("'periodSecond'");
        assertThatThrownBy(() -> render("default", Map.of("podSecurityContext.runAsUsr", 0)))
                .hasMessageContaining("/podSecurityContext").hasMessageContaining("'runAsUsr'");
    }

    /** The paths of every object (map) in the values, the root included as "". */
    private static void collectObjects(String path, JsonNode node, List<String> objects) {
        if (!node.isObject()) {
            return;
        }
        objects.add(path);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> child = it.next();
            if (!child.getKey().contains(".")) {
                collectObjects(path.isEmpty() ? child.getKey() : path + "." + child.getKey(), child.getValue(), objects);
            }
        }
    }

    private static ObjectNode objectAt(ObjectNode root, String path) {
        JsonNode node = path.isEmpty() ? root : root.at("/" + path.replace('.', '/'));
        assertThat(node.isObject()).as("%s is an object of the values", path).isTrue();
        return (ObjectNode) node;
    }

    /** A misspelling of the object's first key ("enabled" becomes "enable"), or a made-up key in an empty object. */
    private static String misspelling(ObjectNode object) {
        Iterator<String> names = object.fieldNames();
        if (!names.hasNext()) {
            return "matchLabel";
        }
        String first = names.next();
        String typo = first.substring(0, first.length() - 1);
        return typo.isEmpty() || object.has(typo) ? first + "s" : typo;
    }
}
