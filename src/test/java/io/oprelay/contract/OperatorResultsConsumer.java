package io.oprelay.contract;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The downstream consumer of docs/consumers.md, as a team would write it with a plain {@link KafkaConsumer}: reads
 * committed records only, drops repeats by {@code ce_id}, dispatches on {@code ce_type}, validates the value against
 * the schema its {@code ce_dataschema} names (from a vendored copy of {@code target/contract/}), and commits offsets
 * only after the batch was handled.
 */
public final class OperatorResultsConsumer implements AutoCloseable {

    /** What the service does with each kind of event. */
    public interface Handler {
        /** A new result ({@code io.oprelay.operatorresult.<format>.v1}). */
        void created(String id, String json);

        /** The result was deleted ({@code ...<format>.deleted.v1}): forget it. */
        void deleted(String id);

        /** The result was too large for Kafka ({@code ...<format>.oversize.v1}): fetch it by id from the relay. */
        void oversize(String id, String claimJson);

        /** An agent-assist hint or a workflow command. */
        void action(String type, String json);

        /** A record whose value does not match its schema (park it, alert; never block the partition on it). */
        void invalid(ConsumerRecord<String, byte[]> record, List<Error> errors);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> seen;
    private final Handler handler;
    private final SchemaRegistry schemas;
    private final Map<String, Schema> byUri = new HashMap<>();
    private int repeats;

    /**
     * @param seen          the {@code ce_id}s already handled: in a real service a table written in the same
     *                      database transaction as the effect of the event
     * @param vendoredSchemas a copy of the relay's {@code target/contract/schemas/}
     */
    public OperatorResultsConsumer(String bootstrapServers, String groupId, Collection<String> topics, Set<String> seen,
                                   Path vendoredSchemas, Handler handler) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(topics);
        this.seen = seen;
        this.handler = handler;
        // Every schema URI is looked up by its file name in the vendored copy: nothing is fetched over the network.
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(uri -> read(vendoredSchemas.resolve(fileOf(uri)))));
    }

    /** Polls once, handles the batch, and commits its offsets when {@code commit} is set. */
    public int pollOnce(Duration timeout, boolean commit) {
        int handled = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            String id = header(record, "ce_id");
            if (id == null || !seen.add(id)) {
                repeats++;
                continue;
            }
            handle(record);
            handled++;
        }
        if (commit) {
            consumer.commitSync();
        }
        return handled;
    }

    /** How many records were dropped as repeats of an event already handled. */
    public int repeats() {
        return repeats;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        String type = header(record, "ce_type");
        String json = new String(record.value(), StandardCharsets.UTF_8);
        List<Error> errors = schema(header(record, "ce_dataschema")).validate(json, InputFormat.JSON);
        if (!errors.isEmpty()) {
            handler.invalid(record, errors);
            return;
        }
        String id = header(record, "ce_id");
        if (type.matches("io\\.oprelay\\.operatorresult\\.[a-z0-9_-]+\\.v1")) {
            handler.created(id, json);
        } else if (type.matches("io\\.oprelay\\.operatorresult\\.[a-z0-9_-]+\\.deleted\\.v1")) {
            handler.deleted(id.substring(0, id.length() - ":deleted".length()));
        } else if (type.matches("io\\.oprelay\\.operatorresult\\.[a-z0-9_-]+\\.oversize\\.v1")) {
            handler.oversize(id.substring(0, id.length() - ":oversize".length()), json);
        } else if (type.equals("io.oprelay.agentassist.hint.v1") || type.equals("io.oprelay.workflow.command.v1")) {
            handler.action(type, json);
        }
        // other types (a later version, say) are skipped: subscribers decide when to take them on
    }

    private Schema schema(String uri) {
        return byUri.computeIfAbsent(uri, u -> schemas.getSchema(SchemaLocation.of(u)));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The file name a schema URI ends in: the same in every copy of the contract. */
    private static String fileOf(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
