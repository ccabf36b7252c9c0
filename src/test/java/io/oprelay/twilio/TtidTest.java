package io.oprelay.twilio;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TtidTest {

    @Test
    void readsTheCreationTimeOfAnId() {
        assertThat(Ttid.creationTime("intelligence_operatorresult_01k6fc25s7epm9qtk8rszbv3q5"))
                .contains(Instant.parse("2025-10-01T07:51:18.567Z"));
        assertThat(Ttid.creationTime("intelligence_operatorresult_81k6fc25s7epm9qtk8rszbv3q5")).isEmpty();
        assertThat(Ttid.creationTime("intelligence_operatorresult_short")).isEmpty();
    }

    @Test
    void madeIdsMatchTheSpecPatternAndSortByCreationTime() {
        Ttid.Generator generator = new Ttid.Generator(new SplittableRandom(7));
        long start = Instant.parse("2026-01-15T10:45:30Z").toEpochMilli();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            ids.add(generator.next("intelligence_operatorresult", start + i / 10));
        }
        assertThat(ids).allMatch(id -> Ttid.pattern("intelligence_operatorresult").matcher(id).matches());
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(Ttid.creationTime(ids.get(4999))).contains(Instant.ofEpochMilli(start + 499));
    }
}
