package io.lvs4j;

import io.lvs4j.internal.Preconditions;
import java.util.List;

/**
 * Scheduler flags, as ipvsadm's {@code -b} spells them. The kernel has three generic bits
 * ({@code IP_VS_SVC_F_SCHED1..3}); sh and mh give the first two a meaning.
 */
public enum SchedulerFlag {
    /** {@code flag-1}: IP_VS_SVC_F_SCHED1. */
    FLAG_1("flag-1", 0x0008, null),
    /** {@code flag-2}: IP_VS_SVC_F_SCHED2. */
    FLAG_2("flag-2", 0x0010, null),
    /** {@code flag-3}: IP_VS_SVC_F_SCHED3. */
    FLAG_3("flag-3", 0x0020, null),
    /** {@code sh-fallback}: sh skips an unavailable server (SCHED1). */
    SH_FALLBACK("sh-fallback", 0x0008, Scheduler.SH),
    /** {@code sh-port}: sh hashes the source port too (SCHED2). */
    SH_PORT("sh-port", 0x0010, Scheduler.SH),
    /** {@code mh-fallback}: mh skips an unavailable server (SCHED1). */
    MH_FALLBACK("mh-fallback", 0x0008, Scheduler.MH),
    /** {@code mh-port}: mh hashes the source port too (SCHED2). */
    MH_PORT("mh-port", 0x0010, Scheduler.MH);

    private static final List<String> NAMES =
            List.of("flag-1", "flag-2", "flag-3", "sh-fallback", "sh-port", "mh-fallback", "mh-port");

    private final String ipvsadmName;
    private final int bit;
    private final Scheduler onlyFor;

    SchedulerFlag(String ipvsadmName, int bit, Scheduler onlyFor) {
        this.ipvsadmName = ipvsadmName;
        this.bit = bit;
        this.onlyFor = onlyFor;
    }

    /** The spelling ipvsadm uses, e.g. {@code "sh-port"}. */
    public String ipvsadmName() {
        return ipvsadmName;
    }

    /** The bit in the kernel's service flags ({@code IPVS_SVC_ATTR_FLAGS}). */
    public int bit() {
        return bit;
    }

    /** The only scheduler this named flag applies to, or {@code null} for flag-1..3. */
    public Scheduler onlyFor() {
        return onlyFor;
    }

    /** The flag of that ipvsadm spelling. */
    public static SchedulerFlag of(String name) {
        Preconditions.checkNotNull(name, "scheduler flag");
        String n = Preconditions.lower(name.trim());
        for (SchedulerFlag f : values()) {
            if (f.ipvsadmName.equals(n)) {
                return f;
            }
        }
        throw Preconditions.invalid("scheduler flag", name, Preconditions.oneOf(NAMES));
    }

    @Override
    public String toString() {
        return ipvsadmName;
    }
}
