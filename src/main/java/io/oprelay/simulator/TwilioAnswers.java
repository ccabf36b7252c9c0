package io.oprelay.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.oprelay.twilio.TwilioError;
import io.oprelay.twilio.TwilioJson;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Answers in Twilio's shapes: the error body {@code {code, message, httpStatusCode, userError, params}}. */
final class TwilioAnswers {

    static final int VALIDATION = 20001;
    static final int AUTHENTICATION = 20003;
    static final int NOT_FOUND = 20404;
    static final int TOO_MANY_REQUESTS = 20429;
    static final int INTERNAL = 20500;

    private TwilioAnswers() {
    }

    static Response error(int status, int code, String message, boolean userError, Map<String, String> params) {
        TwilioError body = new TwilioError(code, message, status, userError, Map.copyOf(params));
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(TwilioJson.mapper().writeValueAsBytes(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write an error body", e);
        }
    }

    static Response invalid(String parameter, String message) {
        return error(400, VALIDATION, message, true, Map.of("parameter", parameter));
    }

    static Response notFound(String message) {
        return error(404, NOT_FOUND, message, true, Map.of());
    }

    static Response disabled() {
        return notFound("The simulator is disabled (relay.simulator.enabled=false)");
    }

    static Response unauthorized() {
        return Response.fromResponse(error(401, AUTHENTICATION,
                        "Authentication required: send HTTP Basic credentials (API Key SID and secret)", true, Map.of()))
                .header("WWW-Authenticate", "Basic realm=\"Twilio API\"").build();
    }

    static Response tooManyRequests(int retryAfterSeconds) {
        return Response.fromResponse(error(429, TOO_MANY_REQUESTS, "Too many requests", true, Map.of()))
                .header("Retry-After", Integer.toString(retryAfterSeconds))
                .header("X-RateLimit-Limit", "100")
                .header("X-RateLimit-Remaining", "0")
                .header("X-RateLimit-Reset", Integer.toString(retryAfterSeconds))
                .build();
    }

    static Response serverError() {
        return error(500, INTERNAL, "Internal server error", false, Map.of());
    }
}
