package io.oprelay.console;

import io.oprelay.support.Api;
import io.oprelay.support.KafkaBrokerResource;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RelayProcess;
import io.oprelay.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console of the packaged application (production profile, authentication on, its simulator as Twilio) in a
 * headless Chromium, and what a stranger gets from it without the key: the static pages, under the strict policy,
 * and nothing of the relay's data.
 */
class ConsoleIT {

    private static KafkaBrokerResource broker;
    private static RelayProcess relay;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.requireInstalled();
        broker = new KafkaBrokerResource();
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        relay = new RelayProcess("console", RelayProcess.simulatorAsTwilio(bootstrap, 40)).start()
                .awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private static RawHttp.Answer raw(String target, Map<String, String> headers) throws Exception {
        URI base = URI.create(relay.baseUrl());
        return RawHttp.send(base.getHost(), base.getPort(), "GET", target, headers);
    }

    @Test
    void aStrangerGetsThePagesUnderTheStrictPolicyAndNoData() throws Exception {
        RawHttp.Answer redirect = raw("/console", Map.of());
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo("/console/");

        RawHttp.Answer page = raw("/console/", Map.of());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).isEqualTo(ConsoleRoutes.CONTENT_SECURITY_POLICY);
        assertThat(page.body()).contains("<script src=\"console.js\" defer></script>");

        for (String target : List.of("/api/feeds", "/console/../api/feeds", "/console/%2e%2e/api/feeds",
                "/api/dead-letters", "/api/routing/rules")) {
            RawHttp.Answer answer = raw(target, Map.of());
            assertThat(answer.status()).as(target).isIn(400, 401, 404);
            assertThat(answer.body()).as(target).doesNotContain("publishedByFormat", "\"rules\"");
        }
        RawHttp.Answer wrongKey = raw("/api/feeds", Map.of("X-API-Key", "guess"));
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(wrongKey.body()).doesNotContain("guess");
    }

    @Test
    void theConsoleAsksForTheKeyAndThenShowsTheFeedAndItsPublishedResults() {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(relay.baseUrl() + "/console");
            await().atMost(Waits.seconds(15)).until(() -> browser.find("#sign-in").isDisplayed());
            browser.find("#api-key").sendKeys(Api.KEY, Keys.ENTER);
            // The backlog of 40 results is published by the first sweep; the table refreshes every 2 s.
            await().atMost(Waits.seconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Object total = browser.script("var n = 0; document.querySelectorAll("
                        + "\"#feeds tr[data-feed='default'] li[data-count]\").forEach(function (li) {"
                        + " n += Number(li.dataset.count); }); return n;");
                return ((Number) total).longValue() == 40;
            });
            await().atMost(Waits.seconds(10)).until(() -> browser.find("#stream-state").getText()
                    .equals("Live: every hint."));
            assertThat(browser.requestedUrls()).noneMatch(url -> url.contains(Api.KEY));
        }
    }
}
