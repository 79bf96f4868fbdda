package io.lvs4j.bgp.internal;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.Scheduler;
import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on a Netty event loop: the speaker's sessions and its sockets on one thread.
 * Real time ({@link System#nanoTime()}); a task that throws is logged and the loop goes on; after
 * the loop stops, tasks are dropped.
 */
final class LoopScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(LoopScheduler.class);

    private final EventLoop loop;

    LoopScheduler(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        Preconditions.checkNotNull(task, "task");
        try {
            ScheduledFuture<?> f = loop.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> {};
        }
    }

    @Override
    public void execute(Runnable task) {
        Preconditions.checkNotNull(task, "task");
        try {
            loop.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // stopped: dropped
        }
    }

    @Override
    public boolean inSchedulerThread() {
        return loop.inEventLoop();
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("BGP speaker task failed", e);
            }
        };
    }

    @Override
    public String toString() {
        return "LoopScheduler[" + loop + "]";
    }
}
