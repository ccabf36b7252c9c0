package io.oprelay.routing;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * Webhook receivers for the routing tests (WireMock on a free port) and the rules file pointing at them:
 * {@code src/test/resources/rules/test-rules.yaml} with {@code @WEBHOOKS@} replaced by WireMock's base URL.
 */
public class RoutingWebhookResource implements QuarkusTestResourceLifecycleManager {

    private static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            String rules = Files.readString(Path.of("src/test/resources/rules/test-rules.yaml"), StandardCharsets.UTF_8)
                    .replace("@WEBHOOKS@", "http://localhost:" + server.port());
            Path file = Files.createTempFile("routing-test-rules", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, rules, StandardCharsets.UTF_8);
            return Map.of("relay.routing.rules-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running WireMock server. */
    public static WireMockServer server() {
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
