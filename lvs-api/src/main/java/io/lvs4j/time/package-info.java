/**
 * Time for every engine: a {@link io.lvs4j.time.Ticker} (monotonic nanoseconds) and a
 * {@link io.lvs4j.time.Scheduler} (one thread, timers on it), real
 * ({@link io.lvs4j.time.ThreadScheduler}) or simulated ({@link io.lvs4j.time.VirtualClock}).
 */
package io.lvs4j.time;
