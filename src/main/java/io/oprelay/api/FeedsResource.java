package io.oprelay.api;

import io.oprelay.poller.FeedStatus;
import io.oprelay.poller.PollerService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.Map;

/** Feed status and on-demand sweeps. */
@Path("/api/feeds")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class FeedsResource {

    private final PollerService poller;

    public FeedsResource(PollerService poller) {
        this.poller = poller;
    }

    @GET
    @Operation(summary = "Every configured feed: state on this instance, checkpoint, last sweep, results published")
    public List<FeedStatus.View> feeds() {
        return poller.statuses();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One feed")
    public Response feed(@PathParam("name") String name) {
        return poller.status(name).map(view -> Response.ok(view).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no feed named '" + name
                        + "'; GET /api/feeds lists the configured feeds"));
    }

    @POST
    @Path("/{name}/sweep")
    @Operation(summary = "Start a sweep of the feed now")
    public Response sweep(@PathParam("name") String name) {
        return switch (poller.trigger(name)) {
            case TRIGGERED -> Response.accepted(Map.of("feed", name, "sweep", "started")).build();
            case UNKNOWN_FEED -> Problem.response(Response.Status.NOT_FOUND, "no feed named '" + name
                    + "'; GET /api/feeds lists the configured feeds");
            case NOT_OWNED_HERE -> Problem.response(Response.Status.CONFLICT, "feed '" + name
                    + "' is not run by this instance (another replica owns it, or the poller is starting or"
                    + " disabled); its owner sweeps it on its own schedule");
        };
    }
}
