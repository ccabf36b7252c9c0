package io.oprelay.docs;

import io.oprelay.docs.CodeConfigKeys.Key;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How the code's keys are found: what a mapping expands to, and which reads of the configuration count. */
class CodeConfigKeysTest {

    @Test
    void aMappingExpandsToItsLeavesWithMapKeysWrittenAsNameAndItsDefaults() {
        Map<String, Key> keys = CodeConfigKeys.mappingKeys(MappingShape.class, "relay.shape");

        assertThat(keys).containsOnlyKeys("relay.shape.size", "relay.shape.hosts", "relay.shape.secret",
                "relay.shape.nested.flag", "relay.shape.items.\"<name>\".label", "relay.shape.\"<name>\".weight");
        assertThat(keys.get("relay.shape.size").defaultValue()).contains("3");
        assertThat(keys.get("relay.shape.nested.flag").defaultValue()).contains("true");
        assertThat(keys.get("relay.shape.secret").defaultValue()).isEmpty();
        assertThat(keys.get("relay.shape.hosts").defaultValue()).isEmpty();
    }

    @Test
    void readsThroughConfigAndConfigPropertyCountButOtherRelayStringsDoNot() {
        Map<String, Key> keys = CodeConfigKeys.scan(List.of(ReadsConfiguration.class));

        assertThat(keys).containsOnlyKeys("relay.shape.timeout", "relay.shape.name");
        assertThat(keys.get("relay.shape.name").defaultValue()).contains("shape");
        assertThat(keys.get("relay.shape.timeout").defaultValue()).isEmpty();
        assertThat(keys.get("relay.shape.timeout").origin()).contains("Config.getOptionalValue");
    }

    @Test
    void theApplicationClassFoldersLeaveOutTheTests() {
        assertThat(CodeConfigKeys.applicationClassFolders(CodeConfigKeysTest.class))
                .isNotEmpty()
                .noneMatch(folder -> folder.resolve(
                        CodeConfigKeysTest.class.getName().replace('.', '/') + ".class").toFile().exists());
    }

    /** The shapes a mapping can take (deliberately not annotated @ConfigMapping: the app must not load it). */
    interface MappingShape {

        @WithDefault("3")
        int size();

        Optional<List<String>> hosts();

        Optional<String> secret();

        Nested nested();

        Map<String, Item> items();

        @WithParentName
        Map<String, Weighted> weights();

        interface Nested {
            @WithDefault("true")
            boolean flag();
        }

        interface Item {
            String label();
        }

        interface Weighted {
            @WithDefault("1")
            int weight();
        }
    }

    /**
     * Reads the configuration in the ways the scanner must see, next to relay.* strings that are no keys. (No
     * injected field: ArC would make this class a bean of every test application.)
     */
    static final class ReadsConfiguration {

        static Duration timeout() {
            String metric = "relay.shape.metric";
            return ConfigProvider.getConfig().getOptionalValue("relay.shape.timeout", Duration.class)
                    .orElse(Duration.ofSeconds(metric.length()));
        }

        static String name(@ConfigProperty(name = "relay.shape.name", defaultValue = "shape") String name) {
            return String.join(".", "relay.shape.joined", name, "quarkus.not.ours");
        }
    }
}
