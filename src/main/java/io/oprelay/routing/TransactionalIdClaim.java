package io.oprelay.routing;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a router worker gets the transactional id it may write under. A worker routes only while it holds one, so
 * that two live workers never share an id, and a worker that replaces a dead one reuses the dead one's id: its
 * {@code initTransactions()} then aborts the open transaction at once instead of leaving it to the timeout.
 */
interface TransactionalIdClaim {

    /** The id this worker holds, waiting up to {@code timeout} for one; empty when it holds none yet. */
    Optional<String> await(Duration timeout) throws InterruptedException;

    /** Whether {@code id} is still this worker's to use. */
    boolean holds(String id);

    /** The worker stopped using {@code id}: its producer and consumer are closed. */
    void released(String id);

    /** Gives the claim up (the worker is stopping). */
    default void close() {
    }

    /** Always the same id (a worker run on its own, as in tests and benchmarks). */
    static TransactionalIdClaim fixed(String id) {
        return new TransactionalIdClaim() {
            @Override
            public Optional<String> await(Duration timeout) {
                return Optional.of(id);
            }

            @Override
            public boolean holds(String held) {
                return true;
            }

            @Override
            public void released(String held) {
            }
        };
    }
}
