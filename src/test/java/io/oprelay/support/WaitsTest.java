package io.oprelay.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The timeout factor stretches every bound by the same multiplier and refuses a value that is no positive number. */
class WaitsTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(Waits.FACTOR_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Waits.FACTOR_PROPERTY);
        } else {
            System.setProperty(Waits.FACTOR_PROPERTY, before);
        }
    }

    @Test
    void withoutTheFactorBoundsStayAsWritten() {
        System.clearProperty(Waits.FACTOR_PROPERTY);
        assertThat(Waits.seconds(6)).isEqualTo(Duration.ofSeconds(6));
        assertThat(Waits.millis(300)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aFactorMultipliesEveryBound() {
        System.setProperty(Waits.FACTOR_PROPERTY, "2.5");
        assertThat(Waits.seconds(6)).isEqualTo(Duration.ofSeconds(15));
        assertThat(Waits.millis(300)).isEqualTo(Duration.ofMillis(750));
        assertThat(Waits.scaled(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void aFactorThatIsNoPositiveNumberIsRefusedNamingTheProperty() {
        for (String bad : new String[] {"0", "-1", "two", "NaN", "Infinity", ""}) {
            System.setProperty(Waits.FACTOR_PROPERTY, bad);
            assertThatThrownBy(() -> Waits.seconds(1)).as("factor '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Waits.FACTOR_PROPERTY);
        }
    }
}
