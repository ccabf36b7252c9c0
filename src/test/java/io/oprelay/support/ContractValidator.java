package io.oprelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Checks records against the event contract as the relay declares it: the message of the AsyncAPI document that the
 * record's {@code ce_type} names (on the channel of its topic, with its header schema), and the JSON Schema that its
 * {@code ce_dataschema} names, with networknt's validator. Dead letters are checked against the dead-letter message,
 * and the original event they carry against its own message. Problems are returned as text, one per line, so a test
 * can show every problem of a run at once; an empty list means the record keeps the contract.
 */
public final class ContractValidator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLASSPATH_ROOT = "/contract/";

    private final JsonNode document;
    private final String schemaBase;
    private final Function<String, String> schemaFiles;
    private final Map<String, String> channelByAddress = new HashMap<>();
    private final Map<String, JsonNode> messageByType = new HashMap<>();
    private final Map<String, String> channelByType = new HashMap<>();
    private final Map<String, Schema> headerSchemas = new ConcurrentHashMap<>();
    private final Map<String, Schema> payloadSchemas = new ConcurrentHashMap<>();
    private final SchemaRegistry payloadRegistry;
    private final SchemaRegistry headerRegistry;

    /**
     * @param asyncApi    the AsyncAPI document (YAML)
     * @param schemaBase  the base every {@code ce_dataschema} must start with
     * @param schemaFiles the text of a schema by file name, or null when there is none
     */
    public ContractValidator(String asyncApi, String schemaBase, Function<String, String> schemaFiles) {
        try {
            this.document = new YAMLMapper().readTree(asyncApi);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.schemaBase = schemaBase;
        this.schemaFiles = schemaFiles;
        // Any absolute schema URI is looked up by its file name: the files carry the default base in their $id.
        this.payloadRegistry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(iri -> iri.startsWith("http") ? schemaFiles.apply(fileOf(iri)) : null));
        // The AsyncAPI Schema Object is a superset of draft 7.
        this.headerRegistry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
        index();
    }

    /** The contract as the build publishes it: the class-path documents, default topic names and schema base. */
    public static ContractValidator ofClassPath() {
        return new ContractValidator(classPathText("asyncapi.yaml"), EventSchemas.DEFAULT_BASE,
                file -> classPathTextOrNull("schemas/" + file));
    }

    /** The contract as files in a directory laid out as {@code target/contract/} (a copy broken on purpose, say). */
    public static ContractValidator ofDirectory(Path directory, String schemaBase) {
        try {
            return new ContractValidator(Files.readString(directory.resolve("asyncapi.yaml")), schemaBase, file -> {
                Path path = directory.resolve("schemas").resolve(file);
                try {
                    return Files.isRegularFile(path) ? Files.readString(path) : null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The channel ids of the document by their address (topic). */
    public Map<String, String> channelsByAddress() {
        return Map.copyOf(channelByAddress);
    }

    /** Every way the record breaks the contract, its topic included; empty when it keeps it. */
    public List<String> problems(ConsumerRecord<String, byte[]> record) {
        return problems(record, true);
    }

    /**
     * Every way the record's headers and value break the contract, on whatever topic it is (tests that give the
     * relay topic names of their own).
     */
    public List<String> problemsAnyTopic(ConsumerRecord<String, byte[]> record) {
        return problems(record, false);
    }

    /** The JSON Schema of a file, its references resolved among the contract's files. */
    public Schema payloadSchema(String file) {
        return payloadRegistry.getSchema(SchemaLocation.of(schemaBase + file));
    }

    private List<String> problems(ConsumerRecord<String, byte[]> record, boolean strictTopics) {
        List<String> problems = new ArrayList<>();
        String where = record.topic() + "-" + record.partition() + "@" + record.offset() + " ";
        Map<String, String> headers = headers(record);
        if (headers.containsKey(DeadLetters.REASON)) {
            check(problems, where, "deadLetters", message("deadLetters", "deadLetter"), headers, null, record);
            if (headers.get(DeadLetters.RULE) == null) {
                return problems; // an event that could not be read: its value is not the relay's own
            }
            if (headers.containsKey(DeadLetters.VALUE_OMITTED)) {
                return problems;
            }
            checkEvent(problems, where + "(original) ", channelOf(headers.get(DeadLetters.SOURCE_TOPIC), headers,
                    strictTopics), headers, record);
            return problems;
        }
        checkEvent(problems, where, channelOf(record.topic(), headers, strictTopics), headers, record);
        return problems;
    }

    private String channelOf(String topic, Map<String, String> headers, boolean strictTopics) {
        String channel = channelByAddress.get(topic);
        return channel != null || strictTopics ? channel : channelByType.get(headers.get("ce_type"));
    }

    private void checkEvent(List<String> problems, String where, String channel, Map<String, String> headers,
                            ConsumerRecord<String, byte[]> record) {
        String type = headers.get("ce_type");
        JsonNode message = type == null ? null : messageByType.get(type);
        if (message == null) {
            problems.add(where + "ce_type '" + type + "' is no message of the AsyncAPI document");
            return;
        }
        if (channel == null) {
            problems.add(where + "topic is no channel address of the AsyncAPI document");
        } else if (!channel.equals(channelByType.get(type))) {
            problems.add(where + "ce_type '" + type + "' belongs to channel '" + channelByType.get(type)
                    + "', not to '" + channel + "'");
        }
        check(problems, where, channel, message, headers, headers.get("ce_dataschema"), record);
    }

    private void check(List<String> problems, String where, String channel, JsonNode message,
                       Map<String, String> headers, String dataSchema, ConsumerRecord<String, byte[]> record) {
        JsonNode headerSchema = headerSchemaOf(message);
        if (headerSchema != null) {
            Schema schema = headerSchemas.computeIfAbsent(headerSchema.toString(),
                    text -> headerRegistry.getSchema(text, InputFormat.JSON));
            schema.validate(JSON.valueToTree(headers).toString(), InputFormat.JSON)
                    .forEach(error -> problems.add(where + "header " + error));
        }
        if (dataSchema == null) {
            return;
        }
        String declared = resolve(message.path("payload")).path("$ref").asText("");
        URI uri;
        try {
            uri = new URI(dataSchema);
        } catch (Exception e) {
            problems.add(where + "ce_dataschema '" + dataSchema + "' is not a URI");
            return;
        }
        if (!uri.isAbsolute() || !dataSchema.startsWith(schemaBase)) {
            problems.add(where + "ce_dataschema '" + dataSchema + "' is not an absolute URI under " + schemaBase);
            return;
        }
        if (!declared.endsWith("/" + fileOf(dataSchema))) {
            problems.add(where + "ce_dataschema '" + dataSchema + "' is not the payload schema '" + declared
                    + "' of message " + message.path("name").asText());
        }
        if (schemaFiles.apply(fileOf(dataSchema)) == null) {
            problems.add(where + "ce_dataschema '" + dataSchema + "' names no published schema");
            return;
        }
        if (record.value() == null) {
            problems.add(where + "no value");
            return;
        }
        Schema schema = payloadSchemas.computeIfAbsent(dataSchema,
                iri -> payloadRegistry.getSchema(SchemaLocation.of(iri)));
        try {
            schema.validate(new String(record.value(), StandardCharsets.UTF_8), InputFormat.JSON)
                    .forEach(error -> problems.add(where + "value " + error));
        } catch (RuntimeException e) {
            problems.add(where + "value could not be validated: " + e.getMessage());
        }
    }

    private JsonNode headerSchemaOf(JsonNode message) {
        JsonNode headers = message.path("headers");
        if (headers.isMissingNode()) {
            for (JsonNode trait : message.path("traits")) {
                JsonNode traitHeaders = resolve(trait).path("headers");
                if (!traitHeaders.isMissingNode()) {
                    headers = traitHeaders;
                }
            }
        }
        return headers.isMissingNode() ? null : resolve(headers);
    }

    private JsonNode message(String channel, String id) {
        return resolve(document.path("channels").path(channel).path("messages").path(id));
    }

    private void index() {
        Iterator<Map.Entry<String, JsonNode>> channels = document.path("channels").fields();
        while (channels.hasNext()) {
            Map.Entry<String, JsonNode> channel = channels.next();
            channelByAddress.put(channel.getValue().path("address").asText(), channel.getKey());
            for (JsonNode reference : channel.getValue().path("messages")) {
                JsonNode message = resolve(reference);
                String name = message.path("name").asText();
                messageByType.put(name, message);
                channelByType.put(name, channel.getKey());
            }
        }
    }

    /** Follows a local {@code $ref} ({@code #/...}); other nodes are returned as they are. */
    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        if (!ref.startsWith("#/")) {
            return node;
        }
        JsonNode target = document.at(ref.substring(1));
        return target.isMissingNode() ? node : resolve(target);
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(),
                    header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static String fileOf(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    static String classPathText(String name) {
        String text = classPathTextOrNull(name);
        if (text == null) {
            throw new AssertionError("no " + CLASSPATH_ROOT + name + " on the class path");
        }
        return text;
    }

    private static String classPathTextOrNull(String name) {
        try (InputStream in = ContractValidator.class.getResourceAsStream(CLASSPATH_ROOT + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
