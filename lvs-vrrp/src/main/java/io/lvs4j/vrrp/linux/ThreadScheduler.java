package io.lvs4j.vrrp.linux;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.spi.VrrpScheduler;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-time {@link VrrpScheduler}: one daemon thread, {@link System#nanoTime()} in
 * microseconds. Other threads hand work to it with {@link #execute(Runnable)} (fire and forget) or
 * {@link #call(Callable)} (wait for the result). A task that throws is logged and the thread goes on.
 */
public final class ThreadScheduler implements VrrpScheduler, Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadScheduler.class);

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    public ThreadScheduler(String threadName) {
        Preconditions.checkNotNull(threadName, "thread name");
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nowMicros() {
        return System.nanoTime() / 1000;
    }

    @Override
    public Timer schedule(long delayMicros, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delayMicros), TimeUnit.MICROSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(guarded(task));
    }

    /** Runs {@code task} on the scheduler's thread (directly when already on it) and returns its result. */
    public <T> T call(Callable<T> task) throws ExecutionException, InterruptedException {
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        return executor.submit(task).get();
    }

    /** Whether the caller runs on the scheduler's thread. */
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("VRRP task failed", e);
            }
        };
    }

    /** Stops the thread; queued timers are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
