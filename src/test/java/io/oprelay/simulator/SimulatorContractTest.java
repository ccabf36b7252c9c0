package io.oprelay.simulator;

import io.oprelay.twilio.SortOrder;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.support.QuietApp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of answer the simulator serves over HTTP validates against the schemas of the official OpenAPI
 * description (converted by {@link OpenApiSchemas}): list pages first, middle, last, empty and filtered, in both
 * orders and going back; fetched results of every format; the error bodies. {@link SimulatorSpecTest} covers the
 * result shapes over thousands of seeds.
 */
@QuarkusTest
@TestProfile(QuietApp.class)
class SimulatorContractTest extends SimulatorFixture {

    private static final OpenApiSchemas SPEC = OpenApiSchemas.official();
    private static final String ONE = "/v3/OperatorResults/{operatorResultId}";
    private static final String PAGE = OpenApiSchemas.response("/v3/OperatorResults", "get", 200);
    private static final String CONVERSATION = "conv_conversation_01kn0de0000000000000000001";
    private static final String NO_SUCH_CONVERSATION = "conv_conversation_01kn0de0000000000000000002";
    private static final String MISSING = "intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5";

    private static void assertValid(String pointer, String json) {
        assertThat(SPEC.problems(pointer, json))
                .as("%s against %s", json.length() > 600 ? json.substring(0, 600) + "..." : json, pointer).isEmpty();
    }

    private static ExtractableResponse<Response> page(UnaryOperator<RequestSpecification> query) {
        return query.apply(twilio()).get(LIST).then().statusCode(200).extract();
    }

    /** Walks every page forward, then one page back from the last; each page validated; the kinds seen returned. */
    private static List<String> walkValidating(UnaryOperator<RequestSpecification> filters, int pageSize) {
        List<String> kinds = new ArrayList<>();
        String token = null;
        String previous = null;
        do {
            String sent = token;
            ExtractableResponse<Response> page = page(request -> {
                RequestSpecification asked = filters.apply(request).queryParam("pageSize", pageSize);
                return sent == null ? asked : asked.queryParam("pageToken", sent);
            });
            assertValid(PAGE, body(page));
            token = page.jsonPath().getString("meta.nextToken");
            previous = page.jsonPath().getString("meta.previousToken");
            kinds.add(kind(page.jsonPath().getInt("meta.pageSize"), previous != null, token != null));
        } while (token != null);
        if (previous != null) {
            String back = previous;
            assertValid(PAGE, body(page(request -> filters.apply(request).queryParam("pageSize", pageSize)
                    .queryParam("pageToken", back))));
        }
        return kinds;
    }

    private static String kind(int items, boolean hasPrevious, boolean hasNext) {
        if (items == 0) {
            return "empty";
        }
        return hasPrevious ? (hasNext ? "middle" : "last") : (hasNext ? "first" : "only");
    }

    @Test
    void listPagesOfEveryKindMatchTheSpecInEitherOrder() {
        simulator.add(300);
        for (SortOrder order : List.of(SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST)) {
            simulator.setSortOrder(order);

            List<String> kinds = walkValidating(UnaryOperator.identity(), 120);

            assertThat(kinds).as(order.name()).containsExactly("first", "middle", "last");
        }
    }

    @Test
    void filteredAndEmptyPagesMatchTheSpec() {
        simulator.add(60);
        simulator.add(7, EnumSet.noneOf(OutputFormat.class), CONVERSATION);
        Catalog.Configuration configuration = simulator.catalog().configurations().get(0);
        Map<String, String> filters = Map.of("conversationId", CONVERSATION,
                "intelligenceConfigurationId", configuration.id(),
                "operatorId", configuration.operators().get(0).id());

        filters.forEach((name, value) -> assertThat(walkValidating(request -> request.queryParam(name, value), 3))
                .as(name).startsWith("first").endsWith("last"));
        assertThat(walkValidating(request -> request.queryParam("conversationId", NO_SUCH_CONVERSATION), 10))
                .containsExactly("empty");
        simulator.clear();
        assertThat(walkValidating(UnaryOperator.identity(), 50)).containsExactly("empty");
    }

