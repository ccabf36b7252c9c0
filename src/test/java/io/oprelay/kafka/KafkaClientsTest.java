package io.oprelay.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One filter of the {@code kafka.*} map for every client of the relay. */
class KafkaClientsTest {

    @Test
    void sharedSettingsKeepConnectionAndSecurityButNotQuarkusKeysOrAGroup() {
        KafkaClients clients = new KafkaClients(Map.of(
                "bootstrap.servers", "kafka:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "devservices.enabled", "false",
                "health.enabled", "true",
                "group.id", "someone-elses-group"), 1_048_576);

        assertThat(clients.common()).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.mechanism",
                "ssl.truststore.location");
        assertThat(clients.maxRecordBytes()).isEqualTo(1_048_576);
    }

    @Test
    void publisherSettingsAreTheFeedProducersWithTheConfiguredLingerAndNoTransactionalId() {
        KafkaClients clients = new KafkaClients(Map.of("bootstrap.servers", "kafka:9093"), 8_388_608);

        Map<String, Object> settings = clients.publisherSettings("bench", 64 * 1024, Duration.ofMillis(100));

        assertThat(settings).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 100)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8_388_608)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry("bootstrap.servers", "kafka:9093")
                .doesNotContainKeys(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        assertThat(clients.publisherSettings("bench", 16 * 1024, Duration.ofMillis(5)))
                .as("a smaller batch, as for many feeds per replica").containsEntry(ProducerConfig.BATCH_SIZE_CONFIG,
                        16 * 1024)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5);
        assertThat(clients.publisherSettings("bench", 1024, Duration.ofSeconds(40)))
                .as("the producer refuses a delivery timeout below linger plus request timeout")
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 50_000);
    }
}
