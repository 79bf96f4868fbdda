package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.FatalErrors;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: an error of the JVM thrown where the checks' code runs on Netty's threads or in a
 * checker's future reaches the thread's uncaught exception handler ({@link FatalErrors}), not
 * Netty's log or a failed stage nobody reads.
 */
class FatalErrorsHealthTest {
    private final Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    private final List<String> handed = new CopyOnWriteArrayList<>();
    private final CountDownLatch told = new CountDownLatch(1);
    private final HealthMonitorTest h = new HealthMonitorTest();

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(before);
        h.close();
    }

    private void capture() {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            handed.add(t.getName() + " " + e);
            told.countDown();
        });
    }

    @Test
    void healthMonitor_checkerStageFailsWithOutOfMemory_reportedToTheThreadsHandler() {
        capture();
        Checker oom = new Checker() {
            @Override
            public CompletionStage<CheckResult> check(CheckContext context) {
                return CompletableFuture.failedFuture(new OutOfMemoryError("in a checker's callback"));
            }

            @Override
            public String describe() {
                return "oom";
            }
        };
        h.monitor(ServiceHealth.builder(HealthMonitorTest.VS).check(HealthMonitorTest.RS1, oom,
                HealthMonitorTest.keepalived(10, 0, 1)).build());
        h.clock.advance(Duration.ofSeconds(11));
        assertThat(handed).isNotEmpty().allMatch(s -> s.endsWith("java.lang.OutOfMemoryError: in a checker's callback"));
    }

    @Test
    void listener_throwsOutOfMemory_reportedNotLoggedByNettysPromise() {
        capture();
        Promise<Void> p = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
        p.addListener(Guarded.listener(f -> {
            throw new OutOfMemoryError("in a listener");
        }));
        p.setSuccess(null);
        assertThat(handed).containsExactly(Thread.currentThread().getName() + " java.lang.OutOfMemoryError: in a listener");
    }

    @Test
    void listener_throwsRuntimeException_notReported() {
        capture();
        Promise<Void> p = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
        p.addListener(Guarded.listener(f -> {
            throw new IllegalStateException("ordinary: Netty logs it");
        }));
        p.setSuccess(null);
        assertThat(handed).isEmpty();
    }

    @Test
    void eventLoopTask_guardedThrowsOutOfMemory_reachesTheLoopThreadsHandler() throws Exception {
        capture();
        try (CheckRuntime runtime = CheckRuntime.create()) {
            runtime.eventLoop().next().execute(FatalErrors.guard(() -> {
                throw new OutOfMemoryError("in a task");
            }));
            assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(handed).singleElement().asString().startsWith("lvs4j-health-")
                .endsWith(" java.lang.OutOfMemoryError: in a task");
    }
}
