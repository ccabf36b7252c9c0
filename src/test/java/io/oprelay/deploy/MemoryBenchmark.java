package io.oprelay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.oprelay.bench.BenchmarkRun;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.SimulatorClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whether the heap the chart gives carries the relay's real work: the packaged relay drains a backlog of
 * {@code relay.bench.results} results (default 1,000,000) from a simulator in a process of its own, publishes them
 * and routes them with the built-in rules, once with exactly the image's JVM options sized by the chart's memory
 * limit ({@code -XX:MaxRAM}, as the JVM would see the pod's cgroup) and once as a plain {@code java -jar} with no
 * options, one after the other in each of {@code relay.bench.rounds} rounds. Each run gets a fresh in-JVM KRaft
 * broker. At a quarter of the backlog and at its end, with the feed held (the simulator answers 429) and the router
 * caught up, the relay's heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}) and its RSS are taken.
 * A packaged-app test run by failsafe: {@code -Dit.test=MemoryBenchmark}.
 */
class MemoryBenchmark {

    private static final String NAME = "MemoryBenchmark";
    private static final int SIZE = Integer.getInteger("relay.bench.results", 1_000_000);
    private static final int ROUNDS = Integer.getInteger("relay.bench.rounds", 3);
    /** Extra JVM options of every measured relay, for a profile: {@code -XX:StartFlightRecording=...}. */
    private static final List<String> EXTRA = words(System.getProperty("relay.bench.relay-jvm-options", ""));
    /** JVM options appended to the chart heap's only, as the chart's {@code jvm.extraOptions} would: a variant to try. */
    private static final List<String> CHART_EXTRA = words(System.getProperty("relay.bench.chart-jvm-options", ""));
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private static final Pattern IMAGE_JAVA_OPTS = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"");
    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("Total\\s+\\d+\\s+(\\d+)");
    private static final Pattern MAX_HEAP = Pattern.compile("MaxHeapSize=(\\d+)");
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern VM_HWM = Pattern.compile("VmHWM:\\s+(\\d+) kB");
    /** Lines of {@code jcmd GC.class_histogram} printed at each measuring point (0: none), to find what grows. */
    private static final int HISTOGRAM = Integer.getInteger("relay.bench.histogram", 0);
    private static final String HOLD = "{\"rateLimitShare\":1.0,\"retryAfterSeconds\":1}";

    /** A way to start the relay's JVM. */
    record Heap(String name, List<String> options) {
    }

    /**
     * The relay at one point, in MB, with the results published: live heap after a full GC, committed heap, RSS as
     * the relay had it (read before the GC, which may give memory back) and the peak RSS so far.
     */
    record Snapshot(long published, double heapUsedMb, double heapCommittedMb, double rssMb, double peakRssMb) {
    }

    /** One drain of the backlog by one relay process. */
    record Run(Heap heap, int round, double resultsPerSecond, double cpuSeconds, long gcPauses, double gcSeconds,
               double evaluated, double fired, double hints, double maxHeapMb, Snapshot atMark, Snapshot atEnd) {

        double growth() {
            return atEnd.heapUsedMb() / atMark.heapUsedMb();
        }
    }

    private static KafkaBrokerResource simulatorBroker;
    private static RelayProcess simulator;
    private static SimulatorClient twilio;

    @BeforeAll
    static void simulator() throws Exception {
        // Pinned: the in-JVM KRaft broker of the test kit, whatever the machine has.
        System.setProperty("relay.test.docker", "false");
        simulatorBroker = new KafkaBrokerResource();
        String bootstrap = simulatorBroker.start().get("kafka.bootstrap.servers");
        // The backlog lives in the simulator's heap: about 3 KB a result with its indexes.
        long simulatorHeapMb = Math.max(512, 256 + SIZE * 4L / 1024);
        simulator = new RelayProcess("simulator", Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "relay.simulator.enabled", "true",
                "relay.simulator.backlog", String.valueOf(SIZE),
                "relay.simulator.rate", "0",
                "relay.poller.enabled", "false",
                "relay.routing.enabled", "false"))
                .jvmOptions(List.of("-Xmx" + simulatorHeapMb + "m"))
                .start().awaitReady(Duration.ofSeconds(60 + SIZE / 2_000));
        twilio = new SimulatorClient(simulator.baseUrl() + "/simulator");
    }

    @AfterAll
    static void stop() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        if (simulatorBroker != null) {
            simulatorBroker.stop();
        }
    }

    @Test
    void theChartsHeapDrainsTheBacklogAsFastAsAnUnlimitedOneWithAFlatHeap() throws Exception {
        Heap chart = chartHeap();
        Heap unlimited = new Heap("unlimited", List.of());
        long walkStart = System.nanoTime();
        int backlog = twilio.allIds().size();
        double walkSeconds = (System.nanoTime() - walkStart) / 1e9;
        assertThat(backlog).isEqualTo(SIZE);
        System.out.println(BenchmarkRun.describe(NAME));
        System.out.printf(Locale.ROOT, "%s: %,d results; simulator in its own process (%s), walked once in %.1f s as"
                        + " warm-up; a fresh in-JVM KRaft broker per run; heap and RSS at %,d and %,d results%n", NAME,
                SIZE, heapInfo(simulator.pid()), walkSeconds, mark(), SIZE);
        System.out.println(NAME + ": chart heap = " + String.join(" ", chart.options()));
        System.out.println(NAME + ": unlimited = java -jar with no JVM options");

        warmUp();
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            for (Heap heap : List.of(chart, unlimited)) {
                Run run = drain(heap, round);
                System.out.println(NAME + " " + describe(run));
                runs.add(run);
            }
        }
        summary(runs, chart, unlimited);
    }

    /** The image's JVM options ({@code JAVA_OPTS} of the Dockerfile) with the chart's memory limit as the machine's RAM. */
    static Heap chartHeap() throws IOException {
        String env = String.join(" ", DockerFiles.arguments(DockerFiles.JVM, "ENV"));
        Matcher options = IMAGE_JAVA_OPTS.matcher(env);
        assertThat(options.find()).as("JAVA_OPTS in " + DockerFiles.JVM).isTrue();
        JsonNode values = HelmChart.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());
        String limit = values.path("resources").path("limits").path("memory").asText();
        List<String> flags = new ArrayList<>(words(options.group(1)));
        flags.add("-XX:MaxRAM=" + megabytes(limit) + "m");
        flags.addAll(CHART_EXTRA);
        return new Heap("chart " + limit, flags);
    }

    /** Mebibytes of a Kubernetes memory quantity such as {@code 768Mi} or {@code 1Gi}. */
    static long megabytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory limit in Mi or Gi: '" + quantity + "'");
        }
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    private static int mark() {
        return SIZE / 4;
    }

    /** A relay that publishes a tenth of the backlog against a broker of its own: JIT of the broker and simulator. */
    private static void warmUp() throws Exception {
        KafkaBrokerResource broker = new KafkaBrokerResource();
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        try (RelayProcess relay = new RelayProcess("warm-up", settings(bootstrap)).jvmOptions(EXTRA).start()) {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> metric(relay, "relay_results_published_total", line -> true) >= SIZE / 10.0);
        } finally {
            broker.stop();
        }
    }

    private static Map<String, String> settings(String bootstrap) {
        Map<String, String> settings = RelayProcess.twilioFrom(simulator, bootstrap);
        settings.put("relay.poller.interval", "1S");
        return settings;
    }

    private static Run drain(Heap heap, int round) throws Exception {
        twilio.faults("{}");
        KafkaBrokerResource broker = new KafkaBrokerResource();
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        List<String> options = new ArrayList<>(heap.options());
        options.addAll(EXTRA);
        try (RelayProcess relay = new RelayProcess("relay-" + round, settings(bootstrap)).jvmOptions(options)) {
            relay.start();
            Duration patience = Duration.ofSeconds(120 + SIZE / 1_000);
            long[] first = {0};
            double[] firstCpu = {0};
            await().atMost(patience).pollInterval(Duration.ofMillis(100)).until(() -> {
                first[0] = System.nanoTime();
                firstCpu[0] = cpuSeconds(relay.pid());
                return published(relay) > 0;
            });
            await().atMost(patience).pollInterval(Duration.ofMillis(100)).until(() -> published(relay) >= mark());
            long held = System.nanoTime();
            double heldCpu = cpuSeconds(relay.pid());
            twilio.faults(HOLD);
            long publishedWhenHeld = published(relay);
            Snapshot atMark = settleAndMeasure(relay);
            twilio.faults("{}");
            long released = System.nanoTime();
            double releasedCpu = cpuSeconds(relay.pid());
            relay.send("POST", "/api/feeds/default/sweep", null);
            await().atMost(patience).pollInterval(Duration.ofMillis(100)).until(() -> published(relay) >= SIZE);
            long done = System.nanoTime();
            double doneCpu = cpuSeconds(relay.pid());
            Snapshot atEnd = settleAndMeasure(relay);
            assertThat(atEnd.published()).as("results published, each once").isEqualTo(SIZE);
            relay.awaitReady(Duration.ofSeconds(30));
            assertThat(relay.alive()).as("alive at the end").isTrue();
            assertThat(relay.log()).as("log of " + heap.name()).doesNotContain("OutOfMemoryError");
            double seconds = ((held - first[0]) + (done - released)) / 1e9;
            double rate = (publishedWhenHeld + SIZE - atMark.published()) / seconds;
            String metrics = relay.get("/q/metrics").body();
            double cpu = (heldCpu - firstCpu[0]) + (doneCpu - releasedCpu);
            return new Run(heap, round, rate, cpu, (long) sum(metrics, "jvm_gc_pause_seconds_count", line -> true),
                    sum(metrics, "jvm_gc_pause_seconds_sum", line -> true), routed(metrics),
                    sum(metrics, "relay_routing_rules_fired_total", line -> true),
                    sum(metrics, "relay_routing_actions_total", line -> line.contains("action=\"agent-assist\"")),
                    maxHeapMb(relay.pid()), atMark, atEnd);
        } finally {
            twilio.faults("{}");
            broker.stop();
        }
    }

    /**
     * Waits until the feed publishes no more (held by the simulator, or at the end of the backlog) and the router has
     * evaluated every classification and JSON result published, then measures after a full GC.
     */
    private static Snapshot settleAndMeasure(RelayProcess relay) throws Exception {
        long[] last = {-1};
        long[] since = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(120 + SIZE / 2_000)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String metrics = relay.get("/q/metrics").body();
            long now = (long) sum(metrics, "relay_results_published_total", line -> true);
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            double toRoute = sum(metrics, "relay_results_published_total",
                    line -> line.contains("format=\"classification\"") || line.contains("format=\"json\""));
            return System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(3) && routed(metrics) >= toRoute;
        });
        double rss = statusMb(relay.pid(), VM_RSS);
        double peak = statusMb(relay.pid(), VM_HWM);
        // The class histogram stops the JVM, collects fully and counts what is still reachable: the live heap,
        // without the young garbage that GC.heap_info would also count once the relay allocates again.
        String histogram = jcmd(relay.pid(), "GC.class_histogram");
        if (HISTOGRAM > 0) {
            System.out.println(NAME + ": heap histogram at " + last[0] + " results\n"
                    + histogram.lines().limit(HISTOGRAM + 3L).reduce((a, b) -> a + "\n" + b).orElse(""));
        }
        Matcher live = HISTOGRAM_TOTAL.matcher(histogram);
        assertThat(live.find()).as("Total in GC.class_histogram").isTrue();
        Matcher heap = HEAP_USED.matcher(jcmd(relay.pid(), "GC.heap_info"));
        assertThat(heap.find()).as("heap in GC.heap_info").isTrue();
        return new Snapshot(last[0], Long.parseLong(live.group(1)) / (1024.0 * 1024.0),
                Long.parseLong(heap.group(1)) / 1024.0, rss, peak);
    }

    private static long published(RelayProcess relay) throws Exception {
        return (long) metric(relay, "relay_results_published_total", line -> true);
    }

    /** Records the router has taken in: evaluated, skipped on purpose, unreadable or failed (dead-lettered). */
    private static double routed(String metrics) {
        return sum(metrics, "relay_routing_evaluated_total", line -> true)
                + sum(metrics, "relay_routing_skipped_total", line -> true)
                + sum(metrics, "relay_routing_unreadable_total", line -> true)
                + sum(metrics, "relay_routing_failed_total", line -> true);
    }

    private static double metric(RelayProcess relay, String name, java.util.function.Predicate<String> which)
            throws Exception {
        try {
            return sum(relay.get("/q/metrics").body(), name, which);
        } catch (IOException notYet) {
            return 0;
        }
    }

    /** The sum of the Prometheus samples of {@code name} whose line passes {@code which}. */
    static double sum(String metrics, String name, java.util.function.Predicate<String> which) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(which).mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(JCMD.toString(), String.valueOf(pid), command).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    private static double maxHeapMb(long pid) throws IOException, InterruptedException {
        Matcher max = MAX_HEAP.matcher(jcmd(pid, "VM.flags"));
        assertThat(max.find()).as("MaxHeapSize in VM.flags").isTrue();
        return Long.parseLong(max.group(1)) / (1024.0 * 1024.0);
    }

    /** User and system CPU time of the process so far ({@code /proc/<pid>/stat}, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** A size from {@code /proc/<pid>/status}: VmRSS (resident now) or VmHWM (peak resident), in MB. */
    private static double statusMb(long pid, Pattern field) throws IOException {
        Matcher size = field.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
        assertThat(size.find()).as(field.pattern() + " of " + pid).isTrue();
        return Long.parseLong(size.group(1)) / 1024.0;
    }

    private static String heapInfo(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        return String.format(Locale.ROOT, "max heap %.0f MB, %s MB live", maxHeapMb(pid),
                heap.find() ? String.valueOf(Long.parseLong(heap.group(2)) / 1024) : "?");
    }

    private static String describe(Run run) {
        return String.format(Locale.ROOT, "round %d %-16s max heap %5.0f MB | %,8.0f results/s, %.1f CPU s (%.0f"
                        + " us a result), %d GC pauses %.2f s | evaluated %,.0f, rules fired %,.0f, hints"
                        + " %,.0f | at %,d: live heap %5.1f MB (committed %5.0f), RSS %5.0f MB | at %,d: live heap"
                        + " %5.1f MB (committed %5.0f), RSS %5.0f MB, peak RSS %5.0f MB | growth x%.3f",
                run.round(), run.heap().name(), run.maxHeapMb(), run.resultsPerSecond(), run.cpuSeconds(),
                run.cpuSeconds() * 1e6 / SIZE, run.gcPauses(), run.gcSeconds(), run.evaluated(), run.fired(),
                run.hints(), run.atMark().published(), run.atMark().heapUsedMb(), run.atMark().heapCommittedMb(),
                run.atMark().rssMb(), run.atEnd().published(), run.atEnd().heapUsedMb(),
                run.atEnd().heapCommittedMb(), run.atEnd().rssMb(), run.atEnd().peakRssMb(), run.growth());
    }

    private static void summary(List<Run> runs, Heap chart, Heap unlimited) {
        List<Run> chartRuns = runs.stream().filter(run -> run.heap() == chart).toList();
        List<Run> unlimitedRuns = runs.stream().filter(run -> run.heap() == unlimited).toList();
        double chartRate = median(chartRuns, Run::resultsPerSecond);
        double unlimitedRate = median(unlimitedRuns, Run::resultsPerSecond);
        double growth = median(chartRuns, Run::growth);
        System.out.println();
        for (List<Run> of : List.of(chartRuns, unlimitedRuns)) {
            System.out.printf(Locale.ROOT, "%s %-16s median of %d: %,.0f results/s, %.1f CPU s; live heap after"
                            + " full GC %.1f MB at ~%,d, %.1f MB at %,d (x%.3f); RSS %.0f MB at ~%,d, %.0f MB at %,d,"
                            + " peak %.0f MB; max heap %.0f MB%n",
                    NAME, of.get(0).heap().name(), of.size(), median(of, Run::resultsPerSecond),
                    median(of, Run::cpuSeconds),
                    median(of, run -> run.atMark().heapUsedMb()), mark(), median(of, run -> run.atEnd().heapUsedMb()),
                    SIZE, median(of, Run::growth), median(of, run -> run.atMark().rssMb()), mark(),
                    median(of, run -> run.atEnd().rssMb()), SIZE, median(of, run -> run.atEnd().peakRssMb()),
                    median(of, Run::maxHeapMb));
        }
        System.out.printf(Locale.ROOT, "%s rate chart / unlimited = %.2f (target >= 0.85): %s%n", NAME,
                chartRate / unlimitedRate, chartRate / unlimitedRate >= 0.85 ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "%s CPU seconds chart / unlimited = %.2f%n", NAME,
                median(chartRuns, Run::cpuSeconds) / median(unlimitedRuns, Run::cpuSeconds));
        System.out.printf(Locale.ROOT, "%s chart live heap at %,d / at %,d = %.3f (target within 10%%): %s%n", NAME,
                SIZE, mark(), growth, Math.abs(growth - 1) <= 0.10 ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "%s no OutOfMemoryError, every relay alive and ready at the end, %,d results"
                + " published in each of %d runs%n", NAME, SIZE, runs.size());
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
