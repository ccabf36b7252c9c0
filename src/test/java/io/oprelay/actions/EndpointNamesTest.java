package io.oprelay.actions;

import io.oprelay.routing.spi.Delivery;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** Endpoints are named by scheme, host and port; what else an error says about their URL loses path and query. */
class EndpointNamesTest {

    static final URI SLACK =
            URI.create("https://bot:pw@hooks.slack.com/services/T0SECRET/B0SECRET/pathsecret?token=q1");

    @Test
    void endpointIsSchemeHostAndPortOnly() {
        assertThat(Delivery.endpointOf(SLACK)).isEqualTo("https://hooks.slack.com");
        assertThat(Delivery.endpointOf(URI.create("http://localhost:8080/hook?x=1")))
                .isEqualTo("http://localhost:8080");
        assertThat(EndpointHealth.nameOf(new Delivery("workflow", "page-oncall", SLACK, new byte[0], "k")))
                .isEqualTo("https://hooks.slack.com (rule page-oncall)");
    }

    @Test
    void errorTextsQuotingTheUrlLoseItsPathAndQuery() {
        assertThat(EndpointHealth.withoutSecrets("IllegalArgumentException: unsupported URI " + SLACK, SLACK))
                .isEqualTo("IllegalArgumentException: unsupported URI https://hooks.slack.com/...");
        String quoted = "no route to /services/T0SECRET/B0SECRET/pathsecret (token=q1)";
        assertThat(EndpointHealth.withoutSecrets(quoted, SLACK))
                .doesNotContain("SECRET").doesNotContain("pathsecret").doesNotContain("q1");
        assertThat(EndpointHealth.withoutSecrets("HTTP 503", URI.create("https://hooks.example.com/")))
                .isEqualTo("HTTP 503");
    }
}
