package io.oprelay.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem detail, the body of every error answer of the relay's API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(Response.Status status, String detail) {
        return response(status.getStatusCode(), status.getReasonPhrase(), detail);
    }

    public static Response response(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, null)).build();
    }

    /** Ends a response outside JAX-RS (Vert.x routes) with the problem; headers set before are kept. */
    public static void end(HttpServerResponse response, Response.Status status, String detail) {
        response.setStatusCode(status.getStatusCode()).putHeader("Content-Type", MEDIA_TYPE)
                .end(Json.encode(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail,
                        null)));
    }
}
