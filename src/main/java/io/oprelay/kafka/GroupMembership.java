package io.oprelay.kafka;

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
 * Exclusive ownership of numbered units of work through Kafka's own group membership: every member joins one consumer
 * group on a topic, and the member assigned partition {@code n} owns unit {@code n}. The partitions stay paused:
 * membership is all that is wanted. A member that dies stops heart-beating and loses its partitions after the
 * session timeout; one that stops leaves the group at once. Used for feeds (checkpoint partitions) and for the
 * router's transactional-id slots.
 *
 * <p>{@code onGained} and {@code onLost} run on the membership thread, inside the rebalance: a unit lost is handed
 * to the next member only once {@code onLost} returned, so it may wait for the unit's work to stop.
 */
public final class GroupMembership implements Runnable {

    private static final Logger LOG = Logger.getLogger(GroupMembership.class);

    private final KafkaClients clients;
    private final Map<String, Object> settings;
    private final String clientId;
    private final String groupId;
    private final String topic;
    private final IntConsumer onGained;
    private final IntConsumer onLost;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;

    public GroupMembership(KafkaClients clients, String clientId, String groupId, String topic,
                           Duration sessionTimeout, IntConsumer onGained, IntConsumer onLost) {
        long session = sessionTimeout.toMillis();
        this.clients = clients;
        this.clientId = clientId;
        this.groupId = groupId;
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
                LOG.warnf("group %s: rejoining in 2 s", groupId);
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
                        LOG.infof("group %s: now holding partitions %s of %s", groupId, owned, topic);
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
            LOG.debugf("group %s: woken up to stop", groupId);
        } catch (RuntimeException e) {
            LOG.warnf(e, "group %s: membership loop failed", groupId);
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

    /** Partitions held now. */
    public Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    /** Leaves the group (handing the units over at once); the loop ends soon after. */
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }
}
