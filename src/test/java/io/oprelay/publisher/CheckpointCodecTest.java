package io.oprelay.publisher;

import io.oprelay.cursor.Checkpoint;
import io.oprelay.cursor.SweepCoverage;
import io.oprelay.twilio.SortOrder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checkpoint head keeps the coverage of unfinished sweeps, and reads heads written before it existed; a merged
 * window is cut into segments.
 */
class CheckpointCodecTest {

    private static final Duration LOOKBACK = Duration.ofMinutes(10);

    @Test
    void coverageAndRescanTokenSurviveTheRoundTrip() {
        SweepCoverage coverage = new SweepCoverage(Optional.of(new SweepCoverage.Span(1_000, 9_000_000)),
                List.of(new SweepCoverage.Span(5, 900_000)), Optional.of("token-behind-the-window"));
        Checkpoint checkpoint = new Checkpoint("f", Optional.of("resume"), Instant.parse("2026-06-08T20:00:00Z"),
                Optional.of(Instant.parse("2026-06-08T21:00:00Z")), SortOrder.NEWEST_FIRST, Map.of(), coverage);

        CheckpointCodec.Head head = CheckpointCodec.readHead(CheckpointCodec.head(checkpoint, 3));
        Checkpoint restored = CheckpointCodec.checkpoint("f", head, Map.of(), LOOKBACK);

        assertThat(restored.coverage()).isEqualTo(coverage);
        assertThat(restored.resumeToken()).contains("resume");
        assertThat(restored.sweepMax()).isEqualTo(checkpoint.sweepMax());
    }

    @Test
    void idsVouchedForByAWalkedSpanAreNotRestoredIntoTheWindow() {
        long top = Instant.parse("2026-06-08T21:00:00Z").toEpochMilli();
        SweepCoverage coverage = new SweepCoverage(Optional.of(new SweepCoverage.Span(top - 3_600_000, top)),
                List.of(), Optional.empty());
        Checkpoint checkpoint = new Checkpoint("f", Optional.of("resume"), Instant.EPOCH, Optional.of(
                Instant.ofEpochMilli(top)), SortOrder.NEWEST_FIRST, Map.of(), coverage);
        CheckpointCodec.Head head = CheckpointCodec.readHead(CheckpointCodec.head(checkpoint, 1));
        Map<String, Long> segment = Map.of("old", top - 1_800_000, "recent", top - 60_000, "unwalked", top - 7_200_000);

        Checkpoint restored = CheckpointCodec.checkpoint("f", head, Map.of(0, segment), LOOKBACK);

        assertThat(restored.published()).containsOnlyKeys("recent", "unwalked");
    }

    @Test
    void aHeadWrittenWithoutCoverageReadsAsNone() {
        byte[] old = ("{\"v\":1,\"feed\":\"f\",\"resumeToken\":null,\"completeThrough\":\"2026-06-08T20:00:00Z\","
                + "\"sweepMax\":null,\"order\":\"OLDEST_FIRST\",\"segments\":0}").getBytes(StandardCharsets.UTF_8);

        Checkpoint restored = CheckpointCodec.checkpoint("f", CheckpointCodec.readHead(old), Map.of(), LOOKBACK);

        assertThat(restored.coverage()).isEqualTo(SweepCoverage.NONE);
        assertThat(restored.order()).isEqualTo(SortOrder.OLDEST_FIRST);
    }

    @Test
    void aMergedWindowIsCutIntoSegmentsOfAtMostTheGivenSizeInItsOrder() {
        Map<String, Long> window = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 7; i++) {
            window.put("id-" + i, (long) i);
        }

        List<Map<String, Long>> chunks = CheckpointCodec.chunks(window, 3);

        assertThat(chunks).extracting(Map::size).containsExactly(3, 3, 1);
        assertThat(chunks.stream().flatMap(chunk -> chunk.keySet().stream()).toList())
                .containsExactlyElementsOf(window.keySet());
        assertThat(CheckpointCodec.chunks(Map.of(), 3)).isEmpty();
    }
}
