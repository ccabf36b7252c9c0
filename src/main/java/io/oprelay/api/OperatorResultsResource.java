package io.oprelay.api;

import io.oprelay.publisher.DeletionPublisher;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.Ttid;
import io.oprelay.twilio.TwilioApiException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/** One OperatorResult through the relay: fetch it from Twilio, or delete it there and announce the deletion. */
@Path("/api/operator-results/{id}")
public class OperatorResultsResource {

    static final String PREFIX = "intelligence_operatorresult";
    private static final Pattern ID = Ttid.pattern(PREFIX);
    private static final Logger LOG = Logger.getLogger(OperatorResultsResource.class);

    private final OperatorResultsApi api;
    private final DeletionPublisher deletions;

    public OperatorResultsResource(OperatorResultsApi api, DeletionPublisher deletions) {
        this.api = api;
        this.deletions = deletions;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "The result as Twilio returns it")
    public Response fetch(@PathParam("id") String id) {
        if (!ID.matcher(id).matches()) {
            return malformed(id);
        }
        try {
            return Response.ok(api.fetch(id).json(), MediaType.APPLICATION_JSON).build();
        } catch (TwilioApiException e) {
            return twilioFailed(id, e);
        }
    }

    @DELETE
    @Produces(Problem.MEDIA_TYPE)
    @Operation(summary = "Delete the result at Twilio, then publish its deletion event (ce_type ...deleted.v1)")
    public Response delete(@PathParam("id") String id) {
        if (!ID.matcher(id).matches()) {
            return malformed(id);
        }
        RawResult result;
        try {
            result = api.fetch(id);
            api.delete(id);
        } catch (TwilioApiException e) {
            return twilioFailed(id, e);
        }
        try {
            deletions.deleted(result);
        } catch (PublishFailedException e) {
            LOG.errorf("%s was deleted at Twilio but its deletion event was not published: %s", id, e.getMessage());
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, id + " was deleted at Twilio, but Kafka did"
                    + " not acknowledge its deletion event; the event is missing from the topic");
        }
        return Response.noContent().build();
    }

    private static Response malformed(String id) {
        return Problem.response(Response.Status.BAD_REQUEST, "'" + abbreviate(id) + "' is not an OperatorResult id;"
                + " expected " + PREFIX + "_ followed by 26 characters (0-9, a-z; the first 0-7), matching "
                + ID.pattern());
    }

    private static Response twilioFailed(String id, TwilioApiException e) {
        if (e.notFound()) {
            return Problem.response(Response.Status.NOT_FOUND, "Twilio has no OperatorResult " + id);
        }
        LOG.warnf("Twilio call for %s failed: %s", id, e.getMessage());
        if (e.authFailure()) {
            return Problem.response(Response.Status.BAD_GATEWAY, "Twilio rejected the relay's credentials (HTTP "
                    + e.status() + "); check relay.twilio.username and relay.twilio.password");
        }
        return Problem.response(Response.Status.BAD_GATEWAY, "Twilio did not answer successfully"
                + (e.status() > 0 ? " (HTTP " + e.status() + ")" : "") + "; try again later");
    }

    private static String abbreviate(String id) {
        return id.length() > 80 ? id.substring(0, 80) + "..." : id;
    }
}
