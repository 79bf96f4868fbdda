package io.lvs4j.director;

import io.lvs4j.time.Scheduler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The liveness signal of the director's loop ({@link Director#heartbeat()}): a task on the loop
 * that counts and schedules itself again {@link Heartbeat#PERIOD} later. A loop stuck in a task
 * (a blocked listener, a netlink call that never returns) stops the count.
 */
final class LoopHeartbeat {
    private static final long PERIOD_NANOS = Heartbeat.PERIOD.toNanos();

    private final AtomicLong beats = new AtomicLong();
    private Scheduler loop;

    /** Starts counting on {@code loop}; on the loop's thread. The loop's shutdown ends it. */
    void start(Scheduler loop) {
        if (this.loop == null) {
            this.loop = loop;
            beat();
        }
    }

    long count() {
        return beats.get();
    }

    private void beat() {
        beats.incrementAndGet();
        loop.schedule(PERIOD_NANOS, this::beat);
    }
}
