package io.oprelay.actions;

import io.oprelay.kafka.TailRewind;
import io.oprelay.tracing.Tracing;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Reads the hints topic through the reactive messaging channel {@code agent-assist-hints} ({@code read_committed},
 * a group of its own per instance, no offsets committed) and hands each hint to the {@link HintBroadcaster}. Because
 * every instance reads every committed hint, an agent desktop may connect to any replica, whichever replica's router
 * produced the hint; aborted transactions never reach a desktop. On first assignment this bean, the channel's
 * rebalance listener ({@value #LISTENER}), seeks back {@code relay.actions.agent-assist.buffer-size} hints spread over
 * the partitions, so that {@code Last-Event-ID} resume works across restarts. The channel is off when
 * {@code relay.actions.agent-assist.stream-enabled} is false (configured in {@code application.properties}).
 */
@ApplicationScoped
@Default
@Identifier(HintStream.LISTENER)
public class HintStream implements KafkaConsumerRebalanceListener {

    /** Name of the rebalance listener in {@code mp.messaging.incoming.agent-assist-hints.consumer-rebalance-listener.name}. */
    public static final String LISTENER = "agent-assist-hints";

    private final HintBroadcaster broadcaster;
    private final TailRewind rewind;

    public HintStream(ActionsConfig config, HintBroadcaster broadcaster) {
        this.broadcaster = broadcaster;
        this.rewind = TailRewind.spread(config.agentAssist().bufferSize());
    }

    /** Hands one committed hint to the broadcaster (a record without value, a tombstone, is no hint). */
    @Incoming("agent-assist-hints")
    public void receive(ConsumerRecord<String, byte[]> record) {
        rewind.read(record.topic(), record.partition(), record.offset());
        if (record.value() == null) {
            return;
        }
        Header trace = record.headers().lastHeader(Tracing.TRACEPARENT);
        broadcaster.publish(new HintBroadcaster.StreamedHint(record.partition() + "-" + record.offset(),
                record.partition(), record.offset(), record.timestamp(), record.key(),
                new String(record.value(), StandardCharsets.UTF_8),
                trace == null || trace.value() == null ? null : new String(trace.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        rewind.assigned(consumer, partitions);
    }
}
