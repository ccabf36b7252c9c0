package io.oprelay.kafka;

import io.oprelay.events.TopicsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the relay's topics when they are missing, with one error policy: the result topics and the compacted
 * checkpoint topic for the poller, the action, dead-letter and slot topics for the router. Existing topics are left as
 * they are (their owners may have tuned them).
 */
@ApplicationScoped
public class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    private final KafkaClients clients;
    private final TopicsConfig topics;

    public TopicProvisioner(KafkaClients clients, TopicsConfig topics) {
        this.clients = clients;
        this.topics = topics;
    }

    private List<String> resultTopics() {
        return List.of(topics.classification(), topics.json(), topics.text(), topics.extraction(), topics.other());
    }

    /**
     * The largest record each result topic takes as it is now: its {@code max.message.bytes} (an existing topic keeps
     * its own), bounded by the producer's {@code max.request.size}. Blocks up to about 30 s.
     *
     * @throws KafkaException when the topics' configuration could not be read
     */
    public RecordLimits recordLimits() {
        return recordLimits(resultTopics());
    }

    /** As {@link #recordLimits()}, for the given topics. */
    public RecordLimits recordLimits(Collection<String> names) {
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<String, Long> limits = new HashMap<>();
        try (Admin admin = clients.admin("relay-topic-limits")) {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            configs.forEach((resource, config) -> {
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    limits.put(resource.name(), Long.parseLong(entry.value()));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading the topics' max.message.bytes", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("could not read the topics' max.message.bytes: " + e.getMessage(), e);
        }
        limits.forEach((topic, bytes) -> {
            if (bytes < clients.maxRecordBytes()) {
                LOG.debugf("topic %s takes records of up to %d bytes (max.message.bytes), less than the producer's %d;"
                        + " larger results are published there as claim-check events", topic, bytes,
                        clients.maxRecordBytes());
            }
        });
        return new RecordLimits(clients.maxRecordBytes(), limits);
    }

    /**
     * A topic as the relay creates it: {@code partitions}, the configured replication factor, and
     * {@code max.message.bytes} set to {@code relay.topics.max-message-bytes}, so that whichever part of the relay
     * creates a topic first, it takes every record the relay may write (the broker's default is about 1 MB).
     */
    public NewTopic newTopic(String name, int partitions) {
        return new NewTopic(name, Optional.of(partitions), replication())
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(topics.maxMessageBytes())));
    }

    /** Result topics plus the checkpoint topic and {@code extra}; as {@link #ensure(Collection)}. */
    public void ensureTopics(List<NewTopic> extra) throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : resultTopics()) {
            wanted.add(newTopic(name, topics.partitions()));
        }
        wanted.add(new NewTopic(topics.checkpoints(), Optional.of(topics.checkpointPartitions()), replication())
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
                        TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(TimeUnit.HOURS.toMillis(1)),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(topics.maxMessageBytes()))));
        wanted.addAll(extra);
        ensure(wanted);
    }

    /**
     * Creates those of {@code wanted} that are missing (the first of a name counts); existing topics are left as they
     * are. Blocks up to about 30 s per step. Every failure but a topic created meanwhile by someone else is thrown:
     * a caller that goes on without its topics would fail later and less clearly, so callers retry instead.
     */
    public void ensure(Collection<NewTopic> wanted) throws InterruptedException, ExecutionException,
            TimeoutException {
        Map<String, NewTopic> byName = new LinkedHashMap<>();
        wanted.forEach(topic -> byName.putIfAbsent(topic.name(), topic));
        try (Admin admin = clients.admin("relay-topic-provisioner")) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = byName.values().stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private Optional<Short> replication() {
        return topics.replicationFactor() < 1 ? Optional.empty() : Optional.of(topics.replicationFactor());
    }
}
