package io.oprelay.api;

import io.oprelay.publisher.DeletionPublisher;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.twilio.OperatorResultsApi;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.Ttid;
import io.oprelay.twilio.TwilioApiException;
import io.oprelay.twilio.TwilioConfig;
import jakarta.annotation.security.RolesAllowed;
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
@RolesAllowed(Roles.ADMIN)
public class OperatorResultsResource {

    static final String PREFIX = "intelligence_operatorresult";
    private static final Pattern ID = Ttid.pattern(PREFIX);
    private static final Logger LOG = Logger.getLogger(OperatorResultsResource.class);

    private final OperatorResultsApi api;
    private final DeletionPublisher deletions;
    private final boolean credentials;

    public OperatorResultsResource(OperatorResultsApi api, DeletionPublisher deletions, TwilioConfig twilio) {
        this.api = api;
        this.deletions = deletions;
        this.credentials = twilio.username().isPresent() && twilio.password().isPresent();
    }

    /**
     * An instance without Twilio credentials (a router-only deployment) does not call Twilio at all: the call could
     * only be rejected, and that would turn its readiness DOWN for nothing.
     */
    private Response withoutCredentials() {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "this instance has no Twilio credentials"
                + " (relay.twilio.username and relay.twilio.password are not set): call an instance that polls");
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "The result as Twilio returns it")
    public Response fetch(@PathParam("id") String id) {
        if (!ID.matcher(id).matches()) {
            return malformed(id);
        }
        if (!credentials) {
            return withoutCredentials();
        }
        try {
            return Response.ok(api.fetch(id).json(), MediaType.APPLICATION_JSON).build();
        } catch (TwilioApiException e) {
            return twilioFailed(id, e);
        }
    }

    @DELETE
    @Produces(Problem.MEDIA_TYPE)
    @Operation(summary = "Publish the result's deletion event (ce_type ...deleted.v1), then delete it at Twilio")
    public Response delete(@PathParam("id") String id) {
        if (!ID.matcher(id).matches()) {
            return malformed(id);
        }
        if (!credentials) {
            return withoutCredentials();
        }
        RawResult result;
        try {
            result = api.fetch(id);
        } catch (TwilioApiException e) {
            return twilioFailed(id, e);
        }
        // The event goes first: if Kafka fails, the result is still at Twilio and the call can simply be repeated.
        // Deleting first would lose the event for good (a repeat finds nothing to fetch). A repeat after a failed
        // Twilio delete publishes the event again, which downstream erasure takes as it takes the first.
        try {
            deletions.deleted(result);
        } catch (PublishFailedException e) {
            LOG.warnf("deletion event of %s not published, so it was not deleted at Twilio: %s", id, e.getMessage());
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Kafka did not acknowledge the deletion"
                    + " event of " + id + "; nothing was deleted at Twilio, try again later");
        }
        try {
            api.delete(id);
        } catch (TwilioApiException e) {
            if (e.notFound()) {
                return Response.noContent().build();
            }
            LOG.warnf("deletion event of %s published, but Twilio did not delete it: %s", id, e.getMessage());
            return twilioFailed(id, e);
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
