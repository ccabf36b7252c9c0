package io.oprelay.poller;

import io.oprelay.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Shares out the feeds among replicas with Kafka's own group membership: every replica joins one consumer group on
 * the checkpoint topic, and the replica assigned a partition owns the feeds whose checkpoints live there. The
 * partitions stay paused: membership is all that is wanted. A replica that dies stops heart-beating and loses its
 * partitions after the session timeout; one that shuts down leaves the group at once.
 */
final class FeedOwnership implements Runnable {

    private static final Logger LOG = Logger.getLogger(FeedOwnership.class);

    private final KafkaClients clients;
    private final Map<String, Object> settings;
    private final String clientId;
    private final String groupId;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final IntConsumer onGained;
    private final IntConsumer onLost;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    FeedOwnership(KafkaClients clients, PollerConfig config, String topic, String instanceId, IntConsumer onGained,
                  IntConsumer onLost) {
        long session = config.sessionTimeout().toMillis();
        this.clients = clients;
        this.clientId = "relay-feed-ownership-" + instanceId;
        this.groupId = config.groupId();
        this.settings = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, session / 4),
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024);
        this.topic = topic;
        this.onGained = onGained;
        this.onLost = onLost;
    }

    @Override
    public void run() {
        while (running) {
            consumer = clients.committedReader(clientId, groupId, settings);
            if (!running) {
                consumer.close(Duration.ZERO);
                return;
            }
            membership();
            if (running) {
                LOG.warn("feed ownership: rejoining the group in 2 s");
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void membership() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    consumer.pause(partitions);
                    for (TopicPartition tp : partitions) {
                        if (owned.add(tp.partition())) {
                            onGained.accept(tp.partition());
                        }
                    }
                    if (!partitions.isEmpty()) {
                        LOG.infof("feed ownership: now holding checkpoint partitions %s", owned);
                    }
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    release(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    release(partitions);
                }
            });
            while (running) {
                consumer.poll(Duration.ofMillis(500));
            }
        } catch (WakeupException e) {
            LOG.debug("feed ownership: woken up to stop");
        } catch (RuntimeException e) {
            LOG.errorf(e, "feed ownership loop failed");
        } finally {
            release(owned.stream().map(p -> new TopicPartition(topic, p)).toList());
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void release(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (owned.remove(tp.partition())) {
                onLost.accept(tp.partition());
            }
        }
    }

    /** Leaves the group (handing the feeds over at once); returns when the loop has ended. */
    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }
}
