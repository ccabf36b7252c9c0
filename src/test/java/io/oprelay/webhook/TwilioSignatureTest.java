package io.oprelay.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The signature scheme of Twilio's JSON webhooks, checked against values computed independently. */
class TwilioSignatureTest {

    private static final byte[] BODY = "{\"operatorResults\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final String HASH = "da82dd7bb9d39e8ef1928c7138cf8c5f69cfd4a636a07457fa67cc591111d3d7";
    private static final String URL = "https://relay.example.com/webhooks/twilio/rule-execution?bodySHA256=" + HASH;
    private static final String SIGNATURE = "7E5AIHPFv1UHkH8UnlcLjN8uuic=";

    @Test
    void signsTheFullUrlWithHmacSha1OfTheAuthToken() {
        TwilioSignature signature = new TwilioSignature("12345");
        assertThat(signature.sign(URL)).isEqualTo(SIGNATURE);
        assertThat(signature.signs(SIGNATURE, URL)).isTrue();
    }

    @Test
    void rejectsAnotherUrlAnotherTokenAndAMissingSignature() {
        assertThat(new TwilioSignature("12345").signs(SIGNATURE, URL.replace("relay.", "other."))).isFalse();
        assertThat(new TwilioSignature("54321").signs(SIGNATURE, URL)).isFalse();
        assertThat(new TwilioSignature("12345").signs(null, URL)).isFalse();
        assertThat(new TwilioSignature("12345").signs("", URL)).isFalse();
    }

    @Test
    void bodyHashIsTheHexSha256OfTheRawBody() {
        assertThat(TwilioSignature.bodyHash(BODY)).isEqualTo(HASH);
        assertThat(TwilioSignature.hashes(HASH, BODY)).isTrue();
        assertThat(TwilioSignature.hashes(HASH.toUpperCase(), BODY)).isTrue();
        assertThat(TwilioSignature.hashes(HASH, "{\"operatorResults\":[ ]}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(TwilioSignature.hashes(null, BODY)).isFalse();
    }
}
