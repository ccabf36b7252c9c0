package io.oprelay.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.actions.ActionsConfig;
import io.oprelay.bench.Latencies;
import io.oprelay.events.TopicsConfig;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.RoutingWebhookResource;
import io.oprelay.routing.SampleResults;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.Waits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator console in a real headless Chromium against the app under test, as in the local run (authentication
 * off): the feed table fills, a hint is on the page within a second of its result's commit, a dead letter's Replay
 * button replays it, the dry run shows what would fire. One browser for the class.
 */
@QuarkusTest
@TestProfile(ConsoleLocalRun.class)
class ConsoleBrowserTest {

    /** A hint must be on the page within this long of its result's commit. */
    private static final long PROMISED_MILLIS = 1_000;
    private static final int WARM_UP_HINTS = 2;
    private static final int MEASURED_HINTS = 5;

    private static HeadlessChromium browser;

    @TestHTTPResource("/console/")
    URL console;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    TopicsConfig topics;

    @Inject
    Simulator simulator;

    @Inject
    ActionsConfig actions;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void openConsole() {
        browser.open(console.toString());
        await().atMost(Waits.seconds(10)).until(() -> browser.find("#status").getText().contains("feed"));
    }

    @Test
    void theFeedTableFillsWithTheConfiguredFeedsAndTheirPublishedCounts() {
        simulator.add(60);
        for (String feed : List.of("everything", "escalation-risk")) {
            // A feed is swept once this instance owns it (409 until the group has assigned it).
            await().atMost(Waits.seconds(20)).until(() ->
                    RestAssured.given().post("/api/feeds/" + feed + "/sweep").statusCode() == 202);
        }
        await().atMost(Waits.seconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, Map<String, Long>> api = publishedByFeed();
            assertThat(api.get("everything")).as("the API's counts").isNotEmpty();
            assertThat(tableCounts()).as("the page's counts, refreshed every 2 s").isEqualTo(api);
        });
        Map<String, String> everything = feedRow("everything");
        assertThat(everything.get("scope")).isEqualTo("row");
        assertThat(everything.get("text")).as("state written out, not only coloured").containsAnyOf("IDLE", "SWEEPING");
        assertThat(everything.get("lag")).matches("\\d+ (s|min|h|d)");
    }

    private static Map<String, Map<String, Long>> publishedByFeed() {
        JsonPath feeds = RestAssured.given().get("/api/feeds").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Long>> out = new HashMap<>();
        List<Map<String, Object>> list = feeds.getList("$");
        for (Map<String, Object> feed : list) {
            Map<String, Long> counts = new HashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Number> byFormat = (Map<String, Number>) feed.get("publishedByFormat");
            byFormat.forEach((format, count) -> counts.put(format, count.longValue()));
            out.put((String) feed.get("feed"), counts);
        }
        return out;
    }

    /** The counts the page shows, read in one script (the table is redrawn every 2 s). */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Long>> tableCounts() {
        Map<String, Map<String, Object>> shown = (Map<String, Map<String, Object>>) browser.script(
                "var out = {};"
                + "document.querySelectorAll('#feeds tbody tr').forEach(function (row) {"
                + "  var counts = {}; out[row.dataset.feed] = counts;"
                + "  row.querySelectorAll('li[data-format]').forEach(function (li) {"
                + "    counts[li.dataset.format] = Number(li.dataset.count); }); });"
                + "return out;");
        Map<String, Map<String, Long>> out = new HashMap<>();
        shown.forEach((feed, counts) -> {
            Map<String, Long> byFormat = new HashMap<>();
            counts.forEach((format, count) -> byFormat.put(format, ((Number) count).longValue()));
            out.put(feed, byFormat);
        });
        return out;
    }

    /** The text of a feed's row and of its lag cell, and its header cell's scope, read in one script. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> feedRow(String feed) {
        return (Map<String, String>) browser.script(
                "var row = document.querySelector(\"#feeds tbody tr[data-feed='\" + arguments[0] + \"']\");"
                + "return {text: row.innerText, lag: row.querySelector('td.lag').innerText,"
                + " scope: row.querySelector('th').scope};", feed);
    }

    @Test
    void aHintIsOnThePageWithinOneSecondOfItsResultsCommit() throws Exception {
        String conversation = SampleResults.conversationId();
        filterByConversation(conversation);
        // Stamps, in the page, the moment each hint's element enters the DOM (the browser's clock is the machine's).
        browser.script("window.hintShownAt = {};"
                + "new MutationObserver(function (changes) { changes.forEach(function (c) {"
                + "  c.addedNodes.forEach(function (n) { if (n.dataset && n.dataset.resultId) {"
                + "    window.hintShownAt[n.dataset.resultId] = Date.now(); } }); }); })"
                + ".observe(document.getElementById('hints'), {childList: true});");
        long[] latencies = new long[MEASURED_HINTS];
        try (ResultEvents events = new ResultEvents(kafka)) {
            for (int i = 0; i < WARM_UP_HINTS + MEASURED_HINTS; i++) {
                ObjectNode result = SampleResults.classification(conversation, i % 2 == 0 ? "angry" : "frustrated");
                String resultId = result.get("id").asText();
                events.publish(topics.classification(), result);
                long committedAt = System.currentTimeMillis();
                // Waits well past the promise, so that a late hint is measured (and fails below) rather than missed.
                long shownAt = await().atMost(Waits.seconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> shownAt(resultId), at -> at > 0);
                if (i >= WARM_UP_HINTS) {
                    latencies[i - WARM_UP_HINTS] = Math.max(0, shownAt - committedAt) * 1_000_000L;
                }
            }
        }
        Latencies measured = Latencies.ofNanos(latencies);
        String summary = "Console hint latency (commit of the result -> hint element in the page's DOM): "
                + measured.summary();
        System.out.println(summary);
        assertThat(measured.maxMillis()).as(summary).isLessThan((double) PROMISED_MILLIS);
        List<WebElement> hints = browser.findAll("#hints li");
        assertThat(hints).hasSize(WARM_UP_HINTS + MEASURED_HINTS);
        assertThat(hints.get(0).getText()).as("newest first, severity in words")
                .contains("WARNING", "Customer is angry", conversation);
    }

    private static long shownAt(String resultId) {
        Object at = browser.script("return window.hintShownAt['" + resultId + "'] || 0;");
        return ((Number) at).longValue();
    }

    /** Types the conversation into the filter and submits it with the keyboard; waits until its stream is live. */
    private static void filterByConversation(String conversation) {
        WebElement field = browser.find("#conversation");
        field.clear();
        field.sendKeys(conversation, Keys.ENTER);
        await().atMost(Waits.seconds(10)).until(() -> browser.find("#stream-state").getText()
                .equals("Live: hints of conversation " + conversation + "."));
    }

    @Test
    void theConversationFilterShowsOnlyThatConversationsHints() throws Exception {
        String mine = SampleResults.conversationId();
        String other = SampleResults.conversationId();
        filterByConversation(mine);
        try (ResultEvents events = new ResultEvents(kafka)) {
            events.publish(topics.classification(), SampleResults.classification(other, "angry"));
            events.publish(topics.classification(), SampleResults.classification(mine, "frustrated"));
            events.publish(topics.classification(), SampleResults.classification(other, "angry"));
            events.publish(topics.classification(), SampleResults.classification(mine, "angry"));
            // The other conversation's hints are committed (the router may route its partition after this one's)...
            await().atMost(Waits.seconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> events.readKey(actions.agentAssist().topic(), other).size() == 2);
        }
        // ...and the page shows this conversation's two hints and keeps showing nothing else.
        await().atMost(Waits.seconds(10)).during(Duration.ofMillis(500))
                .until(() -> shownConversations().equals(List.of(mine, mine)));
        assertThat(browser.findAll("#hints li .hint-title")).extracting(WebElement::getText)
                .containsExactly("Customer is angry", "Customer is frustrated");
    }

    @SuppressWarnings("unchecked")
    private static List<String> shownConversations() {
        return (List<String>) browser.script("return Array.from(document.querySelectorAll('#hints li'))"
                + ".map(function (li) { return li.dataset.conversationId; });");
    }

    @Test
    void theDryRunShowsTheRulesAndActionsAResultWouldFireAndAProblemReadably() {
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "angry");
        dryRun(result.toString());
        await().atMost(Waits.seconds(10)).until(() -> !browser.findAll("#dry-run-result li[data-rule]").isEmpty());
        assertThat(browser.find("#dry-run-result .summary").getText())
                .isEqualTo("1 rule fires for result " + result.get("id").asText() + " (CLASSIFICATION, label angry):");
        WebElement fired = browser.find("#dry-run-result li[data-rule='angry-customer-hint']");
        assertThat(fired.getText()).contains("agent-assist → topic agent-assist.hints (key " + conversation + ")",
                "\"title\": \"Customer is angry\"");

        dryRun("{\"id\": \"not a whole result\"");
        await().atMost(Waits.seconds(10)).until(() -> !browser.findAll("#dry-run-result .problem").isEmpty());
        assertThat(browser.find("#dry-run-result .problem").getText())
                .startsWith("Invalid OperatorResult (400): The body is not valid JSON");
    }

    private static void dryRun(String json) {
        WebElement input = browser.find("#dry-run-input");
        input.clear();
        // Set as a paste would, in one go (typing a result key by key takes seconds).
        browser.script("arguments[0].value = arguments[1];", input, json);
        browser.find("#dry-run button[type=submit]").click();
    }

    @Test
    void aDeadLettersReplayButtonReplaysItToTheNowWorkingReceiver() {
        var receiver = RoutingWebhookResource.server();
        receiver.stubFor(post(urlEqualTo("/workflow/dead")).willReturn(aResponse().withStatus(500)));
        String conversation = SampleResults.conversationId();
        try (ResultEvents events = new ResultEvents(kafka)) {
            events.publish(topics.classification(), SampleResults.classification(conversation, "dead-endpoint"));
        }
        WebElement row = await().atMost(Waits.seconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.find("#dead-letters-refresh").click();
            return browser.findAll("#dead-letters tbody tr").stream()
                    .filter(r -> r.getText().contains(conversation)).findFirst().orElse(null);
        }, r -> r != null);
        assertThat(row.getText()).contains("dead-workflow");
        int callsBefore = receiver.findAll(postRequestedFor(urlEqualTo("/workflow/dead"))).size();

        receiver.stubFor(post(urlEqualTo("/workflow/dead")).willReturn(aResponse().withStatus(200)));
        WebElement replay = row.findElement(org.openqa.selenium.By.cssSelector("button"));
        assertThat(replay.getText()).isEqualTo("Replay");
        replay.click();
        WebElement outcome = row.findElement(org.openqa.selenium.By.cssSelector(".outcome"));
        await().atMost(Waits.seconds(15)).until(() -> outcome.getAttribute("data-outcome") != null);
        assertThat(outcome.getAttribute("data-outcome")).as(outcome.getText()).isEqualTo("delivered");
        assertThat(outcome.getText()).startsWith("delivered");
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/workflow/dead"))))
                .as("the receiver got the replayed call").hasSizeGreaterThan(callsBefore);
    }
}
