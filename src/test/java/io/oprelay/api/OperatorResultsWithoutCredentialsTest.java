package io.oprelay.api;

import io.oprelay.twilio.TwilioConfig;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A router-only instance (no Twilio credentials) answers fetch and delete itself and never calls Twilio. */
class OperatorResultsWithoutCredentialsTest {

    private static final String ID = "intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5";

    private static TwilioConfig noCredentials() {
        return (TwilioConfig) Proxy.newProxyInstance(TwilioConfig.class.getClassLoader(),
                new Class<?>[] {TwilioConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("username") || method.getName().equals("password")) {
                        return Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void fetchAndDeleteAnswer503NamingTheSettingsWithoutCallingTwilio() {
        // No API and no publisher: any call to Twilio or Kafka would fail the test with a NullPointerException.
        OperatorResultsResource resource = new OperatorResultsResource(null, null, noCredentials());

        for (Response response : new Response[] {resource.fetch(ID), resource.delete(ID)}) {
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getEntity().toString()).contains("relay.twilio.username", "relay.twilio.password");
        }
    }
}
