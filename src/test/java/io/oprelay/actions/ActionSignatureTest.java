package io.oprelay.actions;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** A receiver following the recipe of docs/routing.md verifies the relay's webhook signature. */
class ActionSignatureTest {

    /** The verification recipe of docs/routing.md, written as a receiver would. */
    static boolean verify(String secret, String timestampHeader, String signatureHeader, byte[] rawBody,
                          long nowSeconds) throws Exception {
        long timestamp = Long.parseLong(timestampHeader);
        if (Math.abs(nowSeconds - timestamp) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestampHeader + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                signatureHeader.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void receiverVerifiesSignatureOverTimestampAndBody() throws Exception {
        WebhookSigner signer = new WebhookSigner("whsec-test");
        byte[] body = "{\"action\":\"escalate\"}".getBytes(StandardCharsets.UTF_8);
        long now = 1_780_000_000L;
        String signature = signer.sign(now, body);
        assertThat(signature).matches("v1=[0-9a-f]{64}");
        assertThat(verify("whsec-test", Long.toString(now), signature, body, now + 10)).isTrue();
        assertThat(verify("other", Long.toString(now), signature, body, now)).isFalse();
        assertThat(verify("whsec-test", Long.toString(now + 1), signature, body, now)).isFalse();
        assertThat(verify("whsec-test", Long.toString(now), signature, "{}".getBytes(StandardCharsets.UTF_8), now))
                .isFalse();
        assertThat(verify("whsec-test", Long.toString(now), signature, body, now + 3600)).as("replayed late").isFalse();
    }

    @Test
    void signerNeverShowsItsSecret() {
        assertThat(new WebhookSigner("whsec-test").toString()).doesNotContain("whsec-test");
    }
}
