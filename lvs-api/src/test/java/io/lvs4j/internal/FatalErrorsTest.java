package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.time.ThreadScheduler;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FatalErrorsTest {
    private final Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    private final List<String> handed = new CopyOnWriteArrayList<>();

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(before);
    }

    private void capture() {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> handed.add(t.getName() + " " + e));
    }

    @Test
    void isFatal_outOfMemoryWrapped_true() {
        assertThat(FatalErrors.isFatal(new RuntimeException("wrapped", new OutOfMemoryError("Java heap space"))))
                .isTrue();
        assertThat(FatalErrors.isFatal(new StackOverflowError())).isTrue();
    }

    @Test
    void isFatal_ordinaryFailures_false() {
        assertThat(FatalErrors.isFatal(new IllegalStateException("x", new AssertionError("y")))).isFalse();
        assertThat(FatalErrors.isFatal(new UncheckedIOException(new java.io.IOException("z")))).isFalse();
    }

    @Test
    void report_outOfMemoryError_goesToTheThreadsUncaughtExceptionHandler() {
        capture();
        assertThat(FatalErrors.report(new OutOfMemoryError("Java heap space"))).isTrue();
        assertThat(handed).containsExactly(Thread.currentThread().getName()
                + " java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void report_runtimeException_notHandedOver() {
        capture();
        assertThat(FatalErrors.report(new IllegalStateException("no"))).isFalse();
        assertThat(handed).isEmpty();
    }

    @Test
    void report_handlerThrows_dropped() {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            throw new IllegalStateException("handler failed");
        });
        assertThat(FatalErrors.report(new OutOfMemoryError())).isTrue();
    }

    @Test
    void threadScheduler_taskThrowsOutOfMemoryError_handedToUncaughtHandlerAndThreadGoesOn() throws Exception {
        capture();
        try (ThreadScheduler s = new ThreadScheduler("fatal-test")) {
            s.execute(() -> {
                throw new IllegalArgumentException("an ordinary failure");
            });
            s.execute(() -> {
                throw new OutOfMemoryError("Java heap space");
            });
            CountDownLatch next = new CountDownLatch(1);
            s.schedule(1_000_000, next::countDown);
            assertThat(next.await(5, TimeUnit.SECONDS)).as("a later task still runs").isTrue();
        }
        assertThat(handed).containsExactly("fatal-test java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void guard_runnableThrowsOutOfMemory_reportedAndNotRethrown() {
        capture();
        FatalErrors.guard((Runnable) () -> {
            throw new OutOfMemoryError("in a task");
        }).run();
        assertThat(handed).containsExactly(Thread.currentThread().getName() + " java.lang.OutOfMemoryError: in a task");
    }

    @Test
    void guard_runnableThrowsRuntimeException_rethrownNotReported() {
        capture();
        Runnable r = FatalErrors.guard((Runnable) () -> {
            throw new IllegalStateException("ordinary");
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(r::run).isInstanceOf(IllegalStateException.class)
                .hasMessage("ordinary");
        assertThat(handed).isEmpty();
    }

    @Test
    void guard_completionCallbackThrowsOutOfMemory_reportedInsteadOfAFailedStageNobodyReads() {
        capture();
        java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
        f.whenComplete(FatalErrors.guard((String v, Throwable t) -> {
            throw new OutOfMemoryError("in a callback " + v);
        }));
        f.complete("x");
        assertThat(handed).containsExactly(Thread.currentThread().getName()
                + " java.lang.OutOfMemoryError: in a callback x");
    }
}
