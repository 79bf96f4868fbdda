package io.lvs4j.time;

import io.lvs4j.internal.ExecutorScheduler;
import io.lvs4j.internal.Preconditions;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real-time {@link Scheduler}: one daemon thread and {@link System#nanoTime()}. Other threads
 * hand work to it with {@link #execute} (fire and forget) or {@link #call} (wait for the result).
 * A task that throws is reported to {@link System.Logger} and the thread goes on; an error of the
 * JVM itself ({@link OutOfMemoryError}, {@link StackOverflowError}) goes to the thread's uncaught
 * exception handler instead (by default {@link Thread#getDefaultUncaughtExceptionHandler()}: the
 * application decides), and the thread goes on. After {@link #close()} new tasks are dropped.
 */
public final class ThreadScheduler implements Scheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private final ExecutorScheduler scheduler;
    private final String name;
    private volatile Thread thread;

    /** A scheduler on a new daemon thread named {@code threadName}. */
    public ThreadScheduler(String threadName) {
        this.name = Preconditions.checkNotNull(threadName, "thread name");
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = new ExecutorScheduler(executor, this::inSchedulerThread, threadName);
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        return scheduler.schedule(delayNanos, task);
    }

    @Override
    public void execute(Runnable task) {
        scheduler.execute(task);
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the scheduler's thread (directly when already on it) and returns its
     * result; what it throws is rethrown as it is (unchecked) or as the cause of an
     * {@link ExecutionException}.
     */
    public <T> T call(Callable<T> task) throws ExecutionException, InterruptedException {
        Preconditions.checkNotNull(task, "task");
        if (inSchedulerThread()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        Future<T> f = executor.submit(task);
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return executor.isShutdown();
    }

    /** Stops the thread, waiting up to 2 s for the running task; queued tasks and timers are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
        if (!inSchedulerThread()) {
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ThreadScheduler[" + name + "]";
    }
}
