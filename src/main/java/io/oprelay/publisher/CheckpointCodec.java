package io.oprelay.publisher;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.cursor.Checkpoint;
import io.oprelay.cursor.SweepCoverage;
import io.oprelay.twilio.SortOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The checkpoint's records in the compacted checkpoint topic. A feed has one <em>head</em> record (key: the feed name)
 * with its scalar state and the number of id segments, and id segments (key: {@code <feed>#<n>}) holding the ids
 * published inside the window. A page adds one segment, so a commit writes what the page changed and not the whole
 * window; segments are merged (and pruned) from time to time. Old segment keys get tombstones so compaction drops them.
 */
final class CheckpointCodec {

    static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CheckpointCodec() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Head(int v, String feed, String resumeToken, String completeThrough, String sweepMax, String order,
                int segments, long[] walk, List<long[]> earlier, String rescan) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Segment(Map<String, Long> ids) {
    }

    static String headKey(String feed) {
        return feed;
    }

    static String segmentKey(String feed, int index) {
        return feed + "#" + index;
    }

    /** The feed a checkpoint record key belongs to. */
    static String feedOf(String key) {
        int hash = key.indexOf('#');
        return hash < 0 ? key : key.substring(0, hash);
    }

    static byte[] head(Checkpoint checkpoint, int segments) {
        SweepCoverage coverage = checkpoint.coverage();
        return write(new Head(VERSION, checkpoint.feed(), checkpoint.resumeToken().orElse(null),
                checkpoint.completeThrough().toString(), checkpoint.sweepMax().map(Instant::toString).orElse(null),
                checkpoint.order().name(), segments, coverage.walk().map(CheckpointCodec::pair).orElse(null),
                coverage.earlier().stream().map(CheckpointCodec::pair).toList(), coverage.rescan().orElse(null)));
    }

    private static long[] pair(SweepCoverage.Span span) {
        return new long[] {span.low(), span.high()};
    }

    private static Optional<SweepCoverage.Span> span(long[] pair) {
        return pair == null || pair.length != 2 ? Optional.empty()
                : Optional.of(new SweepCoverage.Span(pair[0], pair[1]));
    }

    /** The coverage of a head; heads written before it existed have none. */
    static SweepCoverage coverage(Head head) {
        List<SweepCoverage.Span> earlier = head.earlier() == null ? List.of()
                : head.earlier().stream().map(CheckpointCodec::span).flatMap(Optional::stream).toList();
        return new SweepCoverage(span(head.walk()), earlier, Optional.ofNullable(head.rescan()));
    }

    static byte[] segment(Map<String, Long> ids) {
        return write(new Segment(ids));
    }

    /** The ids of a window in segments of at most {@code perSegment} ids, in the window's order. */
    static List<Map<String, Long>> chunks(Map<String, Long> window, int perSegment) {
        List<Map<String, Long>> chunks = new ArrayList<>();
        Map<String, Long> chunk = new LinkedHashMap<>();
        for (Map.Entry<String, Long> entry : window.entrySet()) {
            chunk.put(entry.getKey(), entry.getValue());
            if (chunk.size() == perSegment) {
                chunks.add(chunk);
                chunk = new LinkedHashMap<>();
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    static Head readHead(byte[] value) {
        return read(value, Head.class);
    }

    static Map<String, Long> readSegment(byte[] value) {
        Segment segment = read(value, Segment.class);
        return segment.ids() == null ? Map.of() : segment.ids();
    }

    /** Rebuilds the checkpoint from the latest head and its segments; ids outside the window are dropped. */
    static Checkpoint checkpoint(String feed, Head head, Map<Integer, Map<String, Long>> segments,
                                 Duration lookback) {
        if (head == null) {
            return Checkpoint.initial(feed);
        }
        Instant completeThrough = Instant.parse(head.completeThrough());
        Checkpoint scalars = new Checkpoint(feed, Optional.ofNullable(head.resumeToken()), completeThrough,
                Optional.ofNullable(head.sweepMax()).map(Instant::parse), SortOrder.valueOf(head.order()), Map.of(),
                coverage(head));
        LongPredicate inWindow = scalars.window(lookback);
        Map<String, Long> published = new LinkedHashMap<>();
        for (int i = 0; i < head.segments(); i++) {
            segments.getOrDefault(i, Map.of()).forEach((id, time) -> {
                if (inWindow.test(time)) {
                    published.put(id, time);
                }
            });
        }
        return new Checkpoint(feed, scalars.resumeToken(), completeThrough, scalars.sweepMax(), scalars.order(),
                published, scalars.coverage());
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] value, Class<T> type) {
        try {
            return MAPPER.readValue(value, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable checkpoint record", e);
        }
    }
}
