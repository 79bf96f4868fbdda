package io.lvs4j.health;

import io.lvs4j.internal.FatalErrors;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The liveness signal of the checks' event loop ({@link HealthMonitor#heartbeat()}): in rounds, a
 * small task on every thread of the group; when the last of a round has run the count goes up and
 * the next round starts {@link #PERIOD_MILLIS} later. One thread that takes no task (blocked by a
 * checker, say) stops the count. Real time, whatever clock the monitor's own logic runs on: it
 * reports on real threads.
 */
final class EventLoopHeartbeat {
    static final long PERIOD_MILLIS = 200;

    private final EventLoopGroup group;
    private final AtomicLong beats = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopped;

    EventLoopHeartbeat(EventLoopGroup group) {
        this.group = group;
    }

    void start() {
        if (started.compareAndSet(false, true)) {
            round();
        }
    }

    void stop() {
        stopped = true;
    }

    long count() {
        return beats.get();
    }

    private void round() {
        if (stopped) {
            return;
        }
        List<EventExecutor> executors = new ArrayList<>();
        group.forEach(executors::add);
        pending.set(executors.size());
        for (EventExecutor e : executors) {
            try {
                e.execute(FatalErrors.guard(() -> arrived(e)));
            } catch (RejectedExecutionException x) {
                return; // shutting down: no more beats
            }
        }
    }

    private void arrived(EventExecutor on) {
        if (pending.decrementAndGet() != 0 || stopped) {
            return;
        }
        beats.incrementAndGet();
        try {
            on.schedule(FatalErrors.guard(this::round), PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException x) {
            // shutting down
        }
    }
}
