package io.lvs4j.health;

import io.lvs4j.time.Scheduler;

import java.time.Duration;
import java.util.PriorityQueue;

/** A deterministic ticker and timer for monitor tests: time moves only in {@link #advance}. */
final class FakeClock implements Scheduler {
    private record Task(long at, long seq, Runnable run) {}

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public boolean inSchedulerThread() {
        return false;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(new Task(now, seq++, task));
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        Task t = new Task(now + delayNanos, seq++, task);
        queue.add(t);
        return () -> queue.remove(t);
    }

    /** Runs every task due within the duration, in time order, and leaves the clock at its end. */
    void advance(Duration d) {
        long end = now + d.toNanos();
        int guard = 0;
        while (!queue.isEmpty() && queue.peek().at <= end) {
            Task t = queue.poll();
            now = t.at;
            t.run.run();
            if (++guard > 1_000_000) {
                throw new IllegalStateException("runaway tasks");
            }
        }
        now = end;
    }

    /** Seconds since the clock's start. */
    double seconds() {
        return (now - 1_000_000_000L) / 1e9;
    }
}
