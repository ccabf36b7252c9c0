package io.oprelay.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the package that {@code docker/Dockerfile.jvm} ships ({@code target/quarkus-app}): it must hold the Kafka
 * client but no broker (the embedded broker is for the local run only).
 */
class ProductionPackageIT {

    private static final Path APP = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"));

    @Test
    void carriesNoKafkaBrokerJars() throws IOException {
        List<String> jars = jarNames();
        assertThat(jars).as("jars of the production package").isNotEmpty()
                .anyMatch(name -> name.contains("kafka-clients"));
        assertThat(jars).as("broker jars in the production package")
                .noneMatch(name -> name.matches(".*(kafka_2\\.1\\d|kafka-server|kafka-metadata|kafka-raft|kafka-storage"
                        + "|kafka-group-coordinator|kafka-transaction-coordinator|scala-library|scala-reflect).*"));
    }

    private static List<String> jarNames() throws IOException {
        try (Stream<Path> files = Files.walk(APP.resolve("lib"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }
}
