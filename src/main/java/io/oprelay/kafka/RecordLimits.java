package io.oprelay.kafka;

import java.util.Map;

/**
 * The largest record each topic takes: its {@code max.message.bytes} as read from the broker, bounded by the
 * producer's {@code max.request.size}. Compared with a record's uncompressed size, so a record judged too large
 * might still have fitted once compressed: the check errs on the side of a claim-check, never of a failed transaction.
 *
 * @param producerLimit the producer's {@code max.request.size}
 * @param topicLimits   {@code max.message.bytes} by topic, where known
 */
public record RecordLimits(long producerLimit, Map<String, Long> topicLimits) {

    public RecordLimits {
        topicLimits = Map.copyOf(topicLimits);
    }

    /** Limits that know the producer's only (a topic's own limit is then found out when the broker refuses). */
    public static RecordLimits producerOnly(long producerLimit) {
        return new RecordLimits(producerLimit, Map.of());
    }

    /** The smallest of all the limits known: a producer batch no larger than this fits every topic. */
    public long smallest() {
        return topicLimits.values().stream().mapToLong(Long::longValue).min().stream()
                .map(topicLimit -> Math.min(topicLimit, producerLimit)).findFirst().orElse(producerLimit);
    }

    /** The largest record {@code topic} takes, in bytes. */
    public long forTopic(String topic) {
        Long topicLimit = topicLimits.get(topic);
        return topicLimit == null ? producerLimit : Math.min(producerLimit, topicLimit);
    }
}
