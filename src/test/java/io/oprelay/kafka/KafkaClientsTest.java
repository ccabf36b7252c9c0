package io.oprelay.kafka;

import org.junit.jupiter.api.Test;

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
}
