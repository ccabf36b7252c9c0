package io.oprelay.routing;

import io.oprelay.actions.ActionsConfig;
import io.oprelay.actions.AgentAssistAction;
import io.oprelay.actions.WebhookPolicy;
import io.oprelay.actions.WorkflowAction;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.spi.ActionType;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad rules file stops start-up with one line naming the file, the rule and the field. */
class RuleValidationTest {

    private static RulesParser parser(Map<String, String> properties) {
        ActionsConfig config = TestConfigs.actions(properties);
        WebhookPolicy policy = new WebhookPolicy(config);
        ActionType assist = new AgentAssistAction(config, policy, RuleLanguageTest.MAPPER, EventSchemas.defaults());
        ActionType workflow = new WorkflowAction(config, policy, RuleLanguageTest.MAPPER, EventSchemas.defaults());
        return new RulesParser(Map.of(assist.type(), assist, workflow.type(), workflow));
    }

    private static RulesParser parser() {
        return parser(Map.of("relay.actions.webhook-allow-list", "hooks.example.com",
                "relay.actions.signing-secret", "s3cret"));
    }

    private static String errorOf(RulesParser parser, String yaml) {
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> parser.parse("rules.yaml", yaml));
        assertThat(error).isInstanceOf(ConfigurationException.class);
        assertThat(error.getMessage()).doesNotContain("\n").startsWith("Invalid routing rules in rules.yaml");
        return error.getMessage();
    }

    @Test
    void unknownActionNamesTheRuleAndTheField() {
        String message = errorOf(parser(), """
                rules:
                  - name: page-supervisor
                    when: {label: angry}
                    actions:
                      - type: pager
                """);
        assertThat(message).contains("rule 'page-supervisor'").contains("actions[0].type")
                .contains("unknown action 'pager'").contains("[agent-assist, workflow]");
    }

    @Test
    void webhookOffTheAllowListNamesTheHostAndTheProperty() {
        String message = errorOf(parser(), """
                rules:
                  - name: leak
                    when: {label: angry}
                    actions:
                      - type: workflow
                        action: exfiltrate
                        url: https://evil.example.org/collect?token=abc
                """);
        assertThat(message).contains("rule 'leak'").contains("actions[0].url")
                .contains("host 'evil.example.org' is not on relay.actions.webhook-allow-list");
    }

    @Test
    void webhookNeedsHttpsAndASigningSecret() {
        String plain = errorOf(parser(), """
                rules:
                  - name: plain
                    when: {label: angry}
                    actions:
                      - {type: agent-assist, message: hi, webhook: "http://hooks.example.com/x"}
                """);
        assertThat(plain).contains("rule 'plain'").contains("actions[0].webhook").contains("must be an https URL");
        String unsigned = errorOf(parser(Map.of("relay.actions.webhook-allow-list", "hooks.example.com")), """
                rules:
                  - name: unsigned
                    when: {label: angry}
                    actions:
                      - {type: agent-assist, message: hi, webhook: "https://hooks.example.com/x"}
                """);
        assertThat(unsigned).contains("rule 'unsigned'").contains("relay.actions.signing-secret")
                .contains("RELAY_ACTIONS_SIGNING_SECRET");
    }

    @Test
    void webhookErrorsNameTheEndpointButNeverItsPathOrQuery() {
        String secrets = "/services/T0SECRET/B0SECRET/pathsecret";
        String query = "?token=querysecret";
        Map<String, String> cases = Map.of(
                "https://evil.example.org" + secrets + query, "host 'evil.example.org' is not on",
                "http://hooks.example.com:8080" + secrets + query, "'http://hooks.example.com:8080' must be an https URL",
                "https://hooks.example.com" + secrets + " pasted badly" + query, "is not a valid URL",
                "https:" + secrets + query, "has no host");
        cases.forEach((url, expected) -> {
            String message = errorOf(parser(), """
                    rules:
                      - name: slack
                        when: {label: angry}
                        actions:
                          - {type: agent-assist, message: hi, webhook: "%s"}
                    """.formatted(url));
            assertThat(message).contains("rule 'slack'").contains("actions[0].webhook").contains(expected)
                    .doesNotContain("SECRET").doesNotContain("pathsecret").doesNotContain("querysecret")
                    .doesNotContain("services");
        });
    }

    @Test
    void wildcardAllowListEntriesCoverSubdomains() {
        RulesParser parser = parser(Map.of("relay.actions.webhook-allow-list", "*.twil.io",
                "relay.actions.signing-secret", "s3cret"));
        assertThat(parser.parse("rules.yaml", """
                rules:
                  - name: studio
                    when: {label: angry}
                    actions:
                      - {type: workflow, action: start, url: "https://flow-1234.twil.io/start"}
                """)).hasSize(1);
    }

    @Test
    void invalidConditionsNameTheirField() {
        assertThat(errorOf(parser(), rule("between", "{all: [{format: JSON}, {score: {between: [0.9, 0.1]}}]}")))
                .contains("rule 'between'").contains("when.all[1].score.between").contains("above high");
        assertThat(errorOf(parser(), rule("pointer", "{number: {pointer: score, '<': 1}}")))
                .contains("rule 'pointer'").contains("when.number.pointer");
        assertThat(errorOf(parser(), rule("typo", "{lable: angry}")))
                .contains("when.lable").contains("unknown condition");
        assertThat(errorOf(parser(), rule("channel", "{channel: FAX}")))
                .contains("when.channel").contains("unknown value 'FAX'");
        assertThat(errorOf(parser(), rule("not-number", "{score: {'<': low}}")))
                .contains("when.score.<").contains("must be a number");
        assertThat(errorOf(parser(), rule("empty-any", "{any: []}"))).contains("when.any");
    }

    @Test
    void invalidActionSettingsNameTheirField() {
        assertThat(errorOf(parser(), """
                rules:
                  - name: placeholder
                    when: {label: angry}
                    actions:
                      - {type: agent-assist, message: "{{sentiment}}"}
                """)).contains("rule 'placeholder'").contains("actions[0].message").contains("{{sentiment}}");
        assertThat(errorOf(parser(), """
                rules:
                  - name: severity
                    when: {label: angry}
                    actions:
                      - {type: agent-assist, message: hi, severity: urgent}
                """)).contains("actions[0].severity");
        assertThat(errorOf(parser(), """
                rules:
                  - name: nothing
                    when: {label: angry}
                    actions:
                      - {type: workflow, action: x, kafka: false}
                """)).contains("rule 'nothing'").contains("actions[0]").contains("does nothing");
        assertThat(errorOf(parser(), """
                rules:
                  - name: typo
                    when: {label: angry}
                    actions:
                      - {type: workflow, action: x, urll: "https://hooks.example.com/"}
                """)).contains("actions[0].urll").contains("unknown field");
    }

    @Test
    void ruleStructureErrors() {
        assertThat(errorOf(parser(), "rules:\n  - when: {label: a}\n    actions: [{type: workflow, action: x}]\n"))
                .contains("rule #1").contains("name: is required");
        assertThat(errorOf(parser(), rule("twin", "{label: a}") + rule("twin", "{label: b}").replace("rules:\n", "")))
                .contains("rule 'twin'").contains("same name");
        assertThat(errorOf(parser(), "rules:\n  - name: bare\n    when: {label: a}\n"))
                .contains("rule 'bare'").contains("actions: must be a non-empty list");
        assertThat(errorOf(parser(), "rules:\n  - name: [unclosed\n")).contains("not valid YAML at line");
    }

    @Test
    void shippedRuleFilesAreValid() throws Exception {
        RulesParser parser = parser(Map.of("relay.actions.webhook-allow-list", "hooks.example.com,*.twil.io",
                "relay.actions.signing-secret", "s3cret"));
        assertThat(parser.parse("default", Files.readString(Path.of("src/main/resources/rules/default-rules.yaml"))))
                .extracting(Rule::name).containsExactly("unhappy-customer-hint", "low-score-escalation");
        assertThat(parser.parse("example", Files.readString(Path.of("src/main/resources/rules/example-rules.yaml"))))
                .hasSize(3);
        assertThat(parser().parse("default", Files.readString(Path.of("src/main/resources/rules/default-rules.yaml"))))
                .as("the built-in rules need no allow-list or secret").hasSize(2);
        assertThatThrownBy(() -> parser(Map.of()).parse("example",
                Files.readString(Path.of("src/main/resources/rules/example-rules.yaml"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("rule 'angry-customer'");
    }

    private static String rule(String name, String when) {
        return "rules:\n  - name: " + name + "\n    when: " + when
                + "\n    actions:\n      - type: workflow\n        action: go\n";
    }
}
