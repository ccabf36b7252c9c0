package io.oprelay.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.oprelay.api.Roles;
import io.oprelay.api.Problem;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.SortOrder;
import io.oprelay.twilio.Ttid;
import io.oprelay.twilio.TwilioJson;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Run-time control of the simulator: faults, results and status. Answers 404 while the simulator is disabled.
 * Needs the relay's API key, like the admin API (the simulator's Twilio endpoints keep their own Basic credentials).
 */
@Path("/simulator/admin")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class SimulatorAdminResource {

    static final int MAX_ADD = 1_000_000;
    private static final Pattern CONVERSATION_ID = Ttid.pattern("conv_conversation");
    /** Fault settings as sent: a misspelt or mistyped field is refused rather than read as "no fault". */
    private static final ObjectReader FAULTS = TwilioJson.mapper().readerFor(FaultSettings.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The answer of {@code POST /simulator/admin/results}. */
    public record AddedResults(int added, int total, String firstId, String lastId) {
    }

    /** The answer of {@code GET /simulator/admin/status}. */
    public record SimulatorStatus(boolean enabled, int results, SortOrder sortOrder, double rate,
                                 FaultSettings faults) {
    }

    private final Simulator simulator;

    public SimulatorAdminResource(Simulator simulator) {
        this.simulator = simulator;
    }

    @GET
    @Path("/status")
    public Response status() {
        if (!simulator.enabled()) {
            return TwilioAnswers.disabled();
        }
        return Response.ok(new SimulatorStatus(true, simulator.count(), simulator.sortOrder(), simulator.rate(),
                simulator.faults())).build();
    }

    @GET
    @Path("/faults")
    public Response faults() {
        return simulator.enabled() ? Response.ok(simulator.faults()).build() : TwilioAnswers.disabled();
    }

    @PUT
    @Path("/faults")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setFaults(byte[] body) {
        if (!simulator.enabled()) {
            return TwilioAnswers.disabled();
        }
        FaultSettings settings;
        try {
            settings = body == null || body.length == 0 ? null : FAULTS.readValue(body);
        } catch (IOException e) {
            return TwilioAnswers.invalid("body", "Send the fault settings as a JSON object with the fields of "
                    + "GET /simulator/admin/faults: " + whatIsWrong(e));
        }
        if (settings == null) {
            return TwilioAnswers.invalid("body", "Send the fault settings as a JSON object");
        }
        String problem = settings.problem();
        if (problem != null) {
            return TwilioAnswers.invalid("body", problem);
        }
        simulator.setFaults(settings);
        return Response.ok(simulator.faults()).build();
    }

    /** What is wrong with a faults body, naming the field but never echoing the value sent. */
    private static String whatIsWrong(IOException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                && mapping.getPath().get(mapping.getPath().size() - 1).getFieldName() != null) {
            return "field '" + mapping.getPath().get(mapping.getPath().size() - 1).getFieldName()
                    + "' has a value of the wrong type";
        }
        return "the body is not a JSON object of fault settings";
    }

    @POST
    @Path("/results")
    public Response addResults(@QueryParam("count") Integer count, @QueryParam("format") List<String> formats,
                               @QueryParam("conversationId") String conversationId) {
        if (!simulator.enabled()) {
            return TwilioAnswers.disabled();
        }
        if (count == null || count < 1 || count > MAX_ADD) {
            return TwilioAnswers.invalid("count", "count must be an integer from 1 to " + MAX_ADD);
        }
        Set<OutputFormat> chosen = EnumSet.noneOf(OutputFormat.class);
        for (String format : formats) {
            OutputFormat parsed = OutputFormat.of(format);
            if (parsed == OutputFormat.OTHER) {
                return TwilioAnswers.invalid("format", "format must be CLASSIFICATION, JSON, TEXT or EXTRACTION, was "
                        + format.toUpperCase(Locale.ROOT));
            }
            chosen.add(parsed);
        }
        if (conversationId != null && !CONVERSATION_ID.matcher(conversationId).matches()) {
            return TwilioAnswers.invalid("conversationId", "conversationId must match " + CONVERSATION_ID.pattern());
        }
        List<String> ids = simulator.add(count, chosen, conversationId);
        return Response.ok(new AddedResults(ids.size(), simulator.count(), ids.get(0), ids.get(ids.size() - 1)))
                .build();
    }

    /**
     * Adds one result exactly as sent (a chosen {@code dateCreated}, a large output): 201 with its id; 400
     * problem+json when the body is not such a result, 409 when its id exists.
     */
    @POST
    @Path("/results/raw")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response addRawResult(byte[] body) {
        if (!simulator.enabled()) {
            return TwilioAnswers.disabled();
        }
        if (body == null || body.length == 0) {
            return Problem.response(Response.Status.BAD_REQUEST, "Send one OperatorResult as a JSON object");
        }
        try {
            String id = simulator.put(body);
            return Response.status(Response.Status.CREATED).entity(new AddedResults(1, simulator.count(), id, id))
                    .build();
        } catch (IllegalArgumentException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "Not a result the simulator can serve: "
                    + e.getMessage());
        } catch (IllegalStateException e) {
            return Problem.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @DELETE
    @Path("/results")
    public Response clear() {
        if (!simulator.enabled()) {
            return TwilioAnswers.disabled();
        }
        simulator.clear();
        return Response.noContent().build();
    }
}
