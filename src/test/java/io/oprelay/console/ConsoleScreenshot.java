package io.oprelay.console;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.awaitility.Awaitility.await;

/**
 * Writes {@code docs/images/console.png}: the console of a running local run ({@code ./mvnw quarkus:dev}, simulator
 * data) in headless Chromium, once its feed has published and a few hints have arrived, with a dry run of one of the
 * simulator's negative classification results. Not a test of the build (its name does not end in Test); run it by hand:
 * <pre>
 * ./mvnw quarkus:dev                                   # in one terminal; wait for "Listening on"
 * ./mvnw -B -ntp test -Dtest=ConsoleScreenshot -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * {@code -Drelay.console.url=} points it at another relay (default {@code http://localhost:8080}).
 */
class ConsoleScreenshot {

    private static final String BASE = System.getProperty("relay.console.url", "http://localhost:8080");
    private static final Path TARGET = Path.of("docs", "images", "console.png");

    @Test
    void writeTheConsoleScreenshot() throws Exception {
        String result = classificationResultOfTheSimulator();
        try (HeadlessChromium browser = HeadlessChromium.start(1400, 1250)) {
            browser.open(BASE + "/console/");
            await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findAll("#feeds li[data-count]").isEmpty());
            await().atMost(Duration.ofSeconds(90)).until(() -> browser.findAll("#hints li").size() >= 3);
            browser.script("document.getElementById('dry-run-input').value = arguments[0];", result);
            browser.find("#dry-run button[type=submit]").click();
            await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findAll("#dry-run-result .summary").isEmpty());
            browser.screenshot(TARGET);
        }
        System.out.println("ConsoleScreenshot: wrote " + TARGET.toAbsolutePath());
    }

    /** A CLASSIFICATION result the simulator serves, pretty-printed as an operator would paste it. */
    private static String classificationResultOfTheSimulator() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(BASE + "/simulator/v3/OperatorResults?pageSize=200"))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("SKsimulator:simulator".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build();
        String page = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        // A negative one, which the built-in rule unhappy-customer-hint fires on, so the dry run shows what fires.
        for (var item : mapper.readTree(page).path("items")) {
            if ("CLASSIFICATION".equals(item.path("outputFormat").asText())
                    && "NEGATIVE".equals(item.path("result").path("label").asText())) {
                return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(item);
            }
        }
        throw new IllegalStateException("the simulator at " + BASE + " served no NEGATIVE classification result in its"
                + " first 200: is the local run up?");
    }
}
