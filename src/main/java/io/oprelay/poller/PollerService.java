package io.oprelay.poller;

import io.oprelay.events.ResultEvents;
import io.oprelay.events.TopicsConfig;
import io.oprelay.kafka.GroupMembership;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.publisher.FeedPublisher;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.retention.RetentionWorker;
import io.oprelay.tracing.Tracing;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.OperatorResultsApi;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the feeds this instance owns. At start it makes sure the topics exist (retrying while Kafka is away), then
 * joins the ownership group; each checkpoint partition it is given starts the feeds that hash to it, each in its own
 * thread, and each partition taken away stops them before the group moves on.
 */
@ApplicationScoped
public class PollerService {

    private static final Logger LOG = Logger.getLogger(PollerService.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final PollerConfig config;
    private final TopicsConfig topics;
    private final KafkaClients clients;
    private final TopicProvisioner provisioner;
    private final OperatorResultsApi api;
    private final ResultEvents events;
    private final PollerMetrics metrics;
    private final RetentionWorker retention;
    private final Supervisor supervisor;
    private final Tracing tracing;
    private final Map<String, Feed> feeds = new LinkedHashMap<>();
    private final Map<String, FeedStatus> statuses = new LinkedHashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private volatile int checkpointPartitions;
    private volatile GroupMembership ownership;
    private volatile Supervised ownershipWorker;
    private volatile Supervised starter;
    private volatile String startProblem;

    private record Running(FeedRunner runner, Supervised worker) {
    }

    public PollerService(PollerConfig config, FeedsConfig feedsConfig, TopicsConfig topics, KafkaClients clients,
                         TopicProvisioner provisioner, OperatorResultsApi api, ResultEvents events,
                         PollerMetrics metrics, RetentionWorker retention, Supervisor supervisor, Tracing tracing) {
        this.tracing = tracing;
        this.config = config;
        this.topics = topics;
        this.clients = clients;
        this.provisioner = provisioner;
        this.api = api;
        this.events = events;
        this.metrics = metrics;
        this.retention = retention;
        this.supervisor = supervisor;
        for (Feed feed : Feed.from(feedsConfig, config)) {
            feeds.put(feed.name(), feed);
            FeedStatus status = new FeedStatus(feed.name());
            statuses.put(feed.name(), status);
            metrics.checkpointLag(feed.name(), status::completeThrough);
            metrics.failuresAtZero(feed.name());
        }
        FeedOverlaps.among(feeds.values()).forEach(overlap -> overlap.announce(statuses));
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("poller disabled (relay.poller.enabled=false)");
            return;
        }
        starter = supervisor.start("poller-start", "relay-poller-start", this::start);
    }

