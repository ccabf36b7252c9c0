package io.oprelay.console;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's pages as served (authentication on, the default test profile): public static files under a strict
 * Content-Security-Policy, with no inline script or style and nothing from another origin, so the policy can forbid
 * both; the data behind them stays behind the API key.
 */
@QuarkusTest
class ConsolePagesTest {

    private static final List<String> FILES = List.of("index.html", "console.js", "console.css");

    @Test
    void consoleWithoutTheSlashRedirectsToTheConsole() {
        RestAssured.given().redirects().follow(false).get("/console")
                .then().statusCode(302).header("Location", "/console/");
    }

    @Test
    void everyConsoleFileIsServedWithoutAKeyUnderTheStrictPolicy() {
        for (String path : List.of("/console/", "/console/index.html", "/console/console.js", "/console/console.css")) {
            Response response = RestAssured.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.header("Content-Security-Policy")).as(path)
                    .isEqualTo(ConsoleRoutes.CONTENT_SECURITY_POLICY)
                    .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(response.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(response.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
        }
        assertThat(RestAssured.get("/console/").contentType()).startsWith("text/html");
        assertThat(RestAssured.get("/console/console.js").contentType()).contains("javascript");
        assertThat(RestAssured.get("/console/console.css").contentType()).startsWith("text/css");
    }

    @Test
    void theDataBehindTheConsoleStillNeedsTheKey() {
        RestAssured.get("/api/feeds").then().statusCode(401);
        RestAssured.get("/console/../api/feeds").then().statusCode(401);
        RestAssured.get("/console/nothing-here.js").then().statusCode(404);
    }

    @Test
    void thePageHoldsNoInlineScriptStyleOrHandlerAndLoadsNothingFromElsewhere() throws IOException {
        String html = resource("index.html");
        Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).as("a script is a file").contains("src=\"console.js\"");
            assertThat(scripts.group(2)).as("and has no body").isBlank();
        }
        assertThat(count).isEqualTo(1);
        assertThat(html).doesNotContainPattern("(?i)<style\\b").doesNotContainPattern("(?i)\\sstyle=")
                .doesNotContainPattern("(?i)\\son[a-z]+=");
        for (String file : FILES) {
            assertThat(resource(file)).as(file).doesNotContainPattern("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/");
        }
        assertThat(resource("console.js")).as("received text is never parsed as HTML")
                .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
    }

    @Test
    void everyFieldHasALabelAndEveryHeaderCellAScope() throws IOException {
        String html = resource("index.html");
        Matcher fields = Pattern.compile("<(input|textarea)\\b[^>]*\\bid=\"([^\"]+)\"").matcher(html);
        int count = 0;
        while (fields.find()) {
            count++;
            assertThat(html).as("label of #" + fields.group(2)).contains("<label for=\"" + fields.group(2) + "\">");
        }
        assertThat(count).isEqualTo(3);
        assertThat(html).doesNotContainPattern("<th(?=[\\s>])(?![^>]*scope=)[^>]*>");
        assertThat(html).contains("<main", "<header", "id=\"hints\" aria-live=\"polite\"",
                "id=\"status\" role=\"status\" aria-live=\"polite\"");
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = ConsolePagesTest.class.getResourceAsStream("/META-INF/resources/console/" + file)) {
            assertThat(in).as(file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
