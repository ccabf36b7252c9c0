package io.oprelay.webhook;

import io.oprelay.poller.PollerService;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.RawHttp;
import io.oprelay.support.RuleExecutionWebhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.oprelay.support.RuleExecutionWebhooks.body;
import static io.oprelay.support.RuleExecutionWebhooks.pathFor;
import static io.oprelay.support.RuleExecutionWebhooks.sign;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code relay.webhook.public-base-url} set, as behind a TLS ingress, the signature is checked against that URL
 * whatever {@code Host} the client sends, in the forms Twilio may sign it (with and without the default port).
 */
@QuarkusTest
@TestProfile(WebhookPublicBaseUrlTest.BehindIngress.class)
class WebhookPublicBaseUrlTest {

    static final String PUBLIC = "https://relay.example.com/relay";

    public static class BehindIngress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.webhook.public-base-url", PUBLIC + "/");
        }
    }

    @Inject
    Simulator simulator;
    @Inject
    PollerService poller;

    @BeforeEach
    void defaultFeedRunsHere() {
        RuleExecutionWebhooks.awaitDefaultFeedRunsHere(poller);
        simulator.setEnabled(false);
    }

    @AfterEach
    void simulatorServes() {
        simulator.setEnabled(true);
    }

    private static RawHttp.Answer post(String host, String pathAndQuery, byte[] body, String signature)
            throws Exception {
        return RawHttp.post("localhost", RestAssured.port, pathAndQuery, Map.of("Host", host,
                "Content-Type", "application/json", "X-Twilio-Signature", signature), body);
    }

    @Test
    void theSignatureOverThePublicUrlIsAcceptedWhateverHostTheClientSends() throws Exception {
        List<String> ids = simulator.add(1);
        byte[] body = body(simulator, ids);
        String pathAndQuery = pathFor(body);
        RawHttp.Answer answer = post("attacker.example.net", pathAndQuery, body, sign(PUBLIC + pathAndQuery));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"published\":1");
    }

    @Test
    void aSignatureOverTheUrlOfAClientChosenHostIsRefused() throws Exception {
        List<String> ids = simulator.add(1);
        byte[] body = body(simulator, ids);
        String pathAndQuery = pathFor(body);
        RawHttp.Answer answer = post("attacker.example.net", pathAndQuery, body,
                sign("http://attacker.example.net" + pathAndQuery));
        assertThat(answer.status()).isEqualTo(403);
        RawHttp.Answer ownHost = post("localhost:" + RestAssured.port, pathAndQuery, body,
                sign("http://localhost:" + RestAssured.port + pathAndQuery));
        assertThat(ownHost.status()).as("the request's own URL is not what Twilio signed").isEqualTo(403);
        ids.forEach(simulator::delete);
    }

    @Test
    void twilioSigningThePublicUrlWithItsDefaultPortIsAccepted() throws Exception {
        List<String> ids = simulator.add(1);
        byte[] body = body(simulator, ids);
        String pathAndQuery = pathFor(body);
        String withPort = PUBLIC.replace("relay.example.com", "relay.example.com:443") + pathAndQuery;
        RawHttp.Answer answer = post("relay.example.com", pathAndQuery, body, sign(withPort));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
}
