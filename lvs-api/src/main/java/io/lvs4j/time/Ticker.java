package io.lvs4j.time;

/**
 * A monotonic clock in nanoseconds (any origin). Every timer and deadline in lvs4j reads one, so a
 * test that injects a {@link VirtualClock} makes them deterministic.
 */
@FunctionalInterface
public interface Ticker {
    /** Monotonic time in nanoseconds. */
    long nanos();

    /** The system's monotonic clock, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
