package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Renders and lints the chart in {@code helm/operator-results-relay} from tests. */
final class HelmChart {

    static final Path CHART = Path.of("helm", "operator-results-relay");
    static final String RELEASE = "relay";
    static final String NAMESPACE = "apps";
    /** Resource name of release {@link #RELEASE}. */
    static final String FULLNAME = "relay-operator-results-relay";

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private HelmChart() {
    }

    /**
     * The value sets of the chart's {@code ci/} folder (file {@code <name>-values.yaml}) that the tests render and
     * lint strictly; {@code HelmChartTest.valueSetsOfTheCiFolderAreAllCovered} keeps the two in step.
     */
    static final List<String> VALUE_SETS = List.of("default", "existing-secret", "poller-only", "router-only",
            "simulator", "autoscaling", "service-monitor", "three-replicas", "dashboards");

    /** {@link #VALUE_SETS}, for {@code @MethodSource}. */
    static Stream<String> valueSets() {
        return VALUE_SETS.stream();
    }

    /** Path of a value set in the chart's {@code ci/} folder, e.g. {@code "default"}. */
    static Path valueSet(String name) {
        return CHART.resolve("ci").resolve(name + "-values.yaml");
    }

    /** Renders the chart with the given value sets (in order) and then the {@code --set} overrides. */
    static Manifests render(List<String> valueSets, Map<String, Object> sets) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (String set : valueSets) {
            template = template.withValuesFile(valueSet(set));
        }
        for (Map.Entry<String, Object> entry : sets.entrySet()) {
            template = template.set(entry.getKey(), entry.getValue());
        }
        return Manifests.parse(template.call());
    }

    static Manifests render(String valueSet) {
        return render(List.of(valueSet), Map.of());
    }

    static Manifests render(String valueSet, Map<String, Object> sets) {
        return render(List.of(valueSet), sets);
    }

    /**
     * Lints the chart strictly with a value set. The lint command reads only the chart's own values.yaml, so the value
     * set is merged into the values.yaml of a copy of the chart.
     */
    static LintResult lint(String valueSet, Path workDir) {
        return lint(valueSet, JSON.createObjectNode(), workDir);
    }

    /** {@link #lint(String, Path)} with further values merged over the value set. */
    static LintResult lint(String valueSet, JsonNode overrides, Path workDir) {
        try {
            Path copy = copyChart(workDir);
            ObjectNode values = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
            merge(values, YAML.readTree(valueSet(valueSet).toFile()));
            merge(values, overrides);
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renders the chart's hooks (the {@code helm test} pod) as plain manifests: the template command leaves hooks out,
     * so a copy of the chart is rendered with the hook annotation renamed to {@link #HOOK_ANNOTATION}.
     */
    static Manifests renderHooks(String valueSet, Path workDir) {
        try {
            Path copy = copyChart(workDir);
            try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file);
                    Files.writeString(file, text.replace("helm.sh/hook:", HOOK_ANNOTATION + ":"));
                }
            }
            return Manifests.parse(new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE)
                    .withValuesFile(valueSet(valueSet)).call());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@link #renderHooks} moves the {@code helm.sh/hook} annotation. */
    static final String HOOK_ANNOTATION = "rendered-for-test/hook";

    private static Path copyChart(Path workDir) throws IOException {
        Path copy = workDir.resolve(CHART.getFileName());
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return copy;
    }

    /** Helm's merge of values: maps merge key by key, anything else replaces. */
    static void merge(ObjectNode target, JsonNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merge(existingObject, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    /** The rendered manifests, parsed, plus the raw text. */
    record Manifests(String text, List<JsonNode> documents) {

        static Manifests parse(String text) {
            try {
                List<JsonNode> documents = new ArrayList<>();
                for (JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll()) {
                    if (document != null && !document.isNull() && !document.isMissingNode() && document.size() > 0) {
                        documents.add(document);
                    }
                }
                return new Manifests(text, documents);
            } catch (IOException e) {
                throw new UncheckedIOException("rendered manifests are not YAML:\n" + text, e);
            }
        }

        List<JsonNode> ofKind(String kind) {
            return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        }

        JsonNode one(String kind) {
            List<JsonNode> found = ofKind(kind);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + kind + ", found " + found.size() + " in:\n" + text);
            }
            return found.get(0);
        }

        /** The resource of this kind and name. */
        JsonNode named(String kind, String name) {
            return ofKind(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in:\n" + text));
        }

        boolean has(String kind) {
            return !ofKind(kind).isEmpty();
        }

        JsonNode deployment() {
            return one("Deployment");
        }

        JsonNode podSpec() {
            return deployment().path("spec").path("template").path("spec");
        }

        JsonNode relayContainer() {
            for (JsonNode container : podSpec().path("containers")) {
                if ("relay".equals(container.path("name").asText())) {
                    return container;
                }
            }
            throw new AssertionError("no relay container in:\n" + text);
        }

        /** Environment variables of the relay container by name. */
        Map<String, JsonNode> env() {
            Map<String, JsonNode> env = new LinkedHashMap<>();
            relayContainer().path("env").forEach(e -> env.put(e.path("name").asText(), e));
            return env;
        }

        /** The application.properties of the ConfigMap, as key to value. */
        Map<String, String> applicationProperties() {
            String file = one("ConfigMap").path("data").path("application.properties").asText();
            Map<String, String> properties = new LinkedHashMap<>();
            file.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(line -> {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new AssertionError("not a property line: " + line);
                }
                if (properties.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                    throw new AssertionError("property set twice: " + line);
                }
            });
            return properties;
        }
    }
}
