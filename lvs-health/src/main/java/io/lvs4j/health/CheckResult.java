package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The outcome of one check: up, or down with a {@link FailureReason} and a human-readable detail;
 * the latency from the start of the check; and, for checkers that set it (MISC_CHECK with
 * {@code misc_dynamic}, FILE_CHECK), a weight.
 */
public final class CheckResult {
    private final boolean up;
    private final FailureReason reason;
    private final String detail;
    private final long latencyNanos;
    private final int weight;

    private CheckResult(boolean up, FailureReason reason, String detail, long latencyNanos, int weight) {
        this.up = up;
        this.reason = reason;
        this.detail = detail;
        this.latencyNanos = latencyNanos;
        this.weight = weight;
    }

    /** A passed check. */
    public static CheckResult up(long latencyNanos) {
        return new CheckResult(true, FailureReason.NONE, "ok", checkLatency(latencyNanos), -1);
    }

    /** A passed check that sets the real server's weight (0..65535). */
    public static CheckResult up(long latencyNanos, int weight) {
        Preconditions.checkInRange(weight, 0, io.lvs4j.RealServer.MAX_WEIGHT, "weight");
        return new CheckResult(true, FailureReason.NONE, "ok, weight " + weight, checkLatency(latencyNanos), weight);
    }

    /** A failed check. */
    public static CheckResult down(FailureReason reason, String detail, long latencyNanos) {
        Preconditions.checkNotNull(reason, "reason");
        Preconditions.checkArgument(reason != FailureReason.NONE, "reason", reason, "a failure reason, not NONE");
        Preconditions.checkNotNull(detail, "detail");
        return new CheckResult(false, reason, detail, checkLatency(latencyNanos), -1);
    }

    private static long checkLatency(long latencyNanos) {
        return Preconditions.checkInRange(latencyNanos, 0, Long.MAX_VALUE, "latencyNanos");
    }

    public boolean isUp() {
        return up;
    }

    /** {@link FailureReason#NONE} when up. */
    public FailureReason reason() {
        return reason;
    }

    /** What happened, e.g. {@code status 503 (expected: 200-299)}. */
    public String detail() {
        return detail;
    }

    public long latencyNanos() {
        return latencyNanos;
    }

    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    /** The weight this result sets, if any. */
    public OptionalInt weight() {
        return weight < 0 ? OptionalInt.empty() : OptionalInt.of(weight);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckResult r && up == r.up && reason == r.reason && detail.equals(r.detail)
                && latencyNanos == r.latencyNanos && weight == r.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(up, reason, detail, latencyNanos, weight);
    }

    @Override
    public String toString() {
        return (up ? "UP" : "DOWN " + reason) + " (" + detail + ") in " + latencyNanos / 1_000_000 + " ms";
    }
}
