package io.lvs4j.health;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a {@link HealthMonitor} runs its tasks: one thread, and timers on it. By default one
 * executor of the runtime's event loop; an embedding application (a director with its own thread,
 * a test on a virtual clock) gives its own with {@link HealthMonitor.Builder#timer}.
 */
public interface MonitorTimer {
    /** Runs {@code task} soon on the monitor's thread. */
    void execute(Runnable task);

    /** Runs {@code task} on the monitor's thread after {@code delayNanos}. */
    void schedule(Runnable task, long delayNanos);

    /**
     * Whether the caller is on the monitor's thread, so that {@link HealthMonitor#putService} and
     * {@link HealthMonitor#removeService} may act at once instead of queueing. Default: false.
     */
    default boolean inLoop() {
        return false;
    }

    /** One executor of the event loop: every monitor task runs on its single thread. */
    static MonitorTimer of(EventExecutor executor) {
        return new MonitorTimer() {
            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }

            @Override
            public void schedule(Runnable task, long delayNanos) {
                executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public boolean inLoop() {
                return executor.inEventLoop();
            }
        };
    }
}
