package io.lvs4j.time;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A deterministic {@link Scheduler}: time moves only when {@link #advance} or
 * {@link #advanceToNanos} runs the due tasks, in time order and, at equal times, in scheduling
 * order, on the thread that advances it. Time starts at 0.
 *
 * <p>Tasks handed over from other threads ({@link #execute} or {@link #schedule} called off the
 * advancing thread, e.g. a real network check completing on an I/O thread) are taken in at the
 * current time the next time the clock runs tasks; everything else is single-threaded.
 */
public final class VirtualClock implements Scheduler {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Object[]> inbox = new ConcurrentLinkedQueue<>();
    private volatile Thread owner;
    private long now;
    private long sequence;
    private long executed;

    private static final class Task implements Timer, Comparable<Task> {
        final long due;
        final long seq;
        final Runnable runnable;
        volatile boolean cancelled;

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

    /** A clock at time 0, owned by the creating thread until another thread advances it. */
    public VirtualClock() {
        owner = Thread.currentThread();
    }

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        Preconditions.checkInRange(delayNanos, 0, Long.MAX_VALUE / 4, "delayNanos");
        Preconditions.checkNotNull(task, "task");
        if (!onOwner()) {
            Task t = new Task(-1, -1, task);
            inbox.add(new Object[] {delayNanos, t});
            return t;
        }
        Task t = new Task(now + delayNanos, sequence++, task);
        queue.add(t);
        return t;
    }

    @Override
    public void execute(Runnable task) {
        schedule(0, task);
    }

    /** True: everything runs on the thread that advances the clock. */
    @Override
    public boolean inSchedulerThread() {
        return true;
    }

    /** Runs every task due at or before {@code timeNanos}, then sets the time to it. */
    public void advanceToNanos(long timeNanos) {
        Preconditions.checkArgument(timeNanos >= now, "timeNanos", timeNanos, ">= now (" + now + ")");
        claim();
        takeInbox();
        while (!queue.isEmpty() && queue.peek().due <= timeNanos) {
            Task t = queue.poll();
            if (t.cancelled) {
                continue;
            }
            now = t.due;
            executed++;
            t.runnable.run();
            takeInbox();
        }
        now = timeNanos;
    }

    /** Runs every task due within {@code duration} from now, then moves the time on by it. */
    public void advance(Duration duration) {
        Preconditions.checkNotNull(duration, "duration");
        Preconditions.checkArgument(!duration.isNegative(), "duration", duration, ">= 0");
        advanceToNanos(now + duration.toNanos());
    }

    /** Runs the tasks due now (including those handed over from other threads) without moving time. */
    public void runDue() {
        advanceToNanos(now);
    }

    /** Tasks run so far. */
    public long executed() {
        return executed;
    }

    /** Tasks waiting to run (cancelled ones included until their time comes). */
    public int pending() {
        return queue.size() + inbox.size();
    }

    private boolean onOwner() {
        return owner == Thread.currentThread();
    }

    private void claim() {
        owner = Thread.currentThread();
    }

    private void takeInbox() {
        Object[] e;
        while ((e = inbox.poll()) != null) {
            Task handed = (Task) e[1];
            Task t = new Task(now + (Long) e[0], sequence++, () -> {
                if (!handed.cancelled) {
                    handed.runnable.run();
                }
            });
            queue.add(t);
        }
    }
}
