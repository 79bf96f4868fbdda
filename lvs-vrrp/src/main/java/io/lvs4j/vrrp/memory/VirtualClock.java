package io.lvs4j.vrrp.memory;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.spi.VrrpScheduler;
import java.util.PriorityQueue;

/**
 * A deterministic {@link VrrpScheduler}: time moves only when {@link #advanceTo} or
 * {@link #advanceBy} runs the due tasks, in time order and, at equal times, in scheduling order.
 * Single-threaded.
 */
public final class VirtualClock implements VrrpScheduler {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private long executed;

    private static final class Task implements Timer, Comparable<Task> {
        final long due;
        final long seq;
        final Runnable runnable;
        boolean cancelled;

        Task(long due, long seq, Runnable runnable) {
            this.due = due;
            this.seq = seq;
            this.runnable = runnable;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    @Override
    public long nowMicros() {
        return now;
    }

    @Override
    public Timer schedule(long delayMicros, Runnable task) {
        Preconditions.checkInRange(delayMicros, 0, Long.MAX_VALUE / 4, "delayMicros");
        Task t = new Task(now + delayMicros, sequence++, Preconditions.checkNotNull(task, "task"));
        queue.add(t);
        return t;
    }

    /** Runs every task due at or before {@code timeMicros}, then sets the time to it. */
    public void advanceTo(long timeMicros) {
        Preconditions.checkArgument(timeMicros >= now, "timeMicros", timeMicros, ">= now (" + now + ")");
        while (!queue.isEmpty() && queue.peek().due <= timeMicros) {
            Task t = queue.poll();
            if (t.cancelled) {
                continue;
            }
            now = t.due;
            executed++;
            t.runnable.run();
        }
        now = timeMicros;
    }

    public void advanceBy(long micros) {
        advanceTo(now + micros);
    }

    /** Tasks run so far. */
    public long executed() {
        return executed;
    }
}
