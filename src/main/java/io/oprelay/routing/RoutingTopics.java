package io.oprelay.routing;

import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.routing.spi.ErrorText;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The topics the router reads and writes, created when missing by the {@link TopicProvisioner} (which fails on
 * anything but a topic created meanwhile). Tried once at start-up, so that they exist before the first batch when
 * Kafka is up; should that fail, a warning says why and the attempt is repeated in the background, with a back-off,
 * until it succeeds: the router never goes on silently without its topics.
 */
final class RoutingTopics {

    private static final Logger LOG = Logger.getLogger(RoutingTopics.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final TopicProvisioner provisioner;
    private final List<NewTopic> wanted;

    RoutingTopics(TopicProvisioner provisioner, List<NewTopic> wanted) {
        this.provisioner = provisioner;
        this.wanted = List.copyOf(wanted);
    }

    /** Creates the missing topics now, or starts retrying in the background (the thread returned). */
    Optional<Supervised> ensure(Supervisor supervisor) {
        if (created()) {
            return Optional.empty();
        }
        return Optional.of(supervisor.start("router-topics", "relay-router-topics", this::retry));
    }

    private void retry() throws InterruptedException {
        long wait = FIRST_RETRY.toMillis();
        while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(wait);
            if (created()) {
                return;
            }
            wait = Math.min(wait * 2, MAX_RETRY.toMillis());
        }
    }

    private boolean created() {
        try {
            provisioner.ensure(wanted);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            warn(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException | KafkaException e) {
            warn(e);
        }
        return false;
    }

    private static void warn(Throwable e) {
        LOG.warnf("Could not create the routing topics: %s; trying again", ErrorText.describe(e));
    }
}
