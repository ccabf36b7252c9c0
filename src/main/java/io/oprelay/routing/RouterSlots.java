package io.oprelay.routing;

import io.oprelay.kafka.GroupMembership;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A router worker's transactional id, claimed from a bounded pool {@code <prefix>-<slot>} (slot 0..N-1, N the
 * partitions of {@code relay.routing.slots.topic}) through Kafka group membership, the way feeds are owned: the
 * member assigned partition {@code n} of the slots topic owns slot {@code n}. A crashed instance's slots go to the
 * remaining or replacing members after {@code relay.routing.slots.session-timeout}. Every slot gained is fenced before
 * it can be used: an {@code initTransactions()} under its id aborts the open transaction of a worker that died
 * holding it at once, also when the slot only joins the others this instance holds and no worker writes under it
 * (otherwise that transaction would hold back every {@code read_committed} reader of its partitions until its
 * timeout). The worker uses the lowest slot it holds; a slot taken away is handed on only once the worker has
 * stopped using it (bounded).
 */
final class RouterSlots implements TransactionalIdClaim {

    private static final Logger LOG = Logger.getLogger(RouterSlots.class);
    /** Longest the fencing of a gained slot may block the slots group's thread. */
    private static final Duration FENCE_WAIT = Duration.ofSeconds(10);

    private final String prefix;
    private final String name;
    private final Duration releaseWait;
    private final KafkaClients clients;
    private final GroupMembership membership;
    private final TreeSet<Integer> owned = new TreeSet<>();
    private int inUse = -1;
    private Supervised worker;

    RouterSlots(KafkaClients clients, RoutingConfig config, String name) {
        this(clients, config.transactionalIdPrefix(), config.groupId() + "-slots", config.slots().topic(),
                config.slots().sessionTimeout(), config.poll().shutdownGrace().plusSeconds(5), name);
    }

    /**
     * @param groupId     the slots group
     * @param releaseWait longest wait, when a slot is taken away, for the worker to stop using it
     */
    RouterSlots(KafkaClients clients, String prefix, String groupId, String topic, Duration sessionTimeout,
                Duration releaseWait, String name) {
        this.clients = clients;
        this.prefix = prefix;
        this.name = name;
        this.releaseWait = releaseWait;
        this.membership = new GroupMembership(clients, name + "-slots", groupId, topic, sessionTimeout, this::gained,
                this::lost);
    }

    /** Joins the slots group on a supervised thread. */
    void start(Supervisor supervisor) {
        worker = supervisor.start("router-slots", name + "-slots", membership::run);
    }

    private void gained(int slot) {
        fence(slot);
        synchronized (this) {
            owned.add(slot);
            notifyAll();
        }
    }

    /**
     * Completes or aborts whatever an earlier holder of the slot left open, through a producer that only initialises
     * under the slot's id. A failure leaves it to the worker's own {@code initTransactions()} or to the timeout.
     */
    private void fence(int slot) {
        String id = idOf(slot);
        try (KafkaProducer<String, byte[]> fencer = clients.transactionalProducer(id,
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) FENCE_WAIT.toMillis()))) {
            fencer.initTransactions();
        } catch (KafkaException e) {
            LOG.warnf("%s could not fence slot %d (%s); a transaction its last holder left open ends at its timeout",
                    name, slot, e.getClass().getSimpleName());
        }
    }

    private synchronized void lost(int slot) {
        owned.remove(slot);
        notifyAll();
        long deadline = System.nanoTime() + releaseWait.toNanos();
        try {
            while (inUse == slot) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warnf("%s still uses slot %d after %s; handing it on (the next holder fences it)", name, slot,
                            releaseWait);
                    return;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized Optional<String> await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (owned.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        inUse = owned.first();
        return Optional.of(idOf(inUse));
    }

    @Override
    public synchronized boolean holds(String id) {
        return inUse >= 0 && owned.contains(inUse) && idOf(inUse).equals(id);
    }

    @Override
    public synchronized void released(String id) {
        if (inUse >= 0 && idOf(inUse).equals(id)) {
            inUse = -1;
            notifyAll();
        }
    }

    @Override
    public void close() {
        membership.stop();
        if (worker != null) {
            worker.stop();
        }
    }

    /** The slot in use now, or -1. */
    synchronized int slot() {
        return inUse;
    }

    private String idOf(int slot) {
        return prefix + "-" + slot;
    }
}
