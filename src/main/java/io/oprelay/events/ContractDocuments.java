package io.oprelay.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.oprelay.twilio.OutputFormat;
import io.quarkus.arc.All;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The event contract as this instance serves it: the AsyncAPI document and the JSON Schemas kept under
 * {@code contract/} on the class path (the same files the build publishes under {@code target/contract/}), with the
 * configured topic names as channel addresses and the configured schema base in every schema URI.
 */
@Singleton
public class ContractDocuments {

    /** Where the documents are kept on the class path. */
    public static final String ROOT = "contract/";
    private static final Pattern SCHEMA_FILE = Pattern.compile("^[a-z0-9][a-z0-9.-]{0,150}\\.json$");

    private final EventSchemas schemas;
    private final Map<String, String> addresses;
    private final String asyncApi;

    public ContractDocuments(EventSchemas schemas, TopicsConfig topics, @All List<ChannelAddresses> others) {
        this.schemas = schemas;
        this.addresses = addresses(topics, others);
        this.asyncApi = render();
    }

    /**
     * The topic of each channel of the AsyncAPI document, by channel id: every topic the relay writes, as configured.
     */
    public Map<String, String> addresses() {
        return addresses;
    }

    /** The AsyncAPI document with the configured topics and schema base. */
    public String asyncApi() {
        return asyncApi;
    }

    /** A JSON Schema by file name ({@code <ce_type>.json}), its {@code $id} under the configured base, if any. */
    public Optional<String> schema(String file) {
        if (file == null || !SCHEMA_FILE.matcher(file).matches() || file.contains("..")) {
            return Optional.empty();
        }
        return text(ROOT + "schemas/" + file).map(this::rebased);
    }

    private static Map<String, String> addresses(TopicsConfig topics, List<ChannelAddresses> others) {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (OutputFormat format : OutputFormat.values()) {
            addresses.put(format.slug(), topics.forFormat(format));
        }
        others.forEach(other -> addresses.putAll(other.addresses()));
        addresses.put("checkpoints", topics.checkpoints());
        return Map.copyOf(addresses);
    }

    private String render() {
        String source = text(ROOT + "asyncapi.yaml")
                .orElseThrow(() -> new IllegalStateException("no " + ROOT + "asyncapi.yaml on the class path"));
        YAMLMapper yaml = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .build();
        try {
            ObjectNode document = (ObjectNode) yaml.readTree(rebased(source));
            JsonNode channels = document.path("channels");
            for (Map.Entry<String, String> entry : addresses.entrySet()) {
                JsonNode channel = channels.path(entry.getKey());
                if (!(channel instanceof ObjectNode node)) {
                    throw new IllegalStateException("the AsyncAPI document has no channel '" + entry.getKey() + "'");
                }
                node.put("address", entry.getValue());
            }
            return yaml.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + ROOT + "asyncapi.yaml", e);
        }
    }

    private String rebased(String text) {
        return text.replace(EventSchemas.DEFAULT_BASE, schemas.base());
    }

    private static Optional<String> text(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
