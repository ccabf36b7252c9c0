package io.oprelay.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node.js checks kept under {@code src/test/node/<name>}: copied to {@code target/<work>}, their pinned packages
 * installed offline from the lock file ({@code npm ci}), and run with their output captured.
 */
public final class NodeScripts {

    private final Path work;

    private NodeScripts(Path work) {
        this.work = work;
    }

    /**
     * Copies {@code files} (package.json, package-lock.json and the scripts) from {@code sources} to {@code work} and
     * runs {@code npm ci} unless every module of {@code installed} (paths under node_modules) is there already.
     */
    public static NodeScripts install(Path sources, Path work, List<String> files, List<String> installed)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        for (String file : files) {
            Files.copy(sources.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        NodeScripts scripts = new NodeScripts(work);
        if (installed.stream().allMatch(module -> Files.isDirectory(work.resolve("node_modules").resolve(module)))) {
            return scripts;
        }
        Run install = scripts.run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        assertThat(install.exit()).as("npm ci in %s failed:%n%s", work, install.output()).isZero();
        return scripts;
    }

    /** The working directory (under target/). */
    public Path work() {
        return work;
    }

    /** Runs a command in the working directory; exit -1 when it did not end in time. */
    public Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "run-", ".log");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly().waitFor();
        }
        return new Run(done ? process.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A finished command: its exit code and its output (stdout and stderr). */
    public record Run(int exit, String output) {

        /** The last line of the output (where the scripts print their JSON answer). */
        public String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1];
        }
    }
}
