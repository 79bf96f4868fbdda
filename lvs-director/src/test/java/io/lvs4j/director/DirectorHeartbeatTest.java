package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckRuntime;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Director#heartbeat()}: each count moves while its loop takes tasks and stops while the
 * loop is blocked on purpose (a listener holding the director's loop, a task holding the checks'
 * event loop), whatever the other loop does.
 */
class DirectorHeartbeatTest {
    private static final long PERIOD_MILLIS = Heartbeat.PERIOD.toMillis();

    private static long awaitAbove(LongSupplier s, long above) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.getAsLong() <= above && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return s.getAsLong();
    }

    private static VirtualService web() {
        return VirtualService.tcp("192.0.2.100", 80).realServer(RealServer.of("198.51.100.2", 80).route()).build();
    }

    @Test
    void heartbeat_running_bothCountsAdvance() throws Exception {
        try (Director d = Director.builder().ipvs(new InMemoryIpvs()).service(web()).start()) {
            Heartbeat first = d.heartbeat();
            awaitAbove(() -> d.heartbeat().loop(), first.loop() + 1);
            awaitAbove(() -> d.heartbeat().checks(), first.checks() + 1);
            assertThat(d.heartbeat().progressedSince(first)).isTrue();
        }
    }

    @Test
    void heartbeat_listenerBlocksTheLoop_loopCountStopsChecksGoOn() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Director d = Director.builder().ipvs(new InMemoryIpvs()).listener(e -> {
            if (e instanceof DirectorEvent.KernelChange) { // on the director's loop
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        }).start()) {
            awaitAbove(() -> d.heartbeat().loop(), 1);
            Thread adder = new Thread(() -> {
                try {
                    d.putService(web()); // a kernel change: the listener holds the loop
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            adder.start();
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            Heartbeat stalled = d.heartbeat();
            Thread.sleep(5 * PERIOD_MILLIS);
            Heartbeat later = d.heartbeat();
            assertThat(later.loop()).isEqualTo(stalled.loop());
            assertThat(later.checks()).isGreaterThan(stalled.checks());
            assertThat(later.stalledSince(stalled)).isEqualTo("the director's loop");
            assertThat(later.progressedSince(stalled)).isFalse();
            release.countDown();
            adder.join(10_000);
            assertThat(awaitAbove(() -> d.heartbeat().loop(), later.loop())).isGreaterThan(later.loop());
        }
    }

    @Test
    void heartbeat_checksEventLoopBlocked_checksCountStopsLoopGoesOn() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (CheckRuntime rt = CheckRuntime.create();
                Director d = Director.builder().ipvs(new InMemoryIpvs()).service(web()).checkRuntime(rt).start()) {
            awaitAbove(() -> d.heartbeat().checks(), 1);
            EventExecutor thread = rt.eventLoop().next();
            thread.execute(() -> {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(2 * PERIOD_MILLIS); // a round already past the thread may still end
            Heartbeat stalled = d.heartbeat();
            Thread.sleep(5 * PERIOD_MILLIS);
            Heartbeat later = d.heartbeat();
            assertThat(later.checks()).isEqualTo(stalled.checks());
            assertThat(later.loop()).isGreaterThan(stalled.loop());
            assertThat(later.stalledSince(stalled)).isEqualTo("the health checks' event loop");
            release.countDown();
            assertThat(awaitAbove(() -> d.heartbeat().checks(), later.checks())).isGreaterThan(later.checks());
        }
    }

    @Test
    void heartbeat_virtualClock_loopCountFollowsTheClock() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (Director d = Director.builder().ipvs(new InMemoryIpvs()).virtualClock(clock).start()) {
            long before = d.heartbeat().loop();
            clock.advance(Duration.ofSeconds(1));
            assertThat(d.heartbeat().loop() - before).isEqualTo(1000 / PERIOD_MILLIS);
            Thread.sleep(3 * PERIOD_MILLIS);
            assertThat(d.heartbeat().loop() - before).as("real time moves nothing on a virtual clock")
                    .isEqualTo(1000 / PERIOD_MILLIS);
        }
    }

    @Test
    void stalledSince_eachCase() {
        Heartbeat h = new Heartbeat(5, 7);
        assertThat(new Heartbeat(6, 8).stalledSince(h)).isEmpty();
        assertThat(new Heartbeat(5, 8).stalledSince(h)).isEqualTo("the director's loop");
        assertThat(new Heartbeat(6, 7).stalledSince(h)).isEqualTo("the health checks' event loop");
        assertThat(new Heartbeat(5, 7).stalledSince(h))
                .isEqualTo("the director's loop and the health checks' event loop");
        assertThat(new Heartbeat(6, 8).progressedSince(h)).isTrue();
        assertThat(new Heartbeat(6, 7).progressedSince(h)).isFalse();
    }
}
