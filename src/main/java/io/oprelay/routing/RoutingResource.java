package io.oprelay.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.api.Roles;
import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.twilio.OperatorResult;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rules in force, and a dry run telling which rules and actions a result would fire. */
@Path("/api/routing")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class RoutingResource {

    static final String PROBLEM_JSON = "application/problem+json";

    private final RuleBook ruleBook;
    private final ObjectMapper mapper;

    public RoutingResource(RuleBook ruleBook, ObjectMapper mapper) {
        this.ruleBook = ruleBook;
        this.mapper = mapper;
    }

    /** The loaded rules. */
    public record RulesView(String source, List<RuleView> rules) {
    }

    /** One loaded rule. */
    public record RuleView(String name, Condition when, List<Map<String, Object>> actions) {
    }

    /** Answer of the dry run. */
    public record Evaluation(String resultId, String conversationId, String outputFormat, String label,
                             boolean matched, List<FiredRule> rules) {
    }

    /** A rule the result fires and what its actions would do. */
    public record FiredRule(String rule, List<ActionPreview> actions) {
    }

    /** What one action would publish and call. */
    public record ActionPreview(String type, Object output, List<RecordPreview> records, List<String> webhooks,
                                String error) {
    }

    /** A record an action would publish. */
    public record RecordPreview(String topic, String key, JsonNode value) {
    }

    /** RFC 9457 problem details. */
    public record Problem(String type, String title, int status, String detail) {
    }

    @GET
    @Path("/rules")
    public RulesView rules() {
        List<RuleView> rules = ruleBook.rules().stream()
                .map(rule -> new RuleView(rule.name(), rule.when(),
                        rule.actions().stream().map(action -> action.describe()).toList()))
                .toList();
        return new RulesView(ruleBook.source(), rules);
    }

    @POST
    @Path("/evaluate")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, PROBLEM_JSON})
    public Response evaluate(String body) {
        OperatorResult result;
        try {
            JsonNode tree = body == null || body.isBlank() ? null : mapper.readTree(body);
            if (tree == null || !tree.isObject()) {
                return badRequest("The body must be one OperatorResult JSON object, as Twilio returns it from"
                        + " GET /v3/OperatorResults/{id}.");
            }
            for (String field : List.of("id", "conversationId", "outputFormat")) {
                if (!tree.path(field).isTextual()) {
                    return badRequest("The OperatorResult has no text field '" + field + "'; it is required.");
                }
            }
            result = mapper.treeToValue(tree, OperatorResult.class);
        } catch (JsonProcessingException e) {
            return badRequest("The body is not valid JSON or not an OperatorResult: " + e.getOriginalMessage());
        }
        ResultFacts facts = new ResultFacts(result);
        List<FiredRule> fired = new ArrayList<>();
        for (RoutingEngine.Match match : ruleBook.engine().evaluate(facts)) {
            List<ActionPreview> actions = new ArrayList<>();
            for (RoutingEngine.ActionOutput output : match.actions()) {
                if (output.error() != null) {
                    actions.add(new ActionPreview(output.action().type(), null, List.of(), List.of(), output.error()));
                    continue;
                }
                actions.add(new ActionPreview(output.action().type(), output.effects().output(),
                        output.effects().records().stream().map(this::preview).toList(),
                        output.effects().deliveries().stream().map(Delivery::url).map(Delivery::endpointOf)
                                .toList(),
                        null));
            }
            fired.add(new FiredRule(match.rule().name(), actions));
        }
        return Response.ok(new Evaluation(result.id(), result.conversationId(), result.outputFormat(), facts.label(),
                !fired.isEmpty(), fired)).type(MediaType.APPLICATION_JSON).build();
    }

    private RecordPreview preview(ProducerRecord<String, byte[]> record) {
        try {
            return new RecordPreview(record.topic(), record.key(), mapper.readTree(record.value()));
        } catch (IOException e) {
            throw new IllegalStateException("an action produced a value that is not JSON", e);
        }
    }

    private static Response badRequest(String detail) {
        return Response.status(400).type(PROBLEM_JSON)
                .entity(new Problem("/problems/invalid-operator-result", "Invalid OperatorResult", 400, detail))
                .build();
    }
}
