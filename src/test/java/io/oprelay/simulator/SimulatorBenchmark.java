package io.oprelay.simulator;

import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.TwilioClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serves a 100,000-result backlog in pages of 1,000 through HTTP and prints pages/s and results/s, once with a
 * plain HTTP client (the simulator alone) and once through {@link TwilioClient} (with parsing and byte slicing).
 * Not part of the build's tests; run it with
 * {@code ./mvnw -B -ntp verify -Dtest=SimulatorBenchmark -DskipITs -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@QuarkusTest
class SimulatorBenchmark extends SimulatorFixture {

    private static final int BACKLOG = 100_000;
    private static final int PAGE = 1000;
    private static final Pattern NEXT = Pattern.compile("\"nextToken\":\"([^\"]+)\"");

    @Test
    void servesTheBacklogInPagesOfAThousand() throws Exception {
        long made = System.nanoTime();
        simulator.addBacklog(BACKLOG, Duration.ofDays(1));
        System.out.printf("Generated %,d results in %d ms%n", BACKLOG,
                Duration.ofNanos(System.nanoTime() - made).toMillis());

        HttpClient http = HttpClient.newHttpClient();
        TwilioClient client = client(config -> config.withReadTimeout(Duration.ofSeconds(30)));
        for (int round = 0; round < 2; round++) {
            walkRaw(http);
            walkClient(client);
        }
        report("plain HTTP", walkRaw(http));
        report("TwilioClient", walkClient(client));
        simulator.clear();
    }

    private long[] walkRaw(HttpClient http) throws IOException, InterruptedException {
        String auth = "Basic " + Base64.getEncoder().encodeToString((USERNAME + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();
        long pages = 0;
        long bytes = 0;
        String token = null;
        do {
            String uri = simulatorUrl + "/v3/OperatorResults?pageSize=" + PAGE
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            bytes += response.body().length();
            pages++;
            Matcher next = NEXT.matcher(response.body());
            token = next.find() ? next.group(1) : null;
        } while (token != null);
        assertThat(pages).isEqualTo(BACKLOG / PAGE);
        return new long[] {pages, System.nanoTime() - started, bytes};
    }

    private long[] walkClient(TwilioClient client) {
        ListQuery query = query(PAGE);
        long started = System.nanoTime();
        long pages = 0;
        long results = 0;
        ResultPage page = client.list(query);
        while (true) {
            pages++;
            results += page.items().size();
            if (page.nextToken().isEmpty()) {
                break;
            }
            page = client.list(query.withPageToken(page.nextToken()));
        }
        assertThat(results).isEqualTo(BACKLOG);
        return new long[] {pages, System.nanoTime() - started, 0};
    }

    private static void report(String how, long[] run) {
        double seconds = run[1] / 1e9;
        System.out.printf("Simulator benchmark (%s): %d pages of %d in %.2f s = %.1f pages/s, %,.0f results/s%s%n",
                how, run[0], PAGE, seconds, run[0] / seconds, run[0] * PAGE / seconds,
                run[2] > 0 ? String.format(", %.1f MB/s", run[2] / 1e6 / seconds) : "");
    }
}
