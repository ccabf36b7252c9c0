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

    @Test
    void aUrlSignedWithOrWithoutItsDefaultPortIsAcceptedEitherWay() {
        TwilioSignature signature = new TwilioSignature("12345");
        String withPort = URL.replace("relay.example.com/", "relay.example.com:443/");
        assertThat(signature.signsAnyForm(signature.sign(withPort), URL)).isTrue();
        assertThat(signature.signsAnyForm(SIGNATURE, withPort)).isTrue();
        String http = URL.replace("https://", "http://");
        String httpWithPort = http.replace("relay.example.com/", "relay.example.com:80/");
        assertThat(signature.signsAnyForm(signature.sign(httpWithPort), http)).isTrue();
        assertThat(signature.signsAnyForm(signature.sign(http), httpWithPort)).isTrue();
        assertThat(signature.signs(signature.sign(withPort), URL)).as("the exact form alone").isFalse();
    }

    @Test
    void onlyTheSchemesOwnDefaultPortIsInterchangeable() {
        TwilioSignature signature = new TwilioSignature("12345");
        String otherPort = URL.replace("relay.example.com/", "relay.example.com:8443/");
        assertThat(signature.signsAnyForm(signature.sign(otherPort), URL)).isFalse();
        assertThat(signature.signsAnyForm(SIGNATURE, otherPort)).isFalse();
        String wrongDefault = URL.replace("relay.example.com/", "relay.example.com:80/");
        assertThat(signature.signsAnyForm(signature.sign(wrongDefault), URL)).isFalse();
        assertThat(TwilioSignature.candidates("https://[::1]/x?bodySHA256=a"))
                .containsExactly("https://[::1]/x?bodySHA256=a", "https://[::1]:443/x?bodySHA256=a");
    }

    @Test
    void aBodyHashMustBeSixtyFourHexDigits() {
        assertThat(TwilioSignature.wellFormedHash(HASH)).isTrue();
        assertThat(TwilioSignature.wellFormedHash(HASH.substring(1))).isFalse();
        assertThat(TwilioSignature.wellFormedHash(HASH.substring(1) + "g")).isFalse();
        assertThat(TwilioSignature.wellFormedHash(null)).isFalse();
    }
}
