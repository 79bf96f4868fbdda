package io.lvs4j.packet;

import io.lvs4j.internal.Preconditions;
import java.util.EnumMap;
import java.util.Map;

/** Per-reason drop counters of one packet path (single-threaded, like the path). */
public final class DropCounters {
    private final long[] counts = new long[DropReason.values().length];

    /** Counts a drop; returns the reason's ordinal. */
    int drop(DropReason reason) {
        counts[reason.ordinal()]++;
        return reason.ordinal();
    }

    /** How many packets were dropped for that reason. */
    public long count(DropReason reason) {
        Preconditions.checkNotNull(reason, "drop reason");
        return counts[reason.ordinal()];
    }

    /** All drops. */
    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** A snapshot of the non-zero counters. */
    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            if (counts[r.ordinal()] != 0) {
                m.put(r, counts[r.ordinal()]);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "DropCounters" + snapshot();
    }
}
