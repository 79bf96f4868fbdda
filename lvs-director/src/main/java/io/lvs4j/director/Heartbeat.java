package io.lvs4j.director;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;

/**
 * Two counts that go up while a {@link Director} makes progress ({@link Director#heartbeat()}):
 * one on the director's loop, one on the event loop its health checks do their I/O on. Each goes
 * up about every {@link #PERIOD} while its loop takes tasks, and stops when the loop is stuck. A
 * watchdog compares a reading with one taken a while (several periods) earlier.
 *
 * @param loop the count of the director's loop
 * @param checks the count of the checks' event loop (every one of its threads)
 */
public record Heartbeat(long loop, long checks) {
    /** How often each count goes up while its loop is live. */
    public static final Duration PERIOD = Duration.ofMillis(200);

    /** Whether both counts went up since {@code earlier}. */
    public boolean progressedSince(Heartbeat earlier) {
        return stalledSince(earlier).isEmpty();
    }

    /**
     * What made no progress since {@code earlier}: empty, {@code the director's loop}, {@code the
     * health checks' event loop}, or both joined by {@code and}.
     */
    public String stalledSince(Heartbeat earlier) {
        Preconditions.checkNotNull(earlier, "earlier");
        boolean director = loop <= earlier.loop;
        boolean health = checks <= earlier.checks;
        if (director && health) {
            return "the director's loop and the health checks' event loop";
        }
        return director ? "the director's loop" : health ? "the health checks' event loop" : "";
    }
}
