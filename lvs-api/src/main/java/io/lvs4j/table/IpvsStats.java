package io.lvs4j.table;

/**
 * A virtual service's or real server's traffic counters and rates, as the kernel keeps them
 * (64-bit {@code IPVS_*_ATTR_STATS64}; from the 32-bit set when a kernel sends only that). The
 * counters run from the service's creation or the last zero (ipvsadm -Z); the rates are
 * the kernel's moving estimates, per second. What {@code ipvsadm -Ln --stats} and
 * {@code --rate} print. Values are the kernel's unsigned 64-bit numbers: one above
 * {@link Long#MAX_VALUE} reads as negative, so print with {@link Long#toUnsignedString(long)}.
 *
 * @param connections connections scheduled ({@code Conns})
 * @param packetsIn packets from clients ({@code InPkts})
 * @param packetsOut packets to clients ({@code OutPkts})
 * @param bytesIn bytes from clients ({@code InBytes})
 * @param bytesOut bytes to clients ({@code OutBytes})
 * @param connectionsPerSecond {@code CPS}
 * @param packetsInPerSecond {@code InPPS}
 * @param packetsOutPerSecond {@code OutPPS}
 * @param bytesInPerSecond {@code InBPS}
 * @param bytesOutPerSecond {@code OutBPS}
 */
public record IpvsStats(long connections, long packetsIn, long packetsOut, long bytesIn, long bytesOut,
        long connectionsPerSecond, long packetsInPerSecond, long packetsOutPerSecond, long bytesInPerSecond,
        long bytesOutPerSecond) {
    /** All counters and rates 0. */
    public static final IpvsStats ZERO = new IpvsStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
