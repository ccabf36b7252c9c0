package io.oprelay.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code .ci/run} refuses a Node.js older than 20 (what distributions ship) with a message saying what to install,
 * before the build starts, and installs Chromium and its driver (the console's browser tests) where either is missing.
 * The script runs on a copy of the project root whose {@code mvnw} only records that it was called, with fake
 * {@code node}, {@code npm}, {@code chromium} and {@code chromedriver} first on PATH, so no Maven build and no package
 * install happen.
 */
class CiScriptTest {

    private static final Path SCRIPT = Path.of(".ci", "run");

    @TempDir
    Path dir;

    record Run(int exit, String stdout, String stderr, boolean mavenStarted) {
    }

    private static void executable(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run run(String nodeVersion, String... args) throws Exception {
        Path base = Files.createTempDirectory(dir, "run");
        Path root = base.resolve("project");
        Path bin = base.resolve("bin");
        Files.createDirectories(root.resolve(".ci"));
        Files.createDirectories(bin);
        Files.copy(SCRIPT, root.resolve(".ci/run"));
        Path mavenStarted = base.resolve("maven-started");
        executable(root.resolve("mvnw"), "touch '" + mavenStarted + "'");
        executable(bin.resolve("node"), "echo '" + nodeVersion + "'");
        executable(bin.resolve("npm"), "echo 10.2.4");
        executable(bin.resolve("chromium"), "echo 'Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)'");
        executable(bin.resolve("chromedriver"), "echo 'ChromeDriver 156.0.8078.114 (ea19f97)'");
        executable(bin.resolve("apt-get"), "echo 'apt-get must not run: the tools are on PATH' >&2; exit 99");

        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = root.resolve(".ci/run").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(base.resolve("stdout").toFile()).redirectError(base.resolve("stderr").toFile());
        builder.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(".ci/run ended").isTrue();
        return new Run(process.exitValue(), Files.readString(base.resolve("stdout")),
                Files.readString(base.resolve("stderr")), Files.exists(mavenStarted));
    }

    @Test
    void node18IsRefusedWithAMessageSayingWhatToInstallAndTheBuildDoesNotStart() throws Exception {
        Run run = run("v18.19.1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("Node.js 20 or newer", "found 'v18.19.1'", "Install Node.js 20.x or newer")
                .doesNotContain("apt-get must not run");
        assertThat(run.mavenStarted()).as("the build did not start").isFalse();
    }

    @Test
    void anUnreadableNodeVersionIsRefusedToo() throws Exception {
        Run run = run("not a version");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("Node.js 20 or newer", "found 'not a version'");
        assertThat(run.mavenStarted()).isFalse();
    }

    @Test
    void node20AndNewerPassTheCheckAndTheBuildStarts() throws Exception {
        for (String version : new String[] {"v20.0.0", "v22.11.0", "v100.1.2"}) {
            Run run = run(version);
            assertThat(run.exit()).as(version).isZero();
            assertThat(run.stdout()).as(version).contains("node " + version + ", npm 10.2.4");
            assertThat(run.mavenStarted()).as("%s: the build started", version).isTrue();
        }
    }

    @Test
    void chromiumAndItsDriverOnPathAreUsedAsTheyAreAndNamedInTheOutput() throws Exception {
        Run run = run("v20.11.1", "--check-tools");

        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).contains("Chromium 156.0.8078.114", "ChromeDriver 156.0.8078.114");
        assertThat(run.stderr()).doesNotContain("apt-get must not run");
    }

    /**
     * Without chromium or chromedriver the script installs both Debian packages before the build. Run with a PATH
     * holding only the fakes and the few system tools the script calls, so the machine's own Chromium is not found.
     */
    @Test
    void aMissingChromiumOrDriverIsInstalledWithAptGetBeforeTheBuild() throws Exception {
        for (String present : new String[] {"chromium", "chromedriver", ""}) {
            Path base = Files.createTempDirectory(dir, "bare");
            Path root = base.resolve("project");
            Path bin = base.resolve("bin");
            Files.createDirectories(root.resolve(".ci"));
            Files.createDirectories(bin);
            Files.copy(SCRIPT, root.resolve(".ci/run"));
            Path mavenStarted = base.resolve("maven-started");
            Path aptCalls = base.resolve("apt-calls");
            executable(root.resolve("mvnw"), "/usr/bin/touch '" + mavenStarted + "'");
            executable(bin.resolve("java"), "echo 'openjdk version \"17\"' >&2");
            executable(bin.resolve("node"), "echo v20.11.1");
            executable(bin.resolve("npm"), "echo 10.2.4");
            executable(bin.resolve("apt-get"), "echo \"$@\" >> '" + aptCalls + "'");
            if (!present.isEmpty()) {
                executable(bin.resolve(present), "echo " + present + " 1.0");
            }
            for (String tool : new String[] {"dirname", "chmod", "cut"}) {
                Path real = Path.of("/usr/bin", tool);
                Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
            }
            ProcessBuilder builder = new ProcessBuilder("/bin/bash", root.resolve(".ci/run").toString())
                    .redirectOutput(base.resolve("stdout").toFile()).redirectError(base.resolve("stderr").toFile());
            builder.environment().put("PATH", bin.toString());
            Process process = builder.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(".ci/run ended").isTrue();

            String stderr = Files.readString(base.resolve("stderr"));
            assertThat(process.exitValue()).as("with only '%s' present: %s", present, stderr).isZero();
            assertThat(Files.readAllLines(aptCalls)).as("with only '%s' present", present)
                    .containsExactly("update -qq", "install -y -qq chromium chromium-driver");
            assertThat(Files.exists(mavenStarted)).as("the build started after the install").isTrue();
        }
    }

    @Test
    void checkToolsStopsAfterTheChecks() throws Exception {
        Run run = run("v20.11.1", "--check-tools");

        assertThat(run.exit()).isZero();
        assertThat(run.mavenStarted()).isFalse();
    }
}
