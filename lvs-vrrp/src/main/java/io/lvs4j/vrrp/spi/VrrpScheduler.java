package io.lvs4j.vrrp.spi;

/**
 * Time for the VRRP engine: a monotonic clock in microseconds and one-shot timers. The engine never
 * reads the system clock or sleeps; every callback it receives (timers, packets, tracker changes)
 * must run on the scheduler's single thread. Tests use {@link io.lvs4j.vrrp.memory.VirtualClock}.
 */
public interface VrrpScheduler {
    /** Monotonic time in microseconds (any origin). */
    long nowMicros();

    /** Runs {@code task} once after {@code delayMicros} (0 or more) on the scheduler's thread. */
    Timer schedule(long delayMicros, Runnable task);

    /** A scheduled task. */
    interface Timer {
        /** Prevents the task from running if it has not run yet; idempotent. */
        void cancel();
    }
}
