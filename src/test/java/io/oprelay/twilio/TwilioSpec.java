package io.oprelay.twilio;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The official Intelligence v3 OpenAPI description, copied into test resources with its licence. */
public final class TwilioSpec {

    public static final String RESOURCE = "/twilio/twilio-intelligence-v3.openapi.json";

    private TwilioSpec() {
    }

    public static JsonNode tree() {
        try (InputStream in = TwilioSpec.class.getResourceAsStream(RESOURCE)) {
            return TwilioJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code value} of a named example under {@code components.examples}. */
    public static JsonNode example(String name) {
        return tree().path("components").path("examples").path(name).path("value");
    }
}
