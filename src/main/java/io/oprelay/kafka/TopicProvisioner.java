package io.oprelay.kafka;

import io.oprelay.events.TopicsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the relay's topics when they are missing: the result topics and the compacted checkpoint topic. Existing
 * topics are left as they are (their owners may have tuned them).
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

    /** Result topics plus the checkpoint topic; blocks up to about 30 s, throws when Kafka cannot be reached. */
    public void ensureTopics(List<NewTopic> extra) throws InterruptedException, ExecutionException, TimeoutException {
        Optional<Short> replication = topics.replicationFactor() < 1 ? Optional.empty()
                : Optional.of(topics.replicationFactor());
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : List.of(topics.classification(), topics.json(), topics.text(), topics.extraction(),
                topics.other())) {
            wanted.add(new NewTopic(name, Optional.of(topics.partitions()), replication));
        }
        wanted.add(new NewTopic(topics.checkpoints(), Optional.of(topics.checkpointPartitions()), replication)
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
                        TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(TimeUnit.HOURS.toMillis(1)),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024))));
        wanted.addAll(extra);
        try (Admin admin = clients.admin("relay-topic-provisioner")) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
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
}
