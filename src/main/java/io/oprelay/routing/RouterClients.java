package io.oprelay.routing;

import io.oprelay.kafka.RecordSize;
import io.oprelay.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka clients of router workers, built by {@link KafkaClients}: a {@code read_committed} consumer in the router
 * group with manual offsets (they go into the transaction), and a transactional producer per claimed id.
 *
 * @param groupId         the router's consumer group
 * @param maxPollRecords  records per poll; a transaction holds one poll, or up to ten full ones while a backlog lasts
 * @param sessionTimeout  session timeout of the group membership
 * @param producer        settings the router's producers add to the shared ones (linger, transaction timeout...)
 */
public record RouterClients(KafkaClients clients, String groupId, int maxPollRecords, Duration sessionTimeout,
                            Map<String, Object> producer) {

    public RouterClients {
        producer = Map.copyOf(producer);
    }

    /** The clients of the workers as {@code relay.routing.*} configures them. */
    static RouterClients of(KafkaClients clients, RoutingConfig config) {
        return of(clients, config.groupId(), config.poll().maxRecords(), config.poll().sessionTimeout(),
                config.producer().transactionTimeout(), config.producer().maxBlock());
    }

    /** Clients in {@code groupId}, with the producers' transaction timeout and {@code max.block.ms}. */
    public static RouterClients of(KafkaClients clients, String groupId, int maxPollRecords, Duration sessionTimeout,
                                   Duration transactionTimeout, Duration maxBlock) {
        return new RouterClients(clients, groupId, maxPollRecords, sessionTimeout, Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis()));
    }

    /** A consumer of the router group named {@code clientId}. */
    KafkaConsumer<String, byte[]> consumer(String clientId) {
        return clients.committedReader(clientId, groupId, Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis()));
    }

    /** A transactional producer under {@code transactionalId} (also its client id); not yet initialised. */
    KafkaProducer<String, byte[]> producer(String transactionalId) {
        return clients.transactionalProducer(transactionalId, producer);
    }

    /** The largest record the producers send ({@code max.request.size}, within {@code buffer.memory}). */
    long maxRecordBytes() {
        Map<String, Object> settings = new HashMap<>(clients.common());
        settings.putAll(producer);
        return RecordSize.maxRecordBytes(settings);
    }
}
