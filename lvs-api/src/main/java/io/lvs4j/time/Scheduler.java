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

    /**
     * Declares work in flight outside the scheduler's thread (a real network check, say) whose
     * result will be handed over with {@link #execute}, after which the worker calls
     * {@link Hold#release()}. A real-time scheduler needs nothing of the kind: this default returns
     * a hold that does nothing and never expires. A {@link VirtualClock} keeps its time from passing
     * {@code delayNanos} from now until the hold is released, waiting for it in real time at most
     * {@code realTimeLimit}; if that passes first, the clock goes on and runs {@code onExpired} on
     * its thread, at the time it stands at, so that the work is reported late rather than ignored.
     *
     * @param delayNanos how far (0 or more) the scheduler's time may move while the work runs
     * @param realTimeLimit how long, in real time, the work may take (positive)
     * @param onExpired run on the scheduler's thread if the limit passes before the release
     */
    default Hold hold(long delayNanos, Duration realTimeLimit, Runnable onExpired) {
        Preconditions.checkInRange(delayNanos, 0, Long.MAX_VALUE / 4, "delayNanos");
        Preconditions.checkNotNull(realTimeLimit, "realTimeLimit");
        Preconditions.checkArgument(!realTimeLimit.isNegative() && !realTimeLimit.isZero(), "realTimeLimit",
                realTimeLimit, "> 0");
        Preconditions.checkNotNull(onExpired, "onExpired");
        return Hold.NONE;
    }

    /** A scheduled task. */
    interface Timer {
        /** Keeps the task from running if it has not run yet; idempotent. */
        void cancel();
    }

    /** Work in flight outside the scheduler ({@link #hold}). */
    interface Hold {
        /** The hold of a real-time scheduler: nothing to release. */
        Hold NONE = () -> { };

        /** The work is done (its result handed over first); idempotent, from any thread. */
        void release();
    }
}
