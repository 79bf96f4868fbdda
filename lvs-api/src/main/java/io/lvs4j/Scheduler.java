package io.lvs4j;

import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPVS scheduling algorithms, by the name the kernel module and ipvsadm use.
 *
 * <p>Each has a userspace implementation in {@code io.lvs4j.sched} that makes the same choice as
 * the kernel's {@code ip_vs_<name>.c}.
 */
public enum Scheduler {
    /** Round robin. */
    RR("rr"),
    /** Weighted round robin. */
    WRR("wrr"),
    /** Least connection. */
    LC("lc"),
    /** Weighted least connection (the kernel's and ipvsadm's default). */
    WLC("wlc"),
    /** Shortest expected delay. */
    SED("sed"),
    /** Never queue. */
    NQ("nq"),
    /** Weighted failover. */
    FO("fo"),
    /** Weighted overflow. */
    OVF("ovf"),
    /** Locality-based least connection. */
    LBLC("lblc"),
    /** Locality-based least connection with replication. */
    LBLCR("lblcr"),
    /** Destination hashing. */
    DH("dh"),
    /** Source hashing. */
    SH("sh"),
    /** Maglev hashing. */
    MH("mh"),
    /** Weighted random twos choice. */
    TWOS("twos");

    private static final List<String> NAMES = new ArrayList<>();

    static {
        for (Scheduler s : values()) {
            NAMES.add(s.kernelName);
        }
    }

    private final String kernelName;

    Scheduler(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The kernel's name for it, as ipvsadm's {@code -s} takes it, e.g. {@code "wrr"}. */
    public String kernelName() {
        return kernelName;
    }

    /**
     * The scheduler of that kernel name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the valid choices
     */
    public static Scheduler of(String name) {
        Preconditions.checkNotNull(name, "scheduler");
        String n = Preconditions.lower(name.trim());
        for (Scheduler s : values()) {
            if (s.kernelName.equals(n)) {
                return s;
            }
        }
        throw Preconditions.invalid("scheduler", name, Preconditions.oneOf(NAMES));
    }

    @Override
    public String toString() {
        return kernelName;
    }
}
