package io.oprelay.support;

import io.oprelay.poller.FeedStatus;
import io.oprelay.poller.PollerService;
import io.oprelay.simulator.Simulator;
import io.oprelay.simulator.StoredResult;
import io.oprelay.webhook.TwilioSignature;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Builds Rule Execution webhooks from the simulator's results and posts them signed the way Twilio signs them. */
public final class RuleExecutionWebhooks {

    /** {@code %test.relay.webhook.auth-token}. */
    public static final String AUTH_TOKEN = "test-webhook-auth-token";
    public static final String PATH = "/webhooks/twilio/rule-execution";
    private static final TwilioSignature SIGNATURE = new TwilioSignature(AUTH_TOKEN);

    private RuleExecutionWebhooks() {
    }

    /** Waits until the default feed runs on this app and has left its start, so pushed results are published here. */
    public static void awaitDefaultFeedRunsHere(PollerService poller) {
        await().atMost(Waits.seconds(60)).until(() -> poller.runsHere("default")
                && poller.status("default").map(s -> s.state() != FeedStatus.State.STARTING).orElse(false));
    }

    /** The body Twilio posts for these results: the results' JSON exactly as the simulator serves it. */
    public static byte[] body(Simulator simulator, List<String> ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoredResult first = simulator.find(ids.get(0)).orElseThrow();
        String head = "{\"accountId\":\"ACtest\",\"conversationId\":\"" + first.conversationId()
                + "\",\"intelligenceConfiguration\":{\"id\":\"" + first.intelligenceConfigurationId()
                + "\",\"displayName\":\"Test rule\",\"version\":1,\"ruleId\":\"rule-1\"},\"operatorResults\":[";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(simulator.find(ids.get(i)).orElseThrow().json());
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The path and query Twilio calls for this body. */
    public static String pathFor(byte[] body) {
        return PATH + "?bodySHA256=" + TwilioSignature.bodyHash(body);
    }

    /** The signature of a URL with the test auth token. */
    public static String sign(String url) {
        return SIGNATURE.sign(url);
    }

    /** Posts {@code body} to {@code pathAndQuery} with the given signature header (none when null). */
    public static Response post(String pathAndQuery, byte[] body, String signature) {
        var request = RestAssured.given().urlEncodingEnabled(false).contentType("application/json").body(body);
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        return request.post(pathAndQuery);
    }

    /** Posts the body signed correctly for this app's own URL. */
    public static Response postSigned(byte[] body) {
        String pathAndQuery = pathFor(body);
        return post(pathAndQuery, body, sign(RestAssured.baseURI + ":" + RestAssured.port + pathAndQuery));
    }
}
