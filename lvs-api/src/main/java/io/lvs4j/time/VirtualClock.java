package io.lvs4j.time;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>Real work on other threads keeps pace with the clock through {@link #hold}: while a hold is
 * held, the clock does not move past its deadline. The advancing thread waits for the release in
 * real time (at most the hold's real-time limit), then takes in what the work handed over, at the
 * time the clock stands at. A hold whose limit passes is dropped and its {@code onExpired} runs
 * at that time, before anything later. Without holds the clock behaves as it always did.
 */
public final class VirtualClock implements Scheduler {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Object[]> inbox = new ConcurrentLinkedQueue<>();
    private volatile Thread owner;
    private long now;
    private long sequence;
    private long executed;
    private final Object holdLock = new Object();
    private final List<HeldWork> holds = new ArrayList<>(); // guarded by holdLock
    private volatile int holdCount;

    /** Work in flight outside the clock: the clock stays at or before {@link #deadline} until released. */
    private final class HeldWork implements Hold {
        final long deadline;
        final long realDeadline;
        final Runnable onExpired;

        HeldWork(long deadline, long realDeadline, Runnable onExpired) {
            this.deadline = deadline;
            this.realDeadline = realDeadline;
            this.onExpired = onExpired;
        }

        @Override
        public void release() {
            synchronized (holdLock) {
                if (holds.remove(this)) {
                    holdCount = holds.size();
                    holdLock.notifyAll();
                }
            }
        }
    }

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

    /**
     * Runs every task due at or before {@code timeNanos}, then sets the time to it. Before it moves
     * past the deadline of a {@link #hold}, it waits for the hold's release (see the class comment).
     */
    public void advanceToNanos(long timeNanos) {
        Preconditions.checkArgument(timeNanos >= now, "timeNanos", timeNanos, ">= now (" + now + ")");
        claim();
        takeInbox();
        while (true) {
            Task t = queue.peek();
            boolean due = t != null && t.due <= timeNanos;
            if (due && t.cancelled) {
                queue.poll();
                continue;
            }
            if (holdCount > 0 && awaitHolds(due ? t.due : timeNanos)) {
                takeInbox(); // what the held work handed over, at the current time
                continue;
            }
            if (!due) {
                break;
            }
            queue.poll();
            now = t.due;
            executed++;
            t.runnable.run();
            takeInbox();
        }
        now = timeNanos;
    }

    /**
     * Work outside the clock that must hand its result over before the clock's time passes
     * {@code delayNanos} from now; see {@link Scheduler#hold}. The real-time limit counts from now.
     */
    @Override
    public Hold hold(long delayNanos, Duration realTimeLimit, Runnable onExpired) {
        Scheduler.super.hold(delayNanos, realTimeLimit, onExpired); // checks the arguments
        long real = System.nanoTime(); // the real-time bound of the wait, not the clock's time
        HeldWork h = new HeldWork(now + delayNanos, real + Math.min(realTimeLimit.toNanos(), Long.MAX_VALUE / 4),
                onExpired);
        synchronized (holdLock) {
            holds.add(h);
            holdCount = holds.size();
        }
        return h;
    }

    /** Holds not yet released (for tests and diagnostics). */
    public int holds() {
        return holdCount;
    }

    /**
     * Waits until no hold keeps the clock from moving to {@code time}: each such hold is released
     * or reaches its real-time limit (then it is dropped and its onExpired is queued for now).
     * Returns whether any hold was in the way.
     */
    private boolean awaitHolds(long time) {
        boolean waited = false;
        synchronized (holdLock) {
            while (true) {
                HeldWork first = null; // the one in the way whose real-time limit comes first
                for (HeldWork h : holds) {
                    if (h.deadline < time && (first == null || h.realDeadline < first.realDeadline)) {
                        first = h;
                    }
                }
                if (first == null) {
                    return waited;
                }
                waited = true;
                long left = first.realDeadline - System.nanoTime();
                if (left > 0) {
                    try {
                        holdLock.wait(left / 1_000_000, (int) (left % 1_000_000));
                        continue;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // give up waiting: the work is late
                    }
                }
                holds.remove(first);
                holdCount = holds.size();
                queue.add(new Task(now, sequence++, first.onExpired));
            }
        }
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
