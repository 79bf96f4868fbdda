package io.lvs4j.time;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;

/**
 * The one time source of an engine: a {@link Ticker} and a single thread that runs tasks and
 * timers in order. The VRRP routers, the health monitor and the director each run on one; a
 * {@link ThreadScheduler} in production, a {@link VirtualClock} in tests and simulations.
 *
 * <p>{@link #execute} and {@link #schedule} may be called from any thread; the tasks run on the
 * scheduler's thread, one at a time.
 */
public interface Scheduler extends Ticker {
    /** Runs {@code task} once, {@code delayNanos} (0 or more) from now, on the scheduler's thread. */
    Timer schedule(long delayNanos, Runnable task);

    /** Runs {@code task} once after {@code delay} on the scheduler's thread. */
    default Timer schedule(Duration delay, Runnable task) {
        Preconditions.checkNotNull(delay, "delay");
        Preconditions.checkArgument(!delay.isNegative(), "delay", delay, ">= 0");
        return schedule(delay.toNanos(), task);
    }

    /** Runs {@code task} soon on the scheduler's thread, after the tasks already queued for now. */
    void execute(Runnable task);

    /**
     * Whether the caller is on the scheduler's thread, where engine state may be touched directly.
     * A {@link VirtualClock} answers true: it runs everything on the thread that advances it.
     */
    boolean inSchedulerThread();

    /** A scheduled task. */
    interface Timer {
        /** Keeps the task from running if it has not run yet; idempotent. */
        void cancel();
    }
}
