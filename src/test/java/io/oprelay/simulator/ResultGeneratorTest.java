package io.oprelay.simulator;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ResultGeneratorTest {

    private static final long T0 = 1_768_473_930_000L;

    @Test
    void sameSeedAndClockGiveTheSameResults() {
        ResultGenerator a = new ResultGenerator(new Catalog(7, null, 3), 7, true);
        ResultGenerator b = new ResultGenerator(new Catalog(7, null, 3), 7, true);
        ResultGenerator other = new ResultGenerator(new Catalog(8, null, 3), 8, true);

        for (int i = 0; i < 100; i++) {
            StoredResult left = a.next(T0 + i * 1000L, Set.of(), null);
            StoredResult right = b.next(T0 + i * 1000L, Set.of(), null);
            assertThat(left.json()).isEqualTo(right.json());
            assertThat(left.id()).isNotEqualTo(other.next(T0 + i * 1000L, Set.of(), null).id());
        }
    }

    @Test
    void resultsOfAConversationComeFromOneConfiguration() {
        ResultGenerator generator = new ResultGenerator(new Catalog(1, "AC" + "0".repeat(32), 3), 1, false);
        StoredResult first = generator.next(T0, Set.of(), null);
        StoredResult second = generator.next(T0, Set.of(), null);

        assertThat(second.conversationId()).isEqualTo(first.conversationId());
        assertThat(second.intelligenceConfigurationId()).isEqualTo(first.intelligenceConfigurationId());
        assertThat(new String(first.json(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"accountId\":\"AC00000000000000000000000000000000\"");
    }
}
