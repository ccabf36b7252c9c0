package io.oprelay.twilio;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The HTTP shape of {@code /v3/OperatorResults}. Every method answers the raw {@link Response}: the body bytes are
 * needed as sent, and error statuses are mapped by {@link TwilioClient}, not by the REST client. A null query
 * parameter is left out of the request.
 */
@RegisterRestClient(configKey = OperatorResultsRestClient.CONFIG_KEY)
@Path("/v3/OperatorResults")
@Produces(MediaType.APPLICATION_JSON)
public interface OperatorResultsRestClient {

    /** The REST client key; its URL follows {@code relay.twilio.base-url}. */
    String CONFIG_KEY = "twilio-intelligence";

    @GET
    Response list(@HeaderParam("Authorization") String authorization,
                  @QueryParam("conversationId") String conversationId,
                  @QueryParam("intelligenceConfigurationId") String intelligenceConfigurationId,
                  @QueryParam("operatorId") String operatorId,
                  @QueryParam("pageSize") Integer pageSize,
                  @QueryParam("pageToken") String pageToken);

    @GET
    @Path("/{operatorResultId}")
    Response fetch(@HeaderParam("Authorization") String authorization,
                   @PathParam("operatorResultId") String operatorResultId);

    @DELETE
    @Path("/{operatorResultId}")
    Response delete(@HeaderParam("Authorization") String authorization,
                    @PathParam("operatorResultId") String operatorResultId);
}
