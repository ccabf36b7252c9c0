package io.oprelay.console;

import io.oprelay.events.TopicsConfig;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.SampleResults;
import io.oprelay.support.Api;
import io.oprelay.support.Waits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console with authentication on (the default test profile): it asks for the API key, keeps it in the tab's
 * session storage only, sends it as a header (never in a URL: the hint stream opens with a minted stream token), and
 * forgets it on sign-out.
 */
@QuarkusTest
class ConsoleSignInBrowserTest {

    private static HeadlessChromium browser;

    @TestHTTPResource("/console/")
    URL console;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    TopicsConfig topics;

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
    void openSignedOut() {
        browser.open(console.toString());
        browser.script("sessionStorage.clear();");
        browser.open(console.toString());
        await().atMost(Waits.seconds(10)).until(() -> browser.find("#sign-in").isDisplayed());
    }

    private static void signIn(String key) {
        browser.find("#api-key").sendKeys(key, Keys.ENTER);
    }

    @Test
    void thePageAsksForTheKeyAndWithItTheFeedsShow() {
        assertThat(browser.find("#main").isDisplayed()).as("nothing of the relay before signing in").isFalse();
        assertThat(browser.find("#status").getText()).isEqualTo("Sign in with the API key to see the relay.");
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).as("focus on the key field")
                .isEqualTo("api-key");

        signIn(Api.KEY);

        await().atMost(Waits.seconds(10)).until(() -> !browser.findAll("#feeds tbody tr[data-feed='default']").isEmpty());
        assertThat(browser.find("#sign-in").isDisplayed()).isFalse();
        assertThat(browser.find("#sign-out").isDisplayed()).isTrue();
        assertThat(browser.script("return sessionStorage.getItem('oprelay.console.apiKey');")).isEqualTo(Api.KEY);
        assertThat(browser.script("return localStorage.length;")).as("nothing kept beyond the tab").isEqualTo(0L);
    }

    @Test
    void aWrongKeyIsRefusedWithAMessageAndNotKept() {
        signIn("not-the-key");

        await().atMost(Waits.seconds(10)).until(() ->
                browser.find("#sign-in-error").getText().equals("The API key was not accepted."));
        assertThat(browser.find("#main").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.length;")).isEqualTo(0L);
    }

    @Test
    void hintsArriveThroughAStreamTokenAndTheKeyNeverGoesIntoAUrl() {
        signIn(Api.KEY);
        await().atMost(Waits.seconds(10)).until(() -> browser.find("#stream-state").getText()
                .equals("Live: every hint."));
        String conversation = SampleResults.conversationId();
        try (ResultEvents events = new ResultEvents(kafka)) {
            events.publish(topics.classification(), SampleResults.classification(conversation, "angry"));
        }
        await().atMost(Waits.seconds(10)).until(() ->
                !browser.findAll("#hints li[data-conversation-id='" + conversation + "']").isEmpty());

        List<String> requested = browser.requestedUrls();
        assertThat(requested).anyMatch(url -> url.contains("/agent-assist/stream?access_token=v1."));
        assertThat(requested).noneMatch(url -> url.contains(Api.KEY));
    }

    @Test
    void signingOutForgetsTheKeyAndAsksAgain() {
        signIn(Api.KEY);
        await().atMost(Waits.seconds(10)).until(() -> browser.find("#sign-out").isDisplayed());

        browser.find("#sign-out").click();

        await().atMost(Waits.seconds(5)).until(() -> browser.find("#sign-in").isDisplayed());
        assertThat(browser.find("#sign-in-error").getText()).isEqualTo("Signed out.");
        assertThat(browser.script("return sessionStorage.length;")).isEqualTo(0L);
        browser.open(console.toString());
        await().atMost(Waits.seconds(10)).until(() -> browser.find("#sign-in").isDisplayed());
    }
}
