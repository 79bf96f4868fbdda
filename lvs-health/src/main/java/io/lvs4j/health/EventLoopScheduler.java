package io.lvs4j.health;

import io.lvs4j.time.Scheduler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One executor of a Netty event loop as a {@link Scheduler}: the health monitor's default thread. */
final class EventLoopScheduler implements Scheduler {
    private final EventExecutor executor;

    EventLoopScheduler(EventExecutor executor) {
        this.executor = executor;
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public boolean inSchedulerThread() {
        return executor.inEventLoop();
    }
}
