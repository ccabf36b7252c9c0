package io.oprelay.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.oprelay.deploy.DockerFiles.JVM;
import static io.oprelay.deploy.DockerFiles.NATIVE;
import static io.oprelay.deploy.DockerFiles.arguments;
import static io.oprelay.deploy.DockerFiles.copySources;
import static io.oprelay.deploy.DockerFiles.inBuildContext;
import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfiles as written: what they copy, who they run as, and what the build context lets through. */
class DockerfileTest {

    @Test
    void jvmImageCopiesTheFastJarLayersOnly() {
        assertThat(copySources(JVM)).containsExactlyInAnyOrder("target/quarkus-app/lib/",
                "target/quarkus-app/quarkus-run.jar", "target/quarkus-app/quarkus/", "target/quarkus-app/app/");
        assertThat(copySources(JVM).get(0)).as("dependencies first, the most stable layer")
                .isEqualTo("target/quarkus-app/lib/");
        assertThat(copySources(JVM).get(copySources(JVM).size() - 1)).as("application classes last")
                .isEqualTo("target/quarkus-app/app/");
        assertThat(arguments(JVM, "WORKDIR")).containsExactly("/deployments");
        assertThat(arguments(JVM, "EXPOSE")).containsExactly("8080 9000");
        assertThat(String.join(" ", arguments(JVM, "ENTRYPOINT"))).contains("exec java").contains("$JAVA_OPTS_APPEND")
                .contains("-jar /deployments/quarkus-run.jar");
        assertThat(String.join(" ", arguments(JVM, "ENV"))).contains("-XX:MaxRAMPercentage=")
                .contains("-XX:+ExitOnOutOfMemoryError").contains("-Djava.io.tmpdir=/tmp");
    }

    @Test
    void bothImagesRunAsTheChartsNonRootUser() {
        for (Path dockerfile : List.of(JVM, NATIVE)) {
            List<String> users = arguments(dockerfile, "USER");
            assertThat(users).as(dockerfile + " USER").hasSize(1);
            String uid = users.get(0).split(":")[0];
            assertThat(uid).as(dockerfile + " numeric uid, so runAsNonRoot can verify it").matches("[0-9]+");
            assertThat(Integer.parseInt(uid)).as(dockerfile + " uid").isEqualTo(10001);
            assertThat(copySources(dockerfile)).allSatisfy(source -> assertThat(source).startsWith("target/"));
        }
        String values = DockerFiles.read(HelmChart.CHART.resolve("values.yaml"));
        assertThat(values).contains("runAsUser: 10001");
    }

    @Test
    void nativeImageCopiesTheNativeRunner() {
        assertThat(copySources(NATIVE)).containsExactly("target/*-runner");
        assertThat(String.join(" ", arguments(NATIVE, "ENTRYPOINT"))).contains("/deployments/application");
    }

    @Test
    void theBuildContextHoldsWhatTheDockerfilesCopyAndNothingElse() {
        assertThat(copySources(JVM)).allSatisfy(source -> assertThat(inBuildContext(source)).as(source).isTrue());
        assertThat(inBuildContext("target/quarkus-app/lib/main/org.apache.kafka.kafka-clients-4.1.2.jar")).isTrue();
        assertThat(inBuildContext("target/operator-results-relay-0.1.0-SNAPSHOT-runner")).isTrue();
        for (String excluded : List.of("src/main/java/io/oprelay/kafka/BootstrapServersCheck.java", "pom.xml",
                "helm/operator-results-relay/values.yaml", "target/classes/application.properties",
                "target/operator-results-relay-0.1.0-SNAPSHOT.jar", ".git/config", "docker/docker-compose.yml",
                "README.md")) {
            assertThat(inBuildContext(excluded)).as(excluded).isFalse();
        }
    }
}
