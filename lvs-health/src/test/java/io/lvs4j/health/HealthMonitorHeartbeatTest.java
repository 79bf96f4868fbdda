package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The liveness signal of the checks' event loop: it moves while every thread takes tasks, and only then. */
class HealthMonitorHeartbeatTest {
    /** Waits (bounded) until the supplier passes {@code above}; returns its value. */
    private static long awaitAbove(LongSupplier s, long above) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.getAsLong() <= above && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return s.getAsLong();
    }

    @Test
    void heartbeat_beforeStart_zeroThenItAdvances() throws Exception {
        try (CheckRuntime rt = CheckRuntime.create(); HealthMonitor m = HealthMonitor.builder().runtime(rt).build()) {
            Thread.sleep(3 * EventLoopHeartbeat.PERIOD_MILLIS);
            assertThat(m.heartbeat()).isZero();
            m.start();
            long first = awaitAbove(m::heartbeat, 0);
            assertThat(awaitAbove(m::heartbeat, first)).isGreaterThan(first);
        }
    }

    @Test
    void heartbeat_oneEventLoopThreadBlocked_stopsUntilItRuns() throws Exception {
        try (CheckRuntime rt = CheckRuntime.create(2); HealthMonitor m = HealthMonitor.builder().runtime(rt).build()) {
            m.start();
            awaitAbove(m::heartbeat, 1);
            List<EventExecutor> threads = new ArrayList<>();
            rt.eventLoop().forEach(threads::add);
            assertThat(threads).hasSize(2);
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            threads.get(1).execute(() -> {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(2 * EventLoopHeartbeat.PERIOD_MILLIS); // a round in flight may still end
            long stalled = m.heartbeat();
            Thread.sleep(5 * EventLoopHeartbeat.PERIOD_MILLIS);
            assertThat(m.heartbeat()).as("no beat while a thread is blocked").isEqualTo(stalled);
            release.countDown();
            assertThat(awaitAbove(m::heartbeat, stalled + 1)).isGreaterThan(stalled + 1);
        }
    }

    @Test
    void heartbeat_afterClose_stops() throws Exception {
        try (CheckRuntime rt = CheckRuntime.create()) {
            HealthMonitor m = HealthMonitor.builder().runtime(rt).build().start();
            awaitAbove(m::heartbeat, 0);
            m.close();
            Thread.sleep(2 * EventLoopHeartbeat.PERIOD_MILLIS);
            long closed = m.heartbeat();
            Thread.sleep(3 * EventLoopHeartbeat.PERIOD_MILLIS);
            assertThat(m.heartbeat()).isEqualTo(closed);
        }
    }
}
