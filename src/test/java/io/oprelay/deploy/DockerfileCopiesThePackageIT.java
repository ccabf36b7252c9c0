package io.oprelay.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** After {@code package}: docker/Dockerfile.jvm copies paths that exist, and leaves none of the package behind. */
class DockerfileCopiesThePackageIT {

    private static final Path APP = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"));

    @Test
    void everyCopiedPathExistsAfterPackage() {
        assertThat(DockerFiles.copySources(DockerFiles.JVM)).allSatisfy(source -> {
            Path path = APP.resolve(Path.of("target", "quarkus-app").relativize(Path.of(source)));
            assertThat(path).as(source).exists();
            assertThat(Files.isDirectory(path)).as(source + " is a folder exactly when it ends with /")
                    .isEqualTo(source.endsWith("/"));
        });
    }

    @Test
    void nothingOfThePackageIsLeftOut() throws IOException {
        List<String> copied = DockerFiles.copySources(DockerFiles.JVM).stream()
                .map(source -> source.replaceFirst("^target/quarkus-app/", "").replaceAll("/$", "")).toList();
        try (Stream<Path> entries = Files.list(APP)) {
            List<String> packaged = entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("quarkus-app-dependencies.txt")).toList();
            assertThat(copied).containsExactlyInAnyOrderElementsOf(packaged);
        }
    }
}
