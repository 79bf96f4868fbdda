package io.lvs4j.health;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/** Where the monitor runs its tasks: one thread, timers. The event loop in production, a fake in tests. */
interface MonitorTimer {
    void execute(Runnable task);

    void schedule(Runnable task, long delayNanos);

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
        };
    }
}
