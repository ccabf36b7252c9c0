package io.oprelay.kafka;

import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapServersCheckTest {

    @Test
    void acceptsHostPortLists() {
        assertThatCode(() -> BootstrapServersCheck.validate("kafka-0.kafka:9092, kafka-1.kafka:9092"))
                .doesNotThrowAnyException();
        assertThatCode(() -> BootstrapServersCheck.validate("SASL_SSL://broker.example.com:9093"))
                .doesNotThrowAnyException();
        assertThatCode(() -> BootstrapServersCheck.validate("[::1]:9092")).doesNotThrowAnyException();
    }

    @Test
    void rejectsMalformedAddressesNamingTheProperty() {
        for (String bad : new String[]{"localhost", "localhost:notaport", "host:70000", "a b:9092", "host:0"}) {
            assertThatThrownBy(() -> BootstrapServersCheck.validate(bad))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("kafka.bootstrap.servers");
        }
    }

    @Test
    void rejectsAMissingValue() {
        assertThatThrownBy(() -> BootstrapServersCheck.validate(" "))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is required");
    }
}
