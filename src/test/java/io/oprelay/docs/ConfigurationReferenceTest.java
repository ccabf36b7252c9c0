package io.oprelay.docs;

import io.oprelay.docs.CodeConfigKeys.Key;
import io.oprelay.docs.DocumentedConfigKeys.Pointer;
import io.oprelay.docs.DocumentedConfigKeys.Row;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference in {@code docs/} cannot drift from the code: every {@code relay.*} key the application
 * reads (found in its compiled classes, see {@link CodeConfigKeys}) is in a configuration table of the docs (see
 * {@link DocumentedConfigKeys} for the convention), every key in those tables exists, each is documented once, every
 * stated default is the default in force (the {@code @WithDefault}, or the value {@code application.properties} sets
 * for every profile), every stated environment variable is the key's, and every key the README's configuration table
 * sends to a doc is in that doc's tables. Every relay.* key application.properties sets (in any profile) exists too.
 */
class ConfigurationReferenceTest {

    private static final Path DOCS = Path.of("docs");
    private static final Path README = Path.of("README.md");
    private static final Path APPLICATION_PROPERTIES = Path.of("src", "main", "resources", "application.properties");

    private static Map<String, Key> codeKeys;
    private static List<Row> documented;

    @BeforeAll
    static void collect() {
        List<Path> classFolders = CodeConfigKeys.applicationClassFolders(ConfigurationReferenceTest.class);
        assertThat(classFolders).as("folders of the compiled application classes").isNotEmpty();
        codeKeys = CodeConfigKeys.scan(classFolders, ConfigurationReferenceTest.class.getClassLoader());
        assertThat(codeKeys.values()).as("keys of @ConfigMapping interfaces found in " + classFolders)
                .anyMatch(key -> key.origin().startsWith("@ConfigMapping"));
        documented = DocumentedConfigKeys.in(DOCS).stream()
                .filter(row -> row.key().startsWith(CodeConfigKeys.PREFIX)).toList();
        assertThat(documented).as("rows of configuration tables in docs/").isNotEmpty();
    }

    @Test
    void everyKeyTheCodeReadsIsDocumentedAndEveryDocumentedKeyExists() {
        Set<String> inDocs = documented.stream().map(Row::key).collect(Collectors.toCollection(TreeSet::new));
        List<String> missing = codeKeys.values().stream()
                .filter(key -> !inDocs.contains(key.name()))
                .map(key -> key.name() + "  (" + key.origin() + ")")
                .toList();
        List<String> unknown = documented.stream()
                .filter(row -> !codeKeys.containsKey(row.key()))
                .map(row -> row.key() + "  (" + row.where() + ")")
                .toList();

        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(missing).as("relay.* keys the code reads that no configuration table in docs/ documents "
                    + "(add a row `| `key` | default | meaning |` to the table of their area)").isEmpty();
            soft.assertThat(unknown).as("keys documented in docs/ that the code does not read (remove the row or "
                    + "fix the key)").isEmpty();
        });
    }

    @Test
    void eachKeyIsDocumentedInOnePlaceOnly() {
        Map<String, List<String>> places = documented.stream().filter(row -> codeKeys.containsKey(row.key()))
                .collect(Collectors.groupingBy(Row::key, Collectors.mapping(Row::where, Collectors.toList())));
        List<String> twice = places.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + "  " + e.getValue()).sorted().toList();

        assertThat(twice).as("keys with rows in more than one configuration table (two rows drift apart: "
                + "keep one and link to it)").isEmpty();
    }

    @Test
    void everyDocumentedDefaultAndEnvironmentVariableIsTheOneInForce() throws IOException {
        Properties application = applicationProperties();
        List<String> wrong = new ArrayList<>();
        for (Row row : documented) {
            Key key = codeKeys.get(row.key());
            if (key == null) {
                continue; // reported by the test of unknown keys
            }
            if (row.defaultCell().isPresent()) {
                Optional<String> inForce = Optional.ofNullable(application.getProperty(key.name()))
                        .or(key::defaultValue);
                Optional<String> stated = row.statedDefault();
                if (inForce.isPresent() && !inForce.equals(stated)) {
                    wrong.add(row.key() + "  (" + row.where() + "): the docs say "
                            + stated.map(v -> "`" + v + "`").orElse("\"" + row.defaultCell().get() + "\"")
                            + ", the default in force is `" + inForce.get() + "`");
                }
                if (inForce.isEmpty() && stated.isPresent() && !codeKeys.containsKey(stated.get())) {
                    wrong.add(row.key() + "  (" + row.where() + "): the docs say `" + stated.get()
                            + "`, but the key has no default (write \"none\", or what its absence means)");
                }
            }
            row.statedEnv().ifPresent(env -> {
                if (!env.equals(environmentVariable(key.name()))) {
                    wrong.add(row.key() + "  (" + row.where() + "): environment variable `" + env + "`, expected `"
                            + environmentVariable(key.name()) + "`");
                }
            });
        }

        assertThat(wrong).as("defaults and environment variables in docs/ that are not the ones in force").isEmpty();
    }

    @Test
    void everyRelayKeySetInApplicationPropertiesExists() throws IOException {
        List<String> stale = applicationProperties().stringPropertyNames().stream()
                .map(name -> name.replaceFirst("^%[^.]+\\.", ""))
                .filter(name -> name.startsWith(CodeConfigKeys.PREFIX) && !codeKeys.containsKey(name))
                .sorted().toList();

        assertThat(stale).as("relay.* keys set in " + APPLICATION_PROPERTIES + " that the code does not read").isEmpty();
    }

    @Test
    void everyKeyTheReadmeSendsToADocIsInThatDocsConfigurationTables() throws IOException {
        List<Pointer> pointers = DocumentedConfigKeys.readmePointers(Files.readAllLines(README));
        assertThat(pointers).as("relay.* keys in the README's Configuration table").isNotEmpty();
        List<String> wrong = new ArrayList<>();
        for (Pointer pointer : pointers) {
            Set<String> meant = expand(pointer.key());
            if (meant.isEmpty()) {
                wrong.add(pointer.key() + "  (README.md:" + pointer.line() + "): no such key");
                continue;
            }
            String doc = Path.of(pointer.doc()).toString();
            Set<String> inDoc = documented.stream().filter(row -> Path.of(row.file()).equals(Path.of(doc)))
                    .map(Row::key).collect(Collectors.toSet());
            Set<String> absent = new TreeSet<>(meant);
            absent.removeAll(inDoc);
            if (!absent.isEmpty()) {
                wrong.add(pointer.key() + "  (README.md:" + pointer.line() + "): links to " + doc
                        + ", whose configuration tables lack " + absent);
            }
        }

        assertThat(wrong).as("keys the README links to a doc that does not document them").isEmpty();
    }

    private static Properties applicationProperties() throws IOException {
        Properties application = new Properties();
        try (Reader in = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            application.load(in);
        }
        return application;
    }

    /** The keys a README mention stands for: itself, or every key under a {@code prefix.*}. */
    private static Set<String> expand(String written) {
        if (written.endsWith(".*")) {
            String stem = written.substring(0, written.length() - 1);
            return codeKeys.keySet().stream().filter(k -> k.startsWith(stem))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        return codeKeys.containsKey(written) ? Set.of(written) : Set.of();
    }

    /** The environment variable of a key, as SmallRye Config maps it: non-alphanumerics to {@code _}, upper case. */
    static String environmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
