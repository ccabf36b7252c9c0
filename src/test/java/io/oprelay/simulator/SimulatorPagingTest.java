package io.oprelay.simulator;

import io.oprelay.support.Waits;
import io.oprelay.twilio.ListQuery;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.ResultPage;
import io.oprelay.twilio.SortOrder;
import io.oprelay.twilio.TwilioApiException;
import io.oprelay.twilio.TwilioClient;
import io.oprelay.support.QuietApp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@TestProfile(QuietApp.class)
class SimulatorPagingTest extends SimulatorFixture {

    private TwilioClient client;

    @BeforeEach
    void newClient() {
        client = client();
    }

    private List<String> walk(ListQuery query) {
        List<String> seen = new ArrayList<>();
        ResultPage page = client.list(query);
        seen.addAll(page.items().stream().map(RawResult::id).toList());
        for (int pages = 1; page.nextToken().isPresent(); pages++) {
            assertThat(pages).as("pages walked").isLessThan(10_000);
            page = client.list(query.withPageToken(page.nextToken()));
            seen.addAll(page.items().stream().map(RawResult::id).toList());
        }
        return seen;
    }

    @ParameterizedTest
    @EnumSource(value = SortOrder.class, names = {"NEWEST_FIRST", "OLDEST_FIRST"})
    void walksEveryResultExactlyOnceInEitherOrder(SortOrder order) {
        simulator.setSortOrder(order);
        simulator.add(257);

        List<String> seen = walk(query(50));

        Comparator<String> expected = order == SortOrder.OLDEST_FIRST ? Comparator.naturalOrder()
                : Comparator.reverseOrder();
        assertThat(seen).hasSize(257).doesNotHaveDuplicates().isSortedAccordingTo(expected);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(simulator.ids());
    }

    @Test
    void previousTokenGoesBackOnePage() {
        simulator.add(30);
        ResultPage first = client.list(query(10));
        ResultPage second = client.list(query(10).withPageToken(first.nextToken()));

        ResultPage back = client.list(query(10).withPageToken(second.previousToken()));

        assertThat(first.previousToken()).isEmpty();
        assertThat(back.items()).extracting(RawResult::id)
                .containsExactlyElementsOf(first.items().stream().map(RawResult::id).toList());
    }

    @Test
    void oldestFirstTokenOfTheLastPagePicksUpResultsAddedLater() {
        simulator.setSortOrder(SortOrder.OLDEST_FIRST);
        simulator.add(25);
        ResultPage page = client.list(query(10));
        Optional<String> lastToken = Optional.empty();
        while (page.nextToken().isPresent()) {
            lastToken = page.nextToken();
            page = client.list(query(10).withPageToken(lastToken));
        }
        assertThat(page.items()).hasSize(5);

        List<String> added = simulator.add(7);
        ResultPage tail = client.list(query(10).withPageToken(lastToken));

        assertThat(tail.items()).extracting(RawResult::id).hasSize(10)
                .startsWith(page.items().stream().map(RawResult::id).toArray(String[]::new));
        assertThat(tail.items().subList(5, 10)).extracting(RawResult::id).containsExactlyElementsOf(added.subList(0, 5));
        assertThat(tail.nextToken()).isPresent();
    }

    @Test
    void newestFirstTokenMeansOlderThanThePage() {
        List<String> old = simulator.add(20);
        ResultPage first = client.list(query(10));
        simulator.add(5);

        ResultPage second = client.list(query(10).withPageToken(first.nextToken()));

        List<String> olderHalf = new ArrayList<>(old.subList(0, 10));
        java.util.Collections.reverse(olderHalf);
        assertThat(second.items()).extracting(RawResult::id).containsExactlyElementsOf(olderHalf);
        assertThat(second.nextToken()).isEmpty();
    }

    @Test
    void pagingStaysStableWhenResultsAreDeleted() {
        List<String> ids = simulator.add(30);
        ResultPage first = client.list(query(10));
        client.delete(ids.get(15));
        client.delete(ids.get(19));

        List<String> rest = new ArrayList<>();
        ResultPage page = client.list(query(10).withPageToken(first.nextToken()));
        rest.addAll(page.items().stream().map(RawResult::id).toList());
        page = client.list(query(10).withPageToken(page.nextToken()));
        rest.addAll(page.items().stream().map(RawResult::id).toList());

        assertThat(rest).hasSize(18).doesNotContain(ids.get(15), ids.get(19)).doesNotHaveDuplicates();
        assertThat(page.nextToken()).isEmpty();
    }

