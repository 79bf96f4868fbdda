package io.lvs4j.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link VirtualClock}'s holds: real work on other threads keeps pace with virtual time. */
class VirtualClockTest {
    private final VirtualClock clock = new VirtualClock();
    private final List<String> log = new ArrayList<>();

    private void at(String what) {
        log.add(what + "@" + clock.nanos() / 1_000_000);
    }

    /** Hands a result over from another thread after {@code millis} of real time, then releases. */
    private Thread worker(Scheduler.Hold[] hold, long millis, CountDownLatch started) {
        Thread t = new Thread(() -> {
            try {
                started.await(5, TimeUnit.SECONDS);
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            clock.execute(() -> at("result"));
            hold[0].release();
        });
        t.setDaemon(true);
        return t;
    }

    @Test
    void hold_workOnAnotherThread_clockWaitsAndTakesTheResultInAtTheHoldsTime() throws Exception {
        clock.schedule(Duration.ofMillis(10), () -> at("timer"));
        Scheduler.Hold[] hold = {clock.hold(0, Duration.ofSeconds(30), () -> at("expired"))};
        CountDownLatch go = new CountDownLatch(1);
        worker(hold, 100, go).start();
        go.countDown();
        clock.advance(Duration.ofSeconds(1));
        assertThat(log).containsExactly("result@0", "timer@10");
        assertThat(clock.holds()).isZero();
        assertThat(clock.nanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void hold_realTimeLimitPasses_clockGoesOnAndRunsOnExpiredAtTheHoldsTime() {
        clock.advance(Duration.ofMillis(5));
        clock.schedule(Duration.ofMillis(10), () -> at("timer"));
        clock.hold(0, Duration.ofMillis(200), () -> at("expired"));
        long start = System.nanoTime();
        clock.advance(Duration.ofSeconds(1));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(200_000_000L);
        assertThat(log).containsExactly("expired@5", "timer@15");
        assertThat(clock.holds()).isZero();
    }

    @Test
    void hold_withDelay_tasksBeforeItsDeadlineRunWithoutWaiting() {
        clock.schedule(Duration.ofMillis(100), () -> at("early"));
        clock.schedule(Duration.ofMillis(600), () -> at("late"));
        Scheduler.Hold hold = clock.hold(Duration.ofMillis(500).toNanos(), Duration.ofSeconds(30), () -> at("expired"));
        clock.advance(Duration.ofMillis(500)); // up to the deadline, not past it: no wait
        assertThat(log).containsExactly("early@100");
        assertThat(clock.holds()).isOne();
        hold.release();
        clock.advance(Duration.ofMillis(500));
        assertThat(log).containsExactly("early@100", "late@600");
    }

    @Test
    void hold_releasedBeforeTheClockLooks_noWaitAndNothingExpires() {
        Scheduler.Hold hold = clock.hold(0, Duration.ofMillis(1), () -> at("expired"));
        clock.execute(() -> at("result"));
        hold.release();
        hold.release(); // idempotent
        clock.advance(Duration.ofSeconds(1));
        assertThat(log).containsExactly("result@0");
    }

    @Test
    void hold_runDueAtTheHoldsTime_doesNotWait() {
        clock.hold(0, Duration.ofSeconds(30), () -> at("expired"));
        clock.execute(() -> at("now"));
        long start = System.nanoTime();
        clock.runDue();
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
        assertThat(log).containsExactly("now@0");
        assertThat(clock.holds()).isOne();
    }

    @Test
    void hold_badArguments_namedErrors() {
        assertThatThrownBy(() -> clock.hold(-1, Duration.ofSeconds(1), () -> { }))
                .hasMessageStartingWith("delayNanos: -1 (expected: ");
        assertThatThrownBy(() -> clock.hold(0, Duration.ZERO, () -> { }))
                .hasMessage("realTimeLimit: PT0S (expected: > 0)");
        assertThatThrownBy(() -> clock.hold(0, Duration.ofSeconds(1), null))
                .hasMessage("onExpired: null (expected: non-null)");
    }

    @Test
    void hold_realTimeScheduler_aHoldThatDoesNothing() {
        try (ThreadScheduler s = new ThreadScheduler("test")) {
            Scheduler.Hold h = s.hold(0, Duration.ofMillis(1), () -> log.add("expired"));
            h.release();
            assertThat(h).isSameAs(Scheduler.Hold.NONE);
        }
        assertThat(log).isEmpty();
    }
}
