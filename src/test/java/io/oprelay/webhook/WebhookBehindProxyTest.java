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
 * Without a public base URL but with Quarkus' proxy forwarding on (the ingress' address trusted), the URL checked is
 * the one the ingress reports in {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}: a TLS ingress no longer
 * makes every genuine webhook fail. (Without that configuration the same headers are ignored: see
 * {@link RuleExecutionWebhookTest}.)
 */
@QuarkusTest
@TestProfile(WebhookBehindProxyTest.BehindProxy.class)
class WebhookBehindProxyTest {

    public static class BehindProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.enable-forwarded-host", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1,::1");
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

    @Test
    void theUrlReportedByATrustedIngressIsTheOneVerified() throws Exception {
        List<String> ids = simulator.add(1);
        byte[] body = body(simulator, ids);
        String pathAndQuery = pathFor(body);
        Map<String, String> forwarded = Map.of("Content-Type", "application/json",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "relay.example.com");

        RawHttp.Answer ownUrl = RawHttp.post("localhost", RestAssured.port, pathAndQuery, with(forwarded,
                sign("http://localhost:" + RestAssured.port + pathAndQuery)), body);
        assertThat(ownUrl.status()).as("the URL behind the ingress is not the one Twilio signed").isEqualTo(403);

        RawHttp.Answer answer = RawHttp.post("localhost", RestAssured.port, pathAndQuery, with(forwarded,
                sign("https://relay.example.com" + pathAndQuery)), body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"published\":1");
    }

    private static Map<String, String> with(Map<String, String> headers, String signature) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("X-Twilio-Signature", signature);
        return all;
    }
}