    @Test
    void filtersOnConversationOnEveryPage() {
        String conversation = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";
        simulator.add(40);
        List<String> mine = simulator.add(12, Set.of(), conversation);
        simulator.add(40);

        List<String> seen = walk(new ListQuery(Optional.of(conversation), Optional.empty(), Optional.empty(), 5,
                Optional.empty()));

        assertThat(seen).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(simulator.find(mine.get(0)).orElseThrow().conversationId()).isEqualTo(conversation);
    }

    @Test
    void generatesAllFourFormatsWithSpecIds() {
        List<String> ids = simulator.add(200);

        assertThat(ids).allMatch(id -> SimulatorResource.RESULT_ID.matcher(id).matches()).isSorted();
        assertThat(ids.stream().map(id -> simulator.find(id).orElseThrow().format()).distinct())
                .containsExactlyInAnyOrder(OutputFormat.CLASSIFICATION, OutputFormat.JSON, OutputFormat.TEXT,
                        OutputFormat.EXTRACTION);
        List<String> json = simulator.add(3, Set.of(OutputFormat.JSON), null);
        assertThat(json).allMatch(id -> client.fetch(id).view().format() == OutputFormat.JSON);
    }

    @Test
    void expiredTokenAnswers400() {
        simulator.add(20);
        ResultPage first = client.list(query(10));
        simulator.setFaults(new FaultSettings(0, 0, 1, 0, 0, 0, 0, 50L));

        await().atMost(Waits.seconds(5)).untilAsserted(() ->
                twilio().queryParam("pageSize", 10).queryParam("pageToken", first.nextToken().orElseThrow())
                        .get(LIST).then().statusCode(400)
                        .body("code", equalTo(20001)).body("httpStatusCode", equalTo(400))
                        .body("params.parameter", equalTo("pageToken")));
        assertThatThrownBy(() -> client.list(query(10).withPageToken(first.nextToken())))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void garbageTamperedOrForeignTokensAnswer400() {
        simulator.add(20);
        String token = client.list(query(5)).nextToken().orElseThrow();
        String tampered = (token.charAt(0) == 'd' ? "e" : "d") + token.substring(1);

        for (String bad : List.of("garbage", tampered, token + "x", "a.b.c")) {
            twilio().queryParam("pageToken", bad).get(LIST).then().statusCode(400).body("code", equalTo(20001));
        }
        twilio().queryParam("pageToken", token)
                .queryParam("conversationId", "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2")
                .get(LIST).then().statusCode(400).body("code", equalTo(20001));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "ten"})
    void pageSizeOutsideOneToThousandAnswers400(String size) {
        twilio().queryParam("pageSize", size).get(LIST).then().statusCode(400)
                .body("code", equalTo(20001)).body("httpStatusCode", equalTo(400)).body("userError", equalTo(true))
                .body("message", notNullValue());
    }

    @Test
    void invalidFiltersAndIdsAnswer400() {
        twilio().queryParam("conversationId", "CH123").get(LIST).then().statusCode(400).body("code", equalTo(20001));
        twilio().get(LIST + "/not-an-id").then().statusCode(400).body("code", equalTo(20001));
        twilio().delete(LIST + "/intelligence_operatorresult_91k6fc25s7epm9qtk8rszbv3q5").then().statusCode(400);
    }

    @Test
    void deletedResultAnswers404() {
        String id = simulator.add(3).get(1);

        twilio().delete(LIST + "/" + id).then().statusCode(204);

        twilio().get(LIST + "/" + id).then().statusCode(404).body("code", equalTo(20404))
                .body("httpStatusCode", equalTo(404));
        twilio().delete(LIST + "/" + id).then().statusCode(404).body("code", equalTo(20404));
        assertThat(simulator.count()).isEqualTo(2);
        assertThatThrownBy(() -> client.fetch(id))
                .isInstanceOfSatisfying(TwilioApiException.class, e -> assertThat(e.notFound()).isTrue());
    }

    @Test
    void missingCredentialsAnswer401() {
        String id = simulator.add(1).get(0);
        given().get(LIST).then().statusCode(401).body("code", equalTo(20003)).body("httpStatusCode", equalTo(401));
        given().get(LIST + "/" + id).then().statusCode(401);
        given().header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(":".getBytes()))
                .delete(LIST + "/" + id).then().statusCode(401);
        assertThat(simulator.count()).isEqualTo(1);
    }

    @Test
    void disabledSimulatorAnswers404() {
        String id = simulator.add(1).get(0);
        simulator.setEnabled(false);

        twilio().get(LIST).then().statusCode(404).body("code", equalTo(20404));
        twilio().get(LIST + "/" + id).then().statusCode(404);
        twilio().delete(LIST + "/" + id).then().statusCode(404);
        io.oprelay.support.Api.given().get("/simulator/admin/faults").then().statusCode(404);
        assertThat(simulator.count()).isEqualTo(1);
    }
}
