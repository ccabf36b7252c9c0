package io.oprelay.simulator;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.oprelay.simulator.SimulatorFixture.T0;
import static io.oprelay.simulator.SimulatorFixture.generator;
import static org.assertj.core.api.Assertions.assertThat;

class ResultGeneratorTest {

    @Test
    void sameSeedAndClockGiveTheSameResults() {
        ResultGenerator a = generator(7, null, true);
        ResultGenerator b = generator(7, null, true);
        ResultGenerator other = generator(8, null, true);

        for (int i = 0; i < 100; i++) {
            StoredResult left = a.next(T0 + i * 1000L, Set.of(), null, false);
            StoredResult right = b.next(T0 + i * 1000L, Set.of(), null, false);
            assertThat(left.json()).isEqualTo(right.json());
            assertThat(left.id()).isNotEqualTo(other.next(T0 + i * 1000L, Set.of(), null, false).id());
        }
    }

    @Test
    void resultsOfAConversationComeFromOneConfiguration() {
        ResultGenerator generator = generator(1, "AC" + "0".repeat(32), false);
        StoredResult first = generator.next(T0, Set.of(), null, false);
        StoredResult second = generator.next(T0, Set.of(), null, false);

        assertThat(second.conversationId()).isEqualTo(first.conversationId());
        assertThat(second.intelligenceConfigurationId()).isEqualTo(first.intelligenceConfigurationId());
        assertThat(new String(first.json(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"accountId\":\"AC00000000000000000000000000000000\"");
    }
}
