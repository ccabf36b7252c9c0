package io.oprelay.bench;

import io.oprelay.support.KafkaBrokerResource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a benchmark's figures were measured on, printed above them: the commit, the broker kind, the JVM, its heap
 * and the cores it saw. Figures without these cannot be compared across runs.
 */
public final class BenchmarkRun {

    private BenchmarkRun() {
    }

    /** One line naming the benchmark and the conditions of this run. */
    public static String describe(String benchmark) {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%s | commit %s | broker %s | Java %s | max heap %d MB | %d cores | %s",
                benchmark, commit(), KafkaBrokerResource.kind(), Runtime.version(),
                runtime.maxMemory() / (1024 * 1024), runtime.availableProcessors(), Instant.now());
    }

    /** The short hash of the checked-out commit, with {@code +dirty} when the tree has changes; else "unknown". */
    public static String commit() {
        String hash = git("rev-parse", "--short=12", "HEAD");
        if (hash.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? hash : hash + "+dirty";
    }

    /** Input arguments of this JVM (heap and GC flags), for the record. */
    public static String jvmArguments() {
        return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String git(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
