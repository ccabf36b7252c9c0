package io.oprelay.actions;

import io.oprelay.kafka.KafkaClients;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import io.oprelay.tracing.Tracing;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the hints topic ({@code read_committed}, every partition, no consumer group) and hands each hint to the
 * {@link HintBroadcaster}. Because every instance reads every committed hint, an agent desktop may connect to any
 * replica, whichever replica's router produced the hint; aborted transactions never reach a desktop. On start it
 * reads back up to the buffer size so that {@code Last-Event-ID} resume works across restarts.
 */
@Singleton
public class HintStream {

    private static final Logger LOG = Logger.getLogger(HintStream.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long PARTITION_CHECK_MILLIS = 30_000;

    private final ActionsConfig config;
    private final HintBroadcaster broadcaster;
    private final KafkaClients clients;
    private final Supervisor supervisor;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Supervised thread;

    public HintStream(ActionsConfig config, HintBroadcaster broadcaster, KafkaClients clients,
                      Supervisor supervisor) {
        this.config = config;
        this.broadcaster = broadcaster;
        this.clients = clients;
        this.supervisor = supervisor;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.agentAssist().streamEnabled()) {
            return;
        }
        thread = supervisor.start("hint-stream", "agent-assist-stream", this::run);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.stop();
            thread.join(Duration.ofSeconds(5));
        }
    }

    /** The reading loop; a failure it does not ride out itself ends it, and the supervisor starts it again. */
    private void run() {
        String topic = config.agentAssist().topic();
        // No group: every instance reads every partition, positioned by assign() below.
        try (KafkaConsumer<String, byte[]> c = clients.committedReader("agent-assist-stream-" + UUID.randomUUID(),
                null, Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100))) {
            consumer = c;
            long lastPartitionCheck = 0;
            while (running) {
                try {
                    long now = System.currentTimeMillis();
                    if (now - lastPartitionCheck > (c.assignment().isEmpty() ? 1_000 : PARTITION_CHECK_MILLIS)) {
                        lastPartitionCheck = now;
                        assign(c, topic);
                    }
                    if (c.assignment().isEmpty()) {
                        // The hints topic does not exist yet: nothing to read until it does.
                        idle(POLL);
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                        if (record.value() == null) {
                            continue;
                        }
                        broadcaster.publish(new HintBroadcaster.StreamedHint(record.partition() + "-" + record.offset(),
                                record.partition(), record.offset(), record.timestamp(), record.key(),
                                new String(record.value(), StandardCharsets.UTF_8), traceparentOf(record)));
                    }
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    LOG.warnf("Agent-assist stream: %s; retrying in 1 s", e.toString());
                    lastPartitionCheck = 0;
                    idle(Duration.ofSeconds(1));
                }
            }
            c.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        } finally {
            consumer = null;
        }
    }

    /** The record's {@code traceparent} header, or null. */
    private static String traceparentOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Tracing.TRACEPARENT);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void idle(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void assign(KafkaConsumer<String, byte[]> c, String topic) {
        List<PartitionInfo> partitions = c.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty() || partitions.size() == c.assignment().size()) {
            return;
        }
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        boolean first = c.assignment().isEmpty();
        List<TopicPartition> added = all.stream().filter(p -> !c.assignment().contains(p)).toList();
        c.assign(all);
        if (first) {
            long perPartition = Math.max(1, config.agentAssist().bufferSize() / all.size());
            Map<TopicPartition, Long> ends = c.endOffsets(all);
            Map<TopicPartition, Long> begins = c.beginningOffsets(all);
            for (TopicPartition partition : all) {
                c.seek(partition, Math.max(begins.get(partition), ends.get(partition) - perPartition));
            }
        } else {
            c.seekToBeginning(added);
        }
    }
}
