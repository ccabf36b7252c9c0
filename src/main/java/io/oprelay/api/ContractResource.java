package io.oprelay.api;

import io.oprelay.events.ContractDocuments;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/**
 * The event contract, public by design (no customer data): the AsyncAPI document of every topic the relay writes and
 * the JSON Schemas that {@code ce_dataschema} names.
 */
@Path("/")
@PermitAll
public class ContractResource {

    private final ContractDocuments documents;

    public ContractResource(ContractDocuments documents) {
        this.documents = documents;
    }

    /** The AsyncAPI 3 document, with this instance's topic names and schema base. */
    @GET
    @Path("asyncapi.yaml")
    @Produces("application/yaml")
    public String asyncApi() {
        return documents.asyncApi();
    }

    /** One JSON Schema by file name, for example {@code io.oprelay.operatorresult.json.v1.json}. */
    @GET
    @Path("schemas/{file}")
    @Produces({"application/schema+json", Problem.MEDIA_TYPE})
    public Response schema(@PathParam("file") String file) {
        return documents.schema(file)
                .map(text -> Response.ok(text, "application/schema+json").build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no such schema"));
    }
}
