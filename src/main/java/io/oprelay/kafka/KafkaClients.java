package io.oprelay.kafka;

import io.oprelay.events.TopicsConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds every Kafka client of the relay (producers, consumers, admin clients) from the application's {@code kafka.*}
 * settings (bootstrap, SASL, TLS), so one set of connection settings, one set of timeouts and one filter of the
 * settings map serve every client. No other package constructs a Kafka client (checked by {@code ArchitectureTest}).
 */
@ApplicationScoped
public class KafkaClients {

    /**
     * Batch size of the transactional producers built without one ({@code relay.poller.publisher-batch-size} by
     * default): large batches for backfills, where the topics take them.
     */
    public static final int BATCH_SIZE = 256 * 1024;

    /** {@code linger.ms} of a feed publisher built without one ({@code relay.poller.publisher-linger} by default). */
    public static final Duration PUBLISHER_LINGER = Duration.ofMillis(100);

    private static final int TRANSACTION_TIMEOUT_MS = 60_000;
    private static final int DELIVERY_TIMEOUT_MS = 30_000;
    private static final int REQUEST_TIMEOUT_MS = 10_000;

    /**
     * Keys of the {@code kafka.*} map that are not settings every client shares: Quarkus' own keys, and the group
     * id, which each client that joins a group names itself.
     */
    private static final Set<String> NOT_SHARED = Set.of("devservices", "health", ConsumerConfig.GROUP_ID_CONFIG);

    private final Map<String, Object> base;
    private final int maxRecordBytes;

    @Inject
    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, TopicsConfig topics) {
        this(kafkaConfig, topics.maxMessageBytes());
    }

    /**
     * Clients over {@code kafkaConfig} (the {@code kafka.*} map, prefix removed), for tools and tests.
     *
     * @param maxRecordBytes {@code max.request.size} of the feed publishers' transactional producers
     */
    public KafkaClients(Map<String, Object> kafkaConfig, int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
        Map<String, Object> copy = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (NOT_SHARED.stream().noneMatch(key::startsWith)) {
                copy.put(key, value);
            }
        });
        this.base = Map.copyOf(copy);
    }

    /** The {@code max.request.size} of the transactional producers ({@code relay.topics.max-message-bytes}). */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Connection settings shared by every client. */
    public Map<String, Object> common() {
        return base;
    }

    /**
     * A transactional producer: {@code acks=all} and idempotence set explicitly, as exactly-once needs them.
     *
     * @param transactionalId stable per unit of work (per feed), so a restarted or duplicate writer fences the old one
     */
    public KafkaProducer<String, byte[]> transactionalProducer(String transactionalId, String clientId) {
        return transactionalProducer(transactionalId, clientId, BATCH_SIZE, PUBLISHER_LINGER);
    }

    /**
     * As {@link #transactionalProducer(String, String)}, with batches of at most {@code batchSize} bytes, sent
     * {@code linger} after their first record unless full sooner (a commit sends every batch at once). A topic
     * whose {@code max.message.bytes} is below the batch size refuses full batches, and the producer then splits them
     * into batches of that same size again and again until the delivery times out: batches must fit the smallest
     * topic a producer writes to.
     */
    public KafkaProducer<String, byte[]> transactionalProducer(String transactionalId, String clientId,
                                                               int batchSize, Duration linger) {
        Map<String, Object> props = publisherSettings(clientId, batchSize, linger);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return producer(props);
    }

    /**
     * Every setting of a feed publisher's producer but its transactional id and transaction timeout: batch, linger,
     * compression and {@code max.request.size} included. A plain producer built from these is the same producer
     * without transactions (the baseline of the publishing benchmark).
     *
     * @param batchSize as for {@link #transactionalProducer(String, String, int, Duration)}
     * @param linger    as for {@link #transactionalProducer(String, String, int, Duration)}
     */
    public Map<String, Object> publisherSettings(String clientId, int batchSize, Duration linger) {
        Map<String, Object> props = idempotent(clientId);
        int lingerMs = (int) Math.min(Integer.MAX_VALUE / 2, linger.toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        // The producer refuses a delivery timeout below linger plus request timeout.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(DELIVERY_TIMEOUT_MS, lingerMs
                + REQUEST_TIMEOUT_MS));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Math.max(1, batchSize));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
        return props;
    }

    /**
     * A transactional producer with the shared settings, its client id the transactional id, and {@code settings}
     * added (or replacing a shared timeout); the router's producers, whose limits are configured apart.
     */
    public KafkaProducer<String, byte[]> transactionalProducer(String transactionalId, Map<String, Object> settings) {
        Map<String, Object> props = transactional(transactionalId, transactionalId);
        props.putAll(settings);
        return producer(props);
    }

    /** A plain producer for single events outside any feed's transaction: {@code acks=all}, idempotent. */
    public KafkaProducer<String, byte[]> idempotentProducer(String clientId) {
        return producer(idempotent(clientId));
    }

    /** A consumer that sees committed records only; no group unless {@code groupId} is given. */
    public KafkaConsumer<String, byte[]> committedReader(String clientId, String groupId, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.putAll(extra);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** An admin client with bounded request and API timeouts. */
    public Admin admin(String clientId) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return Admin.create(props);
    }

    /** Settings of every producer: {@code acks=all}, idempotent, bounded blocking and delivery. */
    private Map<String, Object> idempotent(String clientId) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    private Map<String, Object> transactional(String transactionalId, String clientId) {
        Map<String, Object> props = idempotent(clientId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return props;
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> props) {
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
