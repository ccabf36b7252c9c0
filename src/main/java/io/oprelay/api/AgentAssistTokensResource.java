package io.oprelay.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.twilio.Ttid;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Mints the short-lived tokens with which an agent desktop opens its hint stream ({@code ?access_token=}): the
 * desktop's backend, which holds the API key, asks for one per agent session and hands it to the browser.
 */
@Path("/api/agent-assist/tokens")
@RolesAllowed(Roles.ADMIN)
public class AgentAssistTokensResource {

    private static final Pattern CONVERSATION_ID = Ttid.pattern("conv_conversation");
    private static final Set<String> FIELDS = Set.of("conversationId", "scope", "ttl");

    /** The answer: the token, when it expires, and what it opens. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenAnswer(String token, String expiresAt, String scope, String conversationId) {
    }

    private final StreamTokens tokens;
    private final ObjectMapper mapper;

    public AgentAssistTokensResource(StreamTokens tokens, ObjectMapper mapper) {
        this.tokens = tokens;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "A token opening the hint stream of one conversation ({\"conversationId\": ...}) or of all"
            + " hints ({\"scope\": \"all\"}), for ttl seconds (optional, at most relay.api.token-max-ttl)")
    public Response mint(String body) {
        try {
            JsonNode request = requestObject(body);
            StreamScope granted = scopeOf(request);
            StreamTokens.Minted minted = tokens.mint(granted, ttlOf(request));
            return Response.ok(new TokenAnswer(minted.token(), minted.expiresAt().toString(),
                    granted.all() ? StreamTokens.SCOPE_ALL : StreamTokens.SCOPE_CONVERSATION,
                    granted.conversationId())).type(MediaType.APPLICATION_JSON).build();
        } catch (InvalidRequest e) {
            return invalid(e.getMessage());
        }
    }

    /** The body as a JSON object holding known fields only. */
    private JsonNode requestObject(String body) throws InvalidRequest {
        JsonNode request;
        try {
            request = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            throw new InvalidRequest("the body must be a JSON object: {\"conversationId\": \"conv_conversation_...\"}"
                    + " for one conversation's stream or {\"scope\": \"all\"} for all hints, with an optional"
                    + " \"ttl\" in seconds");
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidRequest("unknown field '" + abbreviate(name)
                        + "'; known fields: conversationId, scope, ttl");
            }
        }
        return request;
    }

    /** One conversation, or all hints. */
    private static StreamScope scopeOf(JsonNode request) throws InvalidRequest {
        JsonNode conversation = request.get("conversationId");
        JsonNode scope = request.get("scope");
        if (conversation != null && !conversation.isNull()) {
            if (!conversation.isTextual() || !CONVERSATION_ID.matcher(conversation.asText()).matches()) {
                throw new InvalidRequest("conversationId must be a conversation id matching "
                        + CONVERSATION_ID.pattern());
            }
            if (scope != null && !scope.isNull() && !StreamTokens.SCOPE_CONVERSATION.equals(scope.asText())) {
                throw new InvalidRequest("send either a conversationId or \"scope\": \"all\", not both");
            }
            return new StreamScope(conversation.asText());
        }
        if (scope != null && StreamTokens.SCOPE_ALL.equals(scope.asText())) {
            return StreamScope.ALL;
        }
        throw new InvalidRequest("send {\"conversationId\": \"conv_conversation_...\"} for one conversation's stream"
                + " or {\"scope\": \"all\"} for all hints");
    }

    /** The requested lifetime within the allowed range, or the default one. */
    private Duration ttlOf(JsonNode request) throws InvalidRequest {
        JsonNode ttlField = request.get("ttl");
        if (ttlField == null || ttlField.isNull()) {
            return tokens.defaultTtl();
        }
        long max = tokens.maxTtl().toSeconds();
        if (!ttlField.canConvertToLong() || !ttlField.isIntegralNumber() || ttlField.asLong() < 1
                || ttlField.asLong() > max) {
            throw new InvalidRequest("ttl must be a whole number of seconds from 1 to " + max
                    + " (relay.api.token-max-ttl)");
        }
        return Duration.ofSeconds(ttlField.asLong());
    }

    /** A request that cannot be granted, with what to send instead; no stack trace. */
    private static final class InvalidRequest extends Exception {
        InvalidRequest(String detail) {
            super(detail, null, false, false);
        }
    }

    private static Response invalid(String detail) {
        return Problem.response(Response.Status.BAD_REQUEST, detail);
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
