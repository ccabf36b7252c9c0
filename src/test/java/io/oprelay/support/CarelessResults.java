package io.oprelay.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.twilio.Ttid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Results a careless upstream sends, made from a well-formed one: a new id, and a chosen {@code dateCreated} or a
 * very large output. The large output is random text, so compression on the way to Kafka cannot shrink it much.
 */
public final class CarelessResults {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Ttid.Generator IDS = new Ttid.Generator(new SplittableRandom());

    private CarelessResults() {
    }

    /** A copy of {@code template} with a new id and the given {@code dateCreated}. */
    public static synchronized String datedAt(String template, Instant dateCreated) {
        ObjectNode result = copy(template);
        result.put("dateCreated", dateCreated.toString());
        return result.toString();
    }

    /** A copy of a TEXT {@code template} with a new id and a text output of about {@code bytes} bytes. */
    public static synchronized String withTextOfSize(String template, int bytes) {
        ObjectNode result = copy(template);
        byte[] noise = new byte[bytes * 3 / 4];
        new SecureRandom().nextBytes(noise);
        result.put("outputFormat", "TEXT");
        result.putObject("result").put("text", Base64.getEncoder().encodeToString(noise));
        return result.toString();
    }

    /** The id of a result's JSON. */
    public static String idOf(String json) {
        try {
            return MAPPER.readTree(json).path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode copy(String template) {
        try {
            ObjectNode result = (ObjectNode) MAPPER.readTree(template);
            result.put("id", IDS.next("intelligence_operatorresult", System.currentTimeMillis()));
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
