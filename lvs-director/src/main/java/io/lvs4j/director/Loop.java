package io.lvs4j.director;

import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.time.Scheduler;
import io.lvs4j.time.ThreadScheduler;
import io.lvs4j.time.VirtualClock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * The director's one thread: every state change runs here, in order. A real thread, or a
 * {@link VirtualClock} that a test advances (then everything runs on the test's thread).
 */
abstract class Loop implements Scheduler {
    /** Runs {@code body} on the loop and returns its result, waiting for it; at once when on the loop. */
    abstract <T> T call(Callable<T> body) throws Exception;

    abstract void shutdown();

    /** {@link #call}, for callers that throw nothing checked: unchecked failures pass through, checked ones are wrapped. */
    final <T> T run(Callable<T> body) {
        try {
            return call(body);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #call} for a change of the table: an {@link IpvsException} passes through too. */
    final ReconcileResult change(Callable<ReconcileResult> body) throws IpvsException {
        try {
            return call(body);
        } catch (IpvsException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Loop thread(String name) {
        return new ThreadLoop(name);
    }

    static Loop virtual(VirtualClock clock) {
        return new VirtualLoop(clock);
    }

    private static final class ThreadLoop extends Loop {
        private final ThreadScheduler scheduler;

        ThreadLoop(String name) {
            scheduler = new ThreadScheduler(name);
        }

        @Override
        public long nanos() {
            return scheduler.nanos();
        }

        @Override
        public void execute(Runnable task) {
            scheduler.execute(task);
        }

        @Override
        public Timer schedule(long delayNanos, Runnable task) {
            return scheduler.schedule(delayNanos, task);
        }

        @Override
        public boolean inSchedulerThread() {
            return scheduler.inSchedulerThread();
        }

        @Override
        <T> T call(Callable<T> body) throws Exception {
            try {
                return scheduler.call(body);
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
            scheduler.close();
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
        public long nanos() {
            return clock.nanos();
        }

        @Override
        public void execute(Runnable task) {
            schedule(0, task);
        }

        @Override
        public Timer schedule(long delayNanos, Runnable task) {
            if (shut) {
                return () -> {};
            }
            return clock.schedule(Math.max(0, delayNanos), () -> {
                if (!shut) {
                    task.run();
                }
            });
        }

        @Override
        public boolean inSchedulerThread() {
            return true;
        }

        /** Real work (a health check) holds the clock: see {@link VirtualClock#hold}. */
        @Override
        public Hold hold(long delayNanos, Duration realTimeLimit, Runnable onExpired) {
            return clock.hold(delayNanos, realTimeLimit, () -> {
                if (!shut) {
                    onExpired.run();
                }
            });
        }

        @Override
        <T> T call(Callable<T> body) throws Exception {
            T result = body.call();
            clock.runDue(); // what the call queued for now runs before it returns
            return result;
        }

        @Override
        void shutdown() {
            shut = true;
        }
    }
}