    @Test
    void fetchedResultsOfEveryFormatMatchTheSpec() {
        for (OutputFormat format : List.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON, OutputFormat.TEXT,
                OutputFormat.EXTRACTION)) {
            for (String id : simulator.add(25, EnumSet.of(format), null)) {
                ExtractableResponse<Response> fetched = twilio().get(LIST + "/" + id).then().statusCode(200)
                        .extract();
                assertValid(OpenApiSchemas.response(ONE, "get", 200), body(fetched));
                assertThat(fetched.jsonPath().getString("outputFormat")).isEqualTo(format.name());
            }
        }
    }

    @Test
    void errorAnswersMatchTheSpec() {
        String list400 = OpenApiSchemas.response("/v3/OperatorResults", "get", 400);
        assertValid(list400, body(twilio().queryParam("pageSize", 0).get(LIST).then().statusCode(400).extract()));
        assertValid(list400, body(twilio().queryParam("pageToken", "forged").get(LIST).then().statusCode(400)
                .extract()));
        assertValid(list400, body(twilio().queryParam("operatorId", "op").get(LIST).then().statusCode(400)
                .extract()));
        // The spec describes no 400 for one result, nor a 401 for OperatorResults: the error object is the same.
        assertValid(list400, body(twilio().get(LIST + "/bad-id").then().statusCode(400).extract()));
        assertValid(OpenApiSchemas.response("/v3/Conversations", "get", 401),
                body(given().get(LIST).then().statusCode(401).extract()));
        assertValid(OpenApiSchemas.response(ONE, "get", 404),
                body(twilio().get(LIST + "/" + MISSING).then().statusCode(404).extract()));
        assertValid(OpenApiSchemas.response(ONE, "delete", 404),
                body(twilio().delete(LIST + "/" + MISSING).then().statusCode(404).extract()));
        for (int status : new int[] {429, 500}) {
            double rateLimited = status == 429 ? 1 : 0;
            simulator.setFaults(new FaultSettings(rateLimited, 1 - rateLimited, 1, 0, 0, 0, 0, null));
            assertValid(OpenApiSchemas.response("/v3/OperatorResults", "get", status),
                    body(twilio().get(LIST).then().statusCode(status).extract()));
            assertValid(OpenApiSchemas.response(ONE, "get", status),
                    body(twilio().get(LIST + "/" + MISSING).then().statusCode(status).extract()));
            assertValid(OpenApiSchemas.response(ONE, "delete", status),
                    body(twilio().delete(LIST + "/" + MISSING).then().statusCode(status).extract()));
        }
        simulator.resetFaults();
        simulator.setEnabled(false);
        assertValid(OpenApiSchemas.response(ONE, "get", 404),
                body(twilio().get(LIST).then().statusCode(404).extract()));
    }

    @Test
    void theSchemasRejectAResultOfTheWrongShape() {
        String id = simulator.add(1, EnumSet.of(OutputFormat.CLASSIFICATION), null).get(0);
        String json = body(twilio().get(LIST + "/" + id).then().statusCode(200).extract());

        assertValid(OpenApiSchemas.RESULT, json);
        assertThat(SPEC.problems(OpenApiSchemas.RESULT, json.replaceFirst("\"label\":", "\"labels\":")))
                .isNotEmpty();
        assertThat(SPEC.problems(OpenApiSchemas.RESULT, json.replaceFirst(
                "\"participants\":\\[\\{\"id\":\"[^\"]+\"", "\"participants\":[{\"id\":\"CH1\""))).isNotEmpty();
    }

    @Test
    void resultsMadeWhileTheNullProfileIdFaultIsOnAreOffTheSpec() {
        simulator.setFaults(FaultSettings.none().withNullProfileIds(true));
        simulator.add(8);

        String page = body(page(request -> request.queryParam("pageSize", 1000)));

        assertThat(page).contains("\"profileId\":null");
        assertThat(SPEC.problems(PAGE, page)).anySatisfy(problem -> assertThat(problem)
                .contains("/profileId: null found"));
    }
}
