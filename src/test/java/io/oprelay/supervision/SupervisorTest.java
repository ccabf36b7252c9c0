package io.oprelay.supervision;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.oprelay.support.Waits;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SupervisorTest {

    private static final Duration MS_100 = Duration.ofMillis(100);

    @Test
    void theWaitBeforeARestartDoublesPerDeathInARowUpToTheCap() {
        RestartHistory history = new RestartHistory(new RestartHistory.Settings(MS_100, Duration.ofMillis(500), 5,
                Duration.ofMinutes(1)));
        long t = 0;
        assertThat(history.died(t, t += ms(1))).isEqualTo(Duration.ofMillis(100));
        assertThat(history.died(t, t += ms(1))).isEqualTo(Duration.ofMillis(200));
        assertThat(history.died(t, t += ms(1))).isEqualTo(Duration.ofMillis(400));
        assertThat(history.died(t, t += ms(1))).isEqualTo(Duration.ofMillis(500));
        assertThat(history.died(t, t += ms(1))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aRunAsLongAsTheCapStartsTheBackOffAgain() {
        RestartHistory history = new RestartHistory(new RestartHistory.Settings(MS_100, Duration.ofMillis(500), 5,
                Duration.ofMinutes(1)));
        history.died(0, ms(1));
        history.died(ms(1), ms(2));
        assertThat(history.died(ms(2), ms(2) + ms(500))).isEqualTo(Duration.ofMillis(100));
        assertThat(history.total()).isEqualTo(3);
    }

    @Test
    void aWorkerKeepsDyingOnlyWhenItDiedTheLimitWithinTheWindow() {
        RestartHistory history = new RestartHistory(new RestartHistory.Settings(MS_100, Duration.ofSeconds(1), 3,
                Duration.ofSeconds(60)));
        history.died(0, ms(1_000));
        history.died(0, ms(2_000));
        assertThat(history.keepsDying(ms(2_000))).isFalse();
        history.died(0, ms(30_000));
        assertThat(history.keepsDying(ms(30_000))).isTrue();
        assertThat(history.keepsDying(ms(61_500))).as("the first death left the window").isFalse();
        assertThat(history.recentDeaths(ms(61_500))).isEqualTo(2);
        assertThat(history.total()).isEqualTo(3);
    }

    @Test
    void aWorkerThatDiesIsStartedAgainAndCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Supervisor supervisor = new Supervisor(new RestartHistory.Settings(Duration.ofMillis(5), Duration.ofMillis(50),
                10, Duration.ofMinutes(1)), registry, System::nanoTime);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supervised worker = supervisor.start("test", "flaky-worker", () -> {
            if (runs.incrementAndGet() <= 3) {
                throw new IllegalStateException("boom " + runs.get());
            }
            release.await();
        });

        await().atMost(Waits.seconds(10)).until(() -> runs.get() == 4);
        assertThat(worker.state()).isEqualTo(Supervised.State.RUNNING);
        assertThat(worker.restarts()).isEqualTo(3);
        assertThat(worker.lastFailure()).isEqualTo("IllegalStateException");
        assertThat(registry.get("relay.workers.restarts").tag("worker", "test").counter().count()).isEqualTo(3.0);
        assertThat(worker.alive()).isTrue();

        worker.stop();
        release.countDown();
        assertThat(worker.join(Duration.ofSeconds(5))).isTrue();
        assertThat(worker.state()).isEqualTo(Supervised.State.ENDED);
        assertThat(supervisor.workers()).isEmpty();
    }

    @Test
    void aWorkerWaitingForItsRestartCountsAsRestartingNotRunning() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Supervisor supervisor = new Supervisor(new RestartHistory.Settings(Duration.ofMinutes(10),
                Duration.ofMinutes(10), 10, Duration.ofMinutes(1)), registry, System::nanoTime);
        CountDownLatch hold = new CountDownLatch(1);
        Supervised healthy = supervisor.start("router", "router-0", hold::await);
        Supervised dying = supervisor.start("router", "router-1", () -> {
            throw new IllegalStateException("boom");
        });
        await().atMost(Waits.seconds(5)).until(() -> dying.state() == Supervised.State.RESTARTING);

        assertThat(registry.get("relay.workers.running").tag("worker", "router").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("relay.workers.restarting").tag("worker", "router").gauge().value()).isEqualTo(1.0);

        dying.stop();
        healthy.stop();
        hold.countDown();
        assertThat(dying.join(Duration.ofSeconds(5))).isTrue();
        assertThat(healthy.join(Duration.ofSeconds(5))).isTrue();
        assertThat(registry.get("relay.workers.running").tag("worker", "router").gauge().value()).isZero();
        assertThat(registry.get("relay.workers.restarting").tag("worker", "router").gauge().value()).isZero();
    }

    @Test
    void aWorkerThatReturnsHasEndedAndIsNotStartedAgain() throws Exception {
        Supervisor supervisor = new Supervisor(new RestartHistory.Settings(Duration.ofMillis(5), Duration.ofMillis(50),
                10, Duration.ofMinutes(1)), new SimpleMeterRegistry(), System::nanoTime);
        AtomicInteger runs = new AtomicInteger();
        Supervised worker = supervisor.start("test", "one-shot", runs::incrementAndGet);
        assertThat(worker.join(Duration.ofSeconds(5))).isTrue();
        assertThat(runs).hasValue(1);
        assertThat(worker.restarts()).isZero();
    }

    @Test
    void aWorkerStoppedDuringItsBackOffIsNotStartedAgain() throws Exception {
        Supervisor supervisor = new Supervisor(new RestartHistory.Settings(Duration.ofMinutes(10),
                Duration.ofMinutes(10), 10, Duration.ofMinutes(1)), new SimpleMeterRegistry(), System::nanoTime);
        AtomicInteger runs = new AtomicInteger();
        Supervised worker = supervisor.start("test", "dies-once", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        await().atMost(Waits.seconds(5)).until(() -> worker.state() == Supervised.State.RESTARTING);
        worker.stop();
        assertThat(worker.join(Duration.ofSeconds(5))).isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void livenessStaysUpAfterADeathAndTurnsDownWhenAWorkerKeepsDying() throws Exception {
        AtomicLong now = new AtomicLong();
        Supervisor supervisor = new Supervisor(new RestartHistory.Settings(Duration.ofMillis(1), Duration.ofMillis(1),
                3, Duration.ofSeconds(60)), new SimpleMeterRegistry(), now::get);
        WorkersLiveness liveness = new WorkersLiveness(supervisor);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch hold = new CountDownLatch(1);
        Supervised worker = supervisor.start("test", "dies-twice", () -> {
            now.addAndGet(ms(1_000));
            if (runs.incrementAndGet() <= 2) {
                throw new IllegalStateException("boom");
            }
            hold.await();
        });
        await().atMost(Waits.seconds(5)).until(() -> runs.get() == 3);
        HealthCheckResponse afterTwo = liveness.call();
        assertThat(afterTwo.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(afterTwo.getData().orElseThrow()).containsKey("dies-twice");

        Supervised hopeless = supervisor.start("test", "always-dies", () -> {
            throw new IllegalStateException("boom");
        });
        await().atMost(Waits.seconds(5)).until(() -> hopeless.restarts() >= 3);
        HealthCheckResponse keepsDying = liveness.call();
        assertThat(keepsDying.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(keepsDying.getData().orElseThrow().get("always-dies").toString()).contains("IllegalStateException");

        hopeless.stop();
        assertThat(hopeless.join(Duration.ofSeconds(5))).isTrue();
        now.addAndGet(ms(120_000));
        assertThat(liveness.call().getStatus()).as("an ended worker no longer counts").isEqualTo(
                HealthCheckResponse.Status.UP);
        worker.stop();
        hold.countDown();
        assertThat(worker.join(Duration.ofSeconds(5))).isTrue();
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}
