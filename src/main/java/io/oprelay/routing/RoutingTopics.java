package io.oprelay.routing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics the router reads and writes when they are missing, with the partitions and replication of
 * {@code relay.topics}. Where the relay may not create topics, it logs a warning and relies on them being provisioned.
 */
final class RoutingTopics {

    private static final Logger LOG = Logger.getLogger(RoutingTopics.class);

    private RoutingTopics() {
    }

    /**
     * Creates the missing topics with {@code max.message.bytes} set to {@code maxMessageBytes}, as the poller creates
     * the result topics: whichever starts first, a result topic takes every record the relay may write.
     */
    static void ensure(Map<String, Object> base, Collection<String> names, int partitions, short replicationFactor,
                       int maxMessageBytes) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("client.id", "relay-router-admin");
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().distinct().filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, Optional.of(partitions),
                            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes))))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.infof("Created topic %s", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("Could not create topic %s: %s", entry.getKey(), e.getCause().toString());
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Could not check the routing topics: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
