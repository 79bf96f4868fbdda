package io.lvs4j.internal;

import io.lvs4j.time.Scheduler;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real-time {@link Scheduler} over a single-threaded {@link ScheduledExecutorService} (a
 * {@link io.lvs4j.time.ThreadScheduler}'s executor, a Netty event loop): {@link System#nanoTime()};
 * a task that throws is reported to {@link System.Logger} and the thread goes on, but for an error
 * of the JVM itself (an {@link OutOfMemoryError}), which goes to the thread's uncaught exception
 * handler ({@link FatalErrors}); once the executor refuses work (it was shut down), new tasks and
 * timers are dropped.
 */
public final class ExecutorScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(ExecutorScheduler.class.getName());

    private final ScheduledExecutorService executor;
    private final BooleanSupplier inThread;
    private final String name;

    /**
     * @param executor runs the tasks, on one thread
     * @param inThread whether the caller is on that thread
     * @param name the thread's name in the report of a failed task
     */
    public ExecutorScheduler(ScheduledExecutorService executor, BooleanSupplier inThread, String name) {
        this.executor = Preconditions.checkNotNull(executor, "executor");
        this.inThread = Preconditions.checkNotNull(inThread, "inThread");
        this.name = Preconditions.checkNotNull(name, "name");
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        Preconditions.checkNotNull(task, "task");
        try {
            ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> {}; // shut down: dropped
        }
    }

    @Override
    public void execute(Runnable task) {
        Preconditions.checkNotNull(task, "task");
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // shut down: dropped
        }
    }

    @Override
    public boolean inSchedulerThread() {
        return inThread.getAsBoolean();
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                if (FatalErrors.report(e)) {
                    return;
                }
                LOG.log(Level.ERROR, "task on " + name + " failed", e);
            }
        };
    }

    @Override
    public String toString() {
        return "ExecutorScheduler[" + name + "]";
    }
}
