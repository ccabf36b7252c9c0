package io.oprelay.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the packaged application with bad configuration and checks that it stops with a short message naming the
 * property, not a page of stack trace.
 */
class StartupErrorsIT {

    private static final Path RUNNER = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"),
            "quarkus-run.jar");

    @Test
    void malformedBootstrapAddressStopsStartUpNamingTheProperty() throws Exception {
        Result result = start(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:notaport"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("kafka.bootstrap.servers").contains("localhost:notaport");
        assertThat(stackFrames(result.output())).isLessThan(5);
    }

    @Test
    void missingBootstrapAddressStopsStartUpNamingTheProperty() throws Exception {
        Result result = start(Map.of());
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("kafka.bootstrap.servers").contains("is required");
        assertThat(stackFrames(result.output())).isLessThan(5);
    }

    @Test
    void missingApiKeyStopsStartUpNamingTheProperty() throws Exception {
        Result result = start(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("relay.api.key").contains("RELAY_API_KEY");
        assertThat(stackFrames(result.output())).isLessThan(5);
    }

    static long stackFrames(String output) {
        return output.lines().filter(line -> line.trim().startsWith("at ")).count();
    }

    record Result(int exitCode, String output) {
    }

    static Result start(Map<String, String> env) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0", "-jar", RUNNER.toString()))
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("KAFKA_") || key.startsWith("RELAY_"));
        environment.putAll(new HashMap<>(env));
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the application did not stop on bad configuration within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), output);
    }
}
