package io.oprelay.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwilioResultParsingTest {

    private final OperatorResultParser parser = new OperatorResultParser();

    @Test
    void parsesTheListExampleOfTheSpec() throws Exception {
        JsonNode example = TwilioSpec.example("OperatorResultListExample");
        byte[] body = TwilioJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(example);

        ResultPage page = parser.parseList(body);

        assertThat(page.metaPresent()).isTrue();
        assertThat(page.nextToken()).contains("next_page_token_example");
        assertThat(page.previousToken()).isEmpty();
        assertThat(page.items()).hasSize(2);
        RawResult json = page.items().get(0);
        assertThat(json.view().format()).isEqualTo(OutputFormat.JSON);
        assertThat(json.view().dateCreated()).isEqualTo(Instant.parse("2026-01-15T10:45:30Z"));
        assertThat(json.view().operator().parameters()).containsEntry("scale", 5);
        assertThat(((ResultPayload.Json) json.view().payload()).value().get("score").asInt()).isEqualTo(5);
        assertThat(json.view().executionDetails().participants()).extracting(OperatorResult.Participant::type)
                .containsExactly("CUSTOMER", "HUMAN_AGENT");
        RawResult classification = page.items().get(1);
        assertThat(classification.view().payload()).isEqualTo(new ResultPayload.Classification("POSITIVE"));
        for (int i = 0; i < 2; i++) {
            assertThat(TwilioJson.mapper().readTree(page.items().get(i).json()))
                    .isEqualTo(example.get("items").get(i));
        }
    }

    @Test
    void parsesTheSingleResultExampleOfTheSpec() throws Exception {
        JsonNode example = TwilioSpec.example("OperatorResultExample");
        byte[] body = TwilioJson.mapper().writeValueAsBytes(example);

        RawResult result = parser.parseOne(body);

        assertThat(result.id()).isEqualTo("intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5");
        assertThat(result.view().intelligenceConfiguration().ruleId())
                .isEqualTo("intelligence_configurationrule_01kermhm81fwfvy7j0f7h7v5mr");
        assertThat(result.view().executionDetails().trigger().on()).isEqualTo("CONVERSATION_END");
        assertThat(result.json()).isEqualTo(body);
    }

    @Test
    void keepsEachItemByteForByteWithWhitespaceAndEscapes() {
        String first = "{ \"id\" : \"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5\",\n"
                + "  \"outputFormat\":\"TEXT\", \"result\": {\"text\": \"Caf\\u00e9 \\\"au lait\\\" \\/ ok\"},"
                + " \"unknownField\": [1, 2.50, {\"x\": null}] }";
        String second = "{\"id\":\"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q6\",\"outputFormat\":"
                + "\"CLASSIFICATION\",\"result\":{\"label\":\"Zoë\"}}";
        String body = "{\n  \"meta\": {\"key\": \"items\", \"pageSize\": 2},\n  \"items\" : [ " + first + " ,\n\t"
                + second + "\n  ]\n}\n";

        ResultPage page = parser.parseList(body.getBytes(StandardCharsets.UTF_8));

        assertThat(page.items()).hasSize(2);
        assertThat(page.items().get(0).jsonText()).isEqualTo(first);
        assertThat(page.items().get(1).json()).isEqualTo(second.getBytes(StandardCharsets.UTF_8));
        assertThat(page.items().get(0).view().payload()).isEqualTo(new ResultPayload.Text("Café \"au lait\" / ok"));
        assertThat(page.items().get(1).view().payload()).isEqualTo(new ResultPayload.Classification("Zoë"));
        assertThat(page.nextToken()).isEmpty();
    }

    @Test
    void readsTheQuirksOfRealPayloads() {
        String item = "{\"id\":\"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5\","
                + "\"outputFormat\":\"EXTRACTION\",\"dateCreated\":\"2026-06-08T20:41:53.788355855Z\","
                + "\"operator\":{\"id\":\"intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b\",\"version\":1,"
                + "\"parameters\":{},\"displayName\":\"Entities\"},"
                + "\"executionDetails\":{\"context\":{\"customerMemory\":null},\"participants\":[{\"id\":"
                + "\"conv_participant_01k1etx3jbfx88476ccja0889c\",\"profileId\":null,\"type\":\"CUSTOMER\"}],"
                + "\"resolvedContext\":{\"memory\":null,\"knowledge\":null}},"
                + "\"result\":{\"entities\":[{\"text\":\"José\",\"label\":\"PERSON\"}]}}";

        ResultPage page = parser.parseList(("{\"items\":[" + item + "]}").getBytes(StandardCharsets.UTF_8));

        assertThat(page.metaPresent()).isFalse();
        assertThat(page.nextToken()).isEmpty();
        OperatorResult view = page.items().get(0).view();
        assertThat(view.dateCreated()).isEqualTo(Instant.parse("2026-06-08T20:41:53.788355855Z"));
        assertThat(view.dateCreated().getNano()).isEqualTo(788_355_855);
        assertThat(view.operator().displayName()).isEqualTo("Entities");
        assertThat(view.executionDetails().participants().get(0).profileId()).isNull();
        assertThat(view.payload()).isEqualTo(new ResultPayload.Extraction(
                java.util.List.of(new ResultPayload.Entity("José", "PERSON"))));
        assertThat(page.items().get(0).jsonText()).isEqualTo(item);
    }

    @Test
    void keepsAResultOfAnUnknownFormat() {
        String item = "{\"id\":\"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5\",\"outputFormat\":\"AUDIO\","
                + "\"result\":{\"clip\":\"x\"}}";

        RawResult result = parser.parseOne(item.getBytes(StandardCharsets.UTF_8));

        assertThat(result.view().format()).isEqualTo(OutputFormat.OTHER);
        assertThat(result.view().payload()).isInstanceOf(ResultPayload.Unrecognized.class);
        assertThat(result.jsonText()).isEqualTo(item);
    }

    @Test
    void keepsAResultWhoseFieldsDoNotBind() {
        String item = "{\"id\":\"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5\",\"outputFormat\":\"TEXT\","
                + "\"dateCreated\":\"yesterday\",\"result\":{\"text\":\"hi\"}}";

        ResultPage page = parser.parseList(("{\"items\":[" + item + "],\"meta\":{\"key\":\"items\",\"pageSize\":1}}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(page.items().get(0).id()).isEqualTo("intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5");
        assertThat(page.items().get(0).view().dateCreated()).isNull();
        assertThat(page.items().get(0).view().payload()).isEqualTo(new ResultPayload.Text("hi"));
        assertThat(page.items().get(0).jsonText()).isEqualTo(item);
    }

    @Test
    void readsOnPastAResultWhoseNestedFieldsDoNotBind() {
        String odd = "{\"id\":\"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5\",\"executionDetails\":"
                + "{\"trigger\":{\"on\":\"COMMUNICATION\",\"timestamp\":[1,{\"deep\":[]}]},\"channels\":\"VOICE\"},"
                + "\"outputFormat\":\"TEXT\",\"result\":{\"text\":\"odd\"},\"after\":{\"x\":[{}]}}";
        String next = "{\"id\":\"intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q6\",\"outputFormat\":"
                + "\"CLASSIFICATION\",\"result\":{\"label\":\"calm\"}}";

        ResultPage page = parser.parseList(("{\"items\":[" + odd + "," + next + "],\"meta\":{\"key\":\"items\","
                + "\"pageSize\":2,\"nextToken\":\"t2\"}}").getBytes(StandardCharsets.UTF_8));

        assertThat(page.items()).hasSize(2);
        assertThat(page.items().get(0).jsonText()).isEqualTo(odd);
        assertThat(page.items().get(0).view().executionDetails()).isNull();
        assertThat(page.items().get(0).view().payload()).isEqualTo(new ResultPayload.Text("odd"));
        assertThat(page.items().get(1).jsonText()).isEqualTo(next);
        assertThat(page.items().get(1).view().payload()).isEqualTo(new ResultPayload.Classification("calm"));
        assertThat(page.nextToken()).contains("t2");
    }

    @Test
    void rejectsBrokenJsonInsideAResultWhoseFieldsDoNotBind() {
        String broken = "{\"items\":[{\"id\":\"x\",\"dateCreated\":\"yesterday\",\"result\":{\"text\": ]}]}";

        assertThatThrownBy(() -> parser.parseList(broken.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OperatorResultParser.MalformedAnswerException.class);
    }

    @Test
    void rejectsBrokenJsonAndBodiesWithoutItems() {
        assertThatThrownBy(() -> parser.parseList("{\"items\":[{\"id\":\"x\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OperatorResultParser.MalformedAnswerException.class);
        assertThatThrownBy(() -> parser.parseList("{\"meta\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OperatorResultParser.MalformedAnswerException.class);
        assertThatThrownBy(() -> parser.parseList("{\"items\":[]} trailing".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OperatorResultParser.MalformedAnswerException.class);
        assertThatThrownBy(() -> parser.parseList("<html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OperatorResultParser.MalformedAnswerException.class);
    }
}
