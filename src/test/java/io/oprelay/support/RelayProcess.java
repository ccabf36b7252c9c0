package io.oprelay.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/quarkus-app}) run as a separate operating-system process, so tests can
 * stop it the hard way (SIGKILL: no shutdown hook, no leave-group, no transaction abort) and start it again. The
 * production package serves {@code /q/*} (health, metrics, OpenAPI) on its management port, a second free port per
 * process: {@link #get} and {@link #send} take paths under {@code /q/} there and every other path to the HTTP port.
 */
public final class RelayProcess implements AutoCloseable {

    private static final Path APP = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final int managementPort;
    private final Map<String, String> settings;
    private final Path log;
    private List<String> jvmOptions = List.of("-Xmx512m");
    private Process process;

    /**
     * Settings (a map the caller may add to) of a relay on {@code bootstrapServers} whose Twilio is its own
     * simulator, started with {@code backlog} results and adding none by itself.
     */
    public static Map<String, String> simulatorAsTwilio(String bootstrapServers, int backlog) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", bootstrapServers);
        settings.put("relay.simulator.enabled", "true");
        settings.put("relay.simulator.backlog", String.valueOf(backlog));
        settings.put("relay.simulator.rate", "0");
        settings.put("relay.twilio.base-url", "http://localhost:${quarkus.http.port}/simulator");
        settings.put("relay.twilio.username", "SKtest");
        settings.put("relay.twilio.password", "test-secret");
        return settings;
    }

    /**
     * Settings (a map the caller may add to) of a relay on {@code bootstrapServers} whose Twilio is the simulator of
     * another relay process, which keeps Twilio's state across this relay's deaths.
     */
    public static Map<String, String> twilioFrom(RelayProcess simulator, String bootstrapServers) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", bootstrapServers);
        settings.put("relay.twilio.base-url", simulator.baseUrl() + "/simulator");
        settings.put("relay.twilio.username", "SKtest");
        settings.put("relay.twilio.password", "test-secret");
        return settings;
    }

    public RelayProcess(String name, Map<String, String> settings) throws IOException {
        this.name = name;
        // Two distinct ports: the pair cannot hand out the same port twice as two separate picks could.
        this.port = RelayTestProfiles.freePortPair();
        this.managementPort = port + 1;
        this.settings = settings;
        this.log = Files.createTempFile("relay-" + name + "-", ".log");
    }

    /**
     * The JVM options of the next {@link #start()}, in place of the default {@code -Xmx512m}: for example the
     * image's options to size the heap as the chart's pod would, or none at all for a plain {@code java -jar}.
     */
    public RelayProcess jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public RelayProcess start() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dquarkus.log.console.json.enabled=false");
        if (!settings.containsKey("relay.api.key")) {
            command.add("-Drelay.api.key=" + Api.KEY);
        }
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(APP.resolve("quarkus-run.jar").toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_") || key.startsWith("RELAY_"));
        process = builder.start();
        return this;
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public RelayProcess awaitReady(Duration timeout) {
        return awaitHealth("/q/health/ready", timeout);
    }

    /** Waits until {@code /q/health/live} answers 200: the process serves HTTP, whether Kafka or Twilio are up. */
    public RelayProcess awaitLive(Duration timeout) {
        return awaitHealth("/q/health/live", timeout);
    }

    private RelayProcess awaitHealth(String path, Duration timeout) {
        Duration bound = Waits.scaled(timeout);
        try {
            org.awaitility.Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited with " + process.exitValue() + "; log: " + tail());
                }
                try {
                    return get(path).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
            return this;
        } catch (org.awaitility.core.ConditionTimeoutException late) {
            throw new AssertionError(name + " not ready within " + bound + "; log: " + tail(), late);
        }
    }

    /** Ends the process at once, as a crash or an OOM kill would. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Stops every thread of the process where it stands (SIGSTOP), so that a test can look at what the process left
     * in Kafka without it moving on, then {@link #thaw()} it or {@link #kill()} it as it is.
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@link #freeze() frozen} process run on (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(urlOf(path))).timeout(Duration.ofSeconds(10))
                .header("X-API-Key", Api.KEY).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        return HTTP.send(HttpRequest.newBuilder(URI.create(urlOf(path))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-API-Key", Api.KEY).method(method, body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The name the test gave this process (also in its log file's name). */
    public String name() {
        return name;
    }

    /** The HTTP port: API, webhooks, agent-assist stream, simulator. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** The management port: {@code /q/health}, {@code /q/metrics}, {@code /q/openapi}. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    /** A path on the port that serves it: the management port for {@code /q/...}, the HTTP port otherwise. */
    public String urlOf(String path) {
        return (path.startsWith("/q/") ? managementUrl() : baseUrl()) + path;
    }

    /** The operating-system process id of the running relay, for {@code jcmd} and {@code /proc}. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Everything the process has logged so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
