package io.lvs4j.vrrp;

import java.util.EnumMap;
import java.util.Map;

/**
 * Packet counters of one router: adverts sent and accepted, drops by {@link DropReason}, and the
 * non-fatal findings keepalived also counts (address list differing from the configured one,
 * priority 0 received). Read from the router's thread, or accept a racy snapshot.
 */
public final class VrrpStatistics {
    private final long[] drops = new long[DropReason.values().length];
    private long sent;
    private long accepted;
    private long addressListMismatches;
    private long priorityZeroReceived;

    /**
     * A copy of the counters now, to hand to another thread (a director publishing its state, a
     * meter): read on the router's thread it is exact, elsewhere racy as any read.
     */
    public VrrpStatistics copy() {
        VrrpStatistics c = new VrrpStatistics();
        System.arraycopy(drops, 0, c.drops, 0, drops.length);
        c.sent = sent;
        c.accepted = accepted;
        c.addressListMismatches = addressListMismatches;
        c.priorityZeroReceived = priorityZeroReceived;
        return c;
    }

    void countDrop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    void countSent() {
        sent++;
    }

    void countAccepted() {
        accepted++;
    }

    void countAddressListMismatch() {
        addressListMismatches++;
    }

    void countPriorityZero() {
        priorityZeroReceived++;
    }

    /** Packets dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** Packets dropped for any reason. */
    public long droppedTotal() {
        long n = 0;
        for (long d : drops) {
            n += d;
        }
        return n;
    }

    /** The non-zero drop counters. */
    public Map<DropReason, Long> drops() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] != 0) {
                m.put(r, drops[r.ordinal()]);
            }
        }
        return m;
    }

    public long advertisementsSent() {
        return sent;
    }

    public long advertisementsAccepted() {
        return accepted;
    }

    /** Accepted adverts whose address list differs from the configured one (counted, not dropped, as keepalived). */
    public long addressListMismatches() {
        return addressListMismatches;
    }

    public long priorityZeroReceived() {
        return priorityZeroReceived;
    }

    @Override
    public String toString() {
        return "VrrpStatistics[sent=" + sent + ", accepted=" + accepted + ", drops=" + drops()
                + ", addressListMismatches=" + addressListMismatches + ", priorityZero=" + priorityZeroReceived + "]";
    }
}
