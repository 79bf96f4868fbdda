package io.lvs4j.health;

/** A source of monotonic nanoseconds; tests inject their own to make timers deterministic. */
@FunctionalInterface
public interface Ticker {
    /** The system ticker, {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    long read();
}
