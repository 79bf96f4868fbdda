package io.lvs4j.netlink.internal;

import java.net.InetAddress;

/**
 * A destination (real server) as the IPVS family carries it. {@code tunType} is -1 when no tunnel
 * attributes are sent or were received. Counters and stats are 0/null in requests.
 */
public record DestAttrs(int af, InetAddress addr, int port, int fwdMethod, int weight,
        int upperThreshold, int lowerThreshold, int activeConns, int inactiveConns, int persistentConns,
        Stats stats, Stats stats64, int tunType, int tunPort, int tunFlags) {

    public static DestAttrs key(int af, InetAddress addr, int port) {
        return new DestAttrs(af, addr, port, 0, 0, 0, 0, 0, 0, 0, null, null, -1, 0, 0);
    }

    public String describe() {
        return SvcAttrs.endpoint(addr, port);
    }
}
