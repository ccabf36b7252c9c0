package io.oprelay.simulator;

import io.oprelay.twilio.Ttid;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Twilio's {@code /v3/OperatorResults} under {@code /simulator}: list with filters and opaque page tokens, fetch,
 * delete, HTTP Basic auth, Twilio's error shapes, and the faults set on the {@link Simulator}.
 */
@Path("/simulator/v3/OperatorResults")
@Produces(MediaType.APPLICATION_JSON)
public class SimulatorResource {

    static final Pattern RESULT_ID = Ttid.pattern("intelligence_operatorresult");
    private static final Pattern CONVERSATION_ID = Ttid.pattern("conv_conversation");
    private static final Pattern CONFIGURATION_ID = Ttid.pattern("intelligence_configuration");
    private static final Pattern OPERATOR_ID = Ttid.pattern("intelligence_operator");
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 1000;

    private final Simulator simulator;
    private final PageAnswer pages;

    public SimulatorResource(Simulator simulator) {
        this.simulator = simulator;
        this.pages = new PageAnswer(simulator);
    }

    @GET
    public Uni<Response> list(@HeaderParam("Authorization") String authorization,
                              @QueryParam("conversationId") String conversationId,
                              @QueryParam("intelligenceConfigurationId") String intelligenceConfigurationId,
                              @QueryParam("operatorId") String operatorId,
                              @QueryParam("pageSize") String pageSize,
                              @QueryParam("pageToken") String pageToken) {
        Response refused = refuse(authorization);
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        Response answer = listPage(conversationId, intelligenceConfigurationId, operatorId, pageSize, pageToken);
        long delay = simulator.faults().pageDelayMs();
        Uni<Response> uni = Uni.createFrom().item(answer);
        return delay > 0 ? uni.onItem().delayIt().by(Duration.ofMillis(delay)) : uni;
    }

    @GET
    @Path("/{operatorResultId}")
    public Response fetch(@HeaderParam("Authorization") String authorization,
                          @PathParam("operatorResultId") String id) {
        Response refused = refuseOneResult(authorization, id);
        if (refused != null) {
            return refused;
        }
        return simulator.find(id)
                .map(result -> Response.ok(result.json(), MediaType.APPLICATION_JSON_TYPE).build())
                .orElseGet(() -> TwilioAnswers.notFound("The requested OperatorResult " + id + " was not found"));
    }

    @DELETE
    @Path("/{operatorResultId}")
    public Response delete(@HeaderParam("Authorization") String authorization,
                           @PathParam("operatorResultId") String id) {
        Response refused = refuseOneResult(authorization, id);
        if (refused != null) {
            return refused;
        }
        return simulator.delete(id) ? Response.noContent().build()
                : TwilioAnswers.notFound("The requested OperatorResult " + id + " was not found");
    }

    /** {@link #refuse} for a call on one result, which also answers 400 to an id off the spec's pattern. */
    private Response refuseOneResult(String authorization, String id) {
        Response refused = refuse(authorization);
        if (refused != null) {
            return refused;
        }
        if (!RESULT_ID.matcher(id).matches()) {
            return TwilioAnswers.invalid("operatorResultId", "Invalid operatorResultId: it must match "
                    + RESULT_ID.pattern());
        }
        return null;
    }

    /** The answer that stops a call before it is served (disabled, unauthenticated, injected 429/500), or null. */
    private Response refuse(String authorization) {
        if (!simulator.enabled()) {
            return TwilioAnswers.disabled();
        }
        if (!authenticated(authorization)) {
            return TwilioAnswers.unauthorized();
        }
        int injected = simulator.faultInjector().injectedStatus();
        if (injected == 429) {
            return TwilioAnswers.tooManyRequests(simulator.faults().retryAfterSeconds());
        }
        return injected == 500 ? TwilioAnswers.serverError() : null;
    }

    private boolean authenticated(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 && simulator.accepts(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private Response listPage(String conversationId, String configurationId, String operatorId, String pageSizeText,
                              String pageToken) {
        Response invalid = checkPageSize(pageSizeText);
        invalid = invalid != null ? invalid : checkFilters(conversationId, configurationId, operatorId);
        if (invalid != null) {
            return invalid;
        }
        int pageSize = pageSizeText == null ? DEFAULT_PAGE_SIZE : Integer.parseInt(pageSizeText.trim());
        Filters filters = new Filters(Optional.ofNullable(conversationId), Optional.ofNullable(configurationId),
                Optional.ofNullable(operatorId));
        if (pageToken == null) {
            return pages.answer(filters, simulator.sortOrder(), null, true, pageSize, null);
        }
        Optional<PageTokens.Cursor> decoded = simulator.tokens().decode(pageToken);
        invalid = checkToken(decoded, filters);
        if (invalid != null) {
            return invalid;
        }
        PageTokens.Cursor token = decoded.get();
        return pages.answer(filters, token.order(), token.afterId(), token.forward(), pageSize, pageToken);
    }

    private static Response checkPageSize(String pageSizeText) {
        if (pageSizeText == null) {
            return null;
        }
        int pageSize;
        try {
            pageSize = Integer.parseInt(pageSizeText.trim());
        } catch (NumberFormatException e) {
            pageSize = -1;
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            return TwilioAnswers.invalid("pageSize", "Invalid pageSize: it must be an integer from 1 to "
                    + MAX_PAGE_SIZE + ", was " + pageSizeText);
        }
        return null;
    }

    private static Response checkFilters(String conversationId, String configurationId, String operatorId) {
        Response badFilter = checkFilter("conversationId", conversationId, CONVERSATION_ID);
        badFilter = badFilter != null ? badFilter
                : checkFilter("intelligenceConfigurationId", configurationId, CONFIGURATION_ID);
        return badFilter != null ? badFilter : checkFilter("operatorId", operatorId, OPERATOR_ID);
    }

    private Response checkToken(Optional<PageTokens.Cursor> decoded, Filters filters) {
        if (decoded.isEmpty()) {
            return TwilioAnswers.invalid("pageToken", "Invalid pageToken: it was not issued by this API");
        }
        PageTokens.Cursor token = decoded.get();
        Long ttl = simulator.faults().tokenTtlMs();
        if (ttl != null && System.currentTimeMillis() - token.issuedAtMillis() > ttl) {
            return TwilioAnswers.invalid("pageToken", "Invalid pageToken: it has expired, list again from the start");
        }
        if (!token.filters().equals(filters)) {
            return TwilioAnswers.invalid("pageToken", "Invalid pageToken: it was issued for other filters; "
                    + "send the same conversationId, intelligenceConfigurationId and operatorId on every page");
        }
        return null;
    }

    private static Response checkFilter(String name, String value, Pattern pattern) {
        if (value == null || pattern.matcher(value).matches()) {
            return null;
        }
        return TwilioAnswers.invalid(name, "Invalid " + name + ": it must match " + pattern.pattern());
    }
}
