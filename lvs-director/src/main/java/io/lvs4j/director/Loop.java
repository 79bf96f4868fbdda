package io.lvs4j.director;

import io.lvs4j.health.MonitorTimer;
import io.lvs4j.vrrp.memory.VirtualClock;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The director's one thread: every state change runs here, in order. A real thread, or a
 * {@link VirtualClock} that a test advances (then everything runs on the test's thread).
 */
abstract class Loop implements MonitorTimer {
    /** Monotonic nanoseconds. */
    abstract long nanos();

    /** Runs {@code body} on the loop and returns its result, waiting for it; at once when on the loop. */
    abstract <T> T call(Callable<T> body) throws Exception;

    abstract void shutdown();

    static Loop thread(String name) {
        return new ThreadLoop(name);
    }

    static Loop virtual(VirtualClock clock) {
        return new VirtualLoop(clock);
    }

    private static final class ThreadLoop extends Loop {
        private final ScheduledThreadPoolExecutor executor;
        private volatile Thread thread;

        ThreadLoop(String name) {
            executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                thread = t;
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }

        @Override
        long nanos() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            if (!executor.isShutdown()) {
                executor.execute(task);
            }
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            if (!executor.isShutdown()) {
                executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        @Override
        <T> T call(Callable<T> body) throws Exception {
            if (inLoop()) {
                return body.call();
            }
            Future<T> f = executor.submit(body);
            try {
                return f.get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception ex) {
                    throw ex;
                }
                throw (Error) c;
            }
        }

        @Override
        void shutdown() {
            executor.shutdownNow();
        }
    }

    /** Everything on the test's thread; tasks run when the test advances the clock. */
    private static final class VirtualLoop extends Loop {
        private final VirtualClock clock;
        private boolean shut;

        VirtualLoop(VirtualClock clock) {
            this.clock = clock;
        }

        @Override
        long nanos() {
            return clock.nowMicros() * 1000L;
        }

        @Override
        public void execute(Runnable task) {
            if (!shut) {
                clock.schedule(0, task);
            }
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            if (!shut) {
                clock.schedule(Math.max(0, (delayNanos + 999) / 1000), () -> {
                    if (!shut) {
                        task.run();
                    }
                });
            }
        }

        @Override
        public boolean inLoop() {
            return true;
        }

        @Override
        <T> T call(Callable<T> body) throws Exception {
            T result = body.call();
            clock.advanceTo(clock.nowMicros()); // what the call queued for now runs before it returns
            return result;
        }

        @Override
        void shutdown() {
            shut = true;
        }
    }
}