    private void start() {
        long wait = 1000;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                provisioner.ensureTopics(List.of());
                checkpointPartitions = partitionsOf(topics.checkpoints());
                startProblem = null;
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                startProblem = "cannot prepare topics on Kafka: " + e.getMessage();
                LOG.warnf("poller: %s; retrying in %d ms", startProblem, wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                wait = Math.min(wait * 2, config.maxBackoff().toMillis());
            }
        }
        ownership = new GroupMembership(clients, "relay-feed-ownership-" + instanceId, config.groupId(),
                topics.checkpoints(), config.sessionTimeout(), this::gained, this::lost);
        ownershipWorker = supervisor.start("feed-ownership", "relay-feed-ownership", ownership::run);
        LOG.infof("poller started: %d feed(s) %s, instance %s", feeds.size(), feeds.keySet(), instanceId);
    }

    private int partitionsOf(String topic) throws Exception {
        try (Admin admin = clients.admin("relay-poller-describe")) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        }
    }

    private void gained(int partition) {
        for (Feed feed : feeds.values()) {
            if (FeedPublisher.partitionFor(feed.name(), checkpointPartitions) == partition) {
                startFeed(feed);
            }
        }
    }

    private void lost(int partition) {
        for (Feed feed : feeds.values()) {
            if (FeedPublisher.partitionFor(feed.name(), checkpointPartitions) == partition) {
                stopFeed(feed.name());
            }
        }
    }

    private synchronized void startFeed(Feed feed) {
        if (running.containsKey(feed.name())) {
            return;
        }
        FeedPublisher publisher = new FeedPublisher(feed.name(), clients, topics, config.transactionalIdPrefix(),
                config.lookback(), config.maxCheckpointSegments(), provisioner::recordLimits,
                new FeedPublisher.Tuning(config.publisherBatchSize(), config.publisherLinger()));
        FeedRunner runner = new FeedRunner(feed, api, publisher, events, config, metrics, statuses.get(feed.name()),
                retention, tracing);
        running.put(feed.name(), new Running(runner, supervisor.start("feed", "relay-feed-" + feed.name(), runner::run)));
    }

    private void stopFeed(String name) {
        Running current = running.remove(name);
        if (current == null) {
            return;
        }
        current.worker().stop();
        current.runner().stop();
        try {
            if (!current.worker().join(STOP_GRACE)) {
                LOG.warnf("feed %s: still busy after %s; interrupting (its writer is fenced by the next owner)", name,
                        STOP_GRACE);
                current.worker().interrupt();
                current.worker().join(STOP_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("feed %s: released", name);
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops every feed and leaves the ownership group, so other replicas take the feeds over at once. */
    public void stop() {
        if (starter != null) {
            starter.stop();
            starter.interrupt();
        }
        if (ownershipWorker != null) {
            ownershipWorker.stop();
        }
        if (ownership != null) {
            ownership.stop();
        }
        List.copyOf(running.keySet()).forEach(this::stopFeed);
    }

    /** Status of every configured feed, as seen from this instance. */
    public List<FeedStatus.View> statuses() {
        return statuses.values().stream().map(FeedStatus::view).toList();
    }

    public Optional<FeedStatus.View> status(String feed) {
        return Optional.ofNullable(statuses.get(feed)).map(FeedStatus::view);
    }

    /** Outcome of a request to sweep a feed now. */
    public enum TriggerResult { TRIGGERED, UNKNOWN_FEED, NOT_OWNED_HERE }

    public TriggerResult trigger(String feed) {
        if (!feeds.containsKey(feed)) {
            return TriggerResult.UNKNOWN_FEED;
        }
        Running current = running.get(feed);
        if (current == null) {
            return TriggerResult.NOT_OWNED_HERE;
        }
        current.runner().trigger();
        return TriggerResult.TRIGGERED;
    }

    /**
     * What became of results pushed by a webhook.
     *
     * @param published        results published by this push (once per feed that selects them)
     * @param alreadyPublished results the feeds here had published before
     * @param deferred         results selected only by feeds that run on another replica (or not at all now): their
     *                         owner's poller publishes them within one interval
     * @param unselected       results that no configured feed selects, so that no path publishes them
     */
    public record PushResult(int published, int alreadyPublished, int deferred, int unselected) {
    }

    /**
     * Hands results pushed by a webhook to the feeds that select them. Each feed running here publishes them through
     * its own loop and window, so a result that feed has already published (by either path) is not published again;
     * this waits until those transactions committed. When it gives up (a timeout, a failure, a full queue) the
     * batches still queued are withdrawn, so this path does not publish them later; the poller does.
     *
     * @param maxQueued results a feed may hold queued; a push beyond that is refused at once
     * @throws PushQueueFullException when a selecting feed's queue is full
     * @throws PublishFailedException when a transaction failed or did not commit within {@code timeout}
     */
    public PushResult push(List<RawResult> results, Duration timeout, int maxQueued) {
        Map<String, List<RawResult>> byFeed = new LinkedHashMap<>();
        int deferred = 0;
        int unselected = 0;
        for (RawResult result : results) {
            boolean selected = false;
            boolean here = false;
            for (Feed feed : feeds.values()) {
                if (!feed.selects(result.view())) {
                    continue;
                }
                selected = true;
                if (running.containsKey(feed.name())) {
                    here = true;
                    byFeed.computeIfAbsent(feed.name(), name -> new ArrayList<>()).add(result);
                }
            }
            if (!selected) {
                unselected++;
            } else if (!here) {
                deferred++;
            }
        }
        List<CompletableFuture<PushOutcome>> pending = new ArrayList<>();
        byFeed.forEach((name, batch) -> {
            Running current = running.get(name);
            if (current == null) {
                pending.add(CompletableFuture.failedFuture(new PublishFailedException("feed " + name
                        + " was released by this instance meanwhile", null)));
            } else {
                pending.add(current.runner().push(batch, maxQueued));
            }
        });
        PushOutcome outcome = PushWait.all(pending, timeout);
        return new PushResult(outcome.published(), outcome.alreadyPublished(), deferred, unselected);
    }

    /** Whether the feed runs on this instance now. */
    public boolean runsHere(String feed) {
        return running.containsKey(feed);
    }

    public boolean enabled() {
        return config.enabled();
    }

    public Optional<String> startProblem() {
        return Optional.ofNullable(startProblem);
    }
}
