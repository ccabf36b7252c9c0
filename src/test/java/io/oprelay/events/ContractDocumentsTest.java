package io.oprelay.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oprelay.support.NodeScripts;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documents are checked by the official parsers, run by Node ({@code src/test/node/contract}, pinned, installed
 * offline from the lock file): the AsyncAPI document the relay serves and the one the build publishes, with
 * {@code @asyncapi/parser}; the OpenAPI document at {@code /q/openapi} with {@code @apidevtools/swagger-parser}. A copy
 * broken on purpose is refused by each.
 */
@QuarkusTest
class ContractDocumentsTest {

    private static final Path SOURCES = Path.of("src/test/node/contract");
    private static final Path WORK = Path.of("target/contract-node");
    private static final String SCRIPT = "validate.mjs";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    ContractDocuments documents;

    private static NodeScripts node;

    @BeforeAll
    static void installParsers() throws IOException, InterruptedException {
        node = NodeScripts.install(SOURCES, WORK, List.of("package.json", "package-lock.json", SCRIPT),
                List.of("@asyncapi/parser", "@apidevtools/swagger-parser"));
    }

    private static NodeScripts.Run validate(String kind, Path file) throws IOException, InterruptedException {
        return node.run(List.of("node", SCRIPT, kind, file.toAbsolutePath().toString()), 120);
    }

    /** Writes the served AsyncAPI document and every schema it may reference into a directory of its own. */
    private Path served(String name, String asyncApi) throws IOException {
        Path directory = WORK.resolve(name);
        Files.createDirectories(directory.resolve("schemas"));
        Files.writeString(directory.resolve("asyncapi.yaml"), asyncApi);
        try (var files = Files.list(Path.of("target/contract/schemas"))) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                Files.writeString(directory.resolve("schemas").resolve(fileName),
                        given().get("/schemas/" + fileName).then().statusCode(200).extract().asString());
            }
        }
        return directory;
    }

    @Test
    void theServedAsyncApiDocumentIsValidAndNamesEveryConfiguredTopic() throws Exception {
        String asyncApi = given().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        Path directory = served("served", asyncApi);

        NodeScripts.Run check = validate("asyncapi", directory.resolve("asyncapi.yaml"));

        assertThat(check.exit()).as("AsyncAPI parser:%n%s", check.output()).isZero();
        JsonNode answer = MAPPER.readTree(check.lastLine());
        Map<String, String> addresses = new HashMap<>();
        answer.get("channels").forEach(c -> addresses.put(c.get("id").asText(), c.get("address").asText()));
        assertThat(addresses).isEqualTo(documents.addresses());
        assertThat(answer.toString()).contains("io.oprelay.agentassist.hint.v1", "io.oprelay.workflow.command.v1",
                "relay.routing.dead-letter", "io.oprelay.operatorresult.other.oversize.v1");
    }

    @Test
    void thePublishedAsyncApiDocumentIsValid() throws Exception {
        NodeScripts.Run check = validate("asyncapi", Path.of("target/contract/asyncapi.yaml"));
        assertThat(check.exit()).as("AsyncAPI parser:%n%s", check.output()).isZero();
    }

    @Test
    void anAsyncApiDocumentBrokenOnPurposeIsRefused() throws Exception {
        String asyncApi = given().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        Path misspelt = served("broken-address", asyncApi.replaceFirst("address: ", "adress: "));
        Path dangling = served("broken-ref", asyncApi.replace("schemas/io.oprelay.workflow.command.v1.json",
                "schemas/io.oprelay.workflow.command.v9.json"));

        for (Path directory : List.of(misspelt, dangling)) {
            NodeScripts.Run check = validate("asyncapi", directory.resolve("asyncapi.yaml"));
            assertThat(check.exit()).as("AsyncAPI parser on %s:%n%s", directory, check.output()).isEqualTo(1);
            assertThat(MAPPER.readTree(check.lastLine()).get("errors")).isNotEmpty();
        }
    }

    @Test
    void theOpenApiDocumentIsValidAndABrokenCopyIsRefused() throws Exception {
        String openApi = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        Path valid = WORK.resolve("openapi.json");
        Files.writeString(valid, openApi);
        NodeScripts.Run check = validate("openapi", valid);
        assertThat(check.exit()).as("swagger-parser:%n%s", check.output()).isZero();
        assertThat(MAPPER.readTree(check.lastLine()).get("paths").toString()).contains("/api/feeds");

        ObjectNode broken = (ObjectNode) MAPPER.readTree(openApi);
        broken.remove("info");
        Path invalid = WORK.resolve("openapi-broken.json");
        Files.writeString(invalid, broken.toString());
        NodeScripts.Run refused = validate("openapi", invalid);
        assertThat(refused.exit()).as("swagger-parser on a copy without info:%n%s", refused.output()).isEqualTo(1);
    }

}
