package io.oprelay.deadletters;

import io.oprelay.api.Problem;
import io.oprelay.api.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The latest dead letters of this relay, and their replay through the rules in force. */
@Path("/api/dead-letters")
@RolesAllowed(Roles.ADMIN)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class DeadLettersResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Pattern ID = Pattern.compile("(\\d{1,10})-(\\d{1,19})");

    private final DeadLetterView view;
    private final DeadLetterReplays replays;

    public DeadLettersResource(DeadLetterView view, DeadLetterReplays replays) {
        this.view = view;
        this.replays = replays;
    }

    /** The answer of {@code GET /api/dead-letters}. */
    public record DeadLetterList(List<DeadLetter> deadLetters) {
    }

    @GET
    @Operation(summary = "The latest dead letters, newest first, with why, for which rule and action, and from where")
    @APIResponse(responseCode = "200", description = "The letters (at most limit)")
    @APIResponse(responseCode = "400", description = "limit is not a number from 1 to 500")
    public Response list(
            @Parameter(description = "Letters to return, 1 to 500 (default 50)") @QueryParam("limit") String limit,
            @Parameter(description = "Only letters of this rule (exact name)") @QueryParam("rule") String rule,
            @Parameter(description = "Only letters whose reason contains this text (ignoring case)")
            @QueryParam("reason") String reason) {
        int count;
        try {
            count = limit == null || limit.isBlank() ? DEFAULT_LIMIT : Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > MAX_LIMIT) {
            return Problem.response(Response.Status.BAD_REQUEST, "limit must be a whole number from 1 to "
                    + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")");
        }
        return Response.ok(new DeadLetterList(view.latest(count, blankToNull(rule), blankToNull(reason))))
                .type(MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/{id}/replay")
    @Operation(summary = "Route one dead letter again through the current rules: the action that failed, once")
    @APIResponse(responseCode = "200", description = "The replay's outcome: delivered, failed or skipped, with detail")
    @APIResponse(responseCode = "400", description = "The id is not <partition>-<offset>")
    @APIResponse(responseCode = "404", description = "No dead letter at that position")
    public Response replay(@Parameter(description = "<partition>-<offset> in the dead-letter topic")
                           @PathParam("id") String id) {
        Matcher position = ID.matcher(id);
        int partition;
        long offset;
        try {
            if (!position.matches()) {
                throw new NumberFormatException();
            }
            partition = Integer.parseInt(position.group(1));
            offset = Long.parseLong(position.group(2));
        } catch (NumberFormatException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "a dead letter's id is <partition>-<offset>, as"
                    + " GET /api/dead-letters lists it, for example 0-17");
        }
        return replays.replay(partition, offset)
                .map(outcome -> Response.ok(outcome).type(MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no dead letter at " + partition + "-"
                        + offset + " of the dead-letter topic"));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
