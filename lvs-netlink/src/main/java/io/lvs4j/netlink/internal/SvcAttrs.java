package io.lvs4j.netlink.internal;

import java.net.InetAddress;

/**
 * A virtual service as the IPVS family carries it. A fwmark service has {@code fwmark != 0},
 * {@code addr == null}, {@code protocol == 0} and {@code port == 0}. {@code netmask} is the IPv4
 * mask as a big-endian int ({@code 0xffffff00} for /24) or the IPv6 prefix length. Stats are null
 * in requests.
 */
public record SvcAttrs(int af, int protocol, InetAddress addr, int port, int fwmark, String scheduler,
        int flags, int flagsMask, int timeout, int netmask, String pe, Stats stats, Stats stats64) {

    /** The key of a service: what DEL, GET and the destination commands need. */
    public static SvcAttrs key(int af, int protocol, InetAddress addr, int port) {
        return new SvcAttrs(af, protocol, addr, port, 0, null, 0, 0, 0, 0, null, null, null);
    }

    public static SvcAttrs fwmarkKey(int af, int fwmark) {
        return new SvcAttrs(af, 0, null, 0, fwmark, null, 0, 0, 0, 0, null, null, null);
    }

    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** {@code TCP 192.0.2.10:80}, {@code UDP [2001:db8::1]:53}, {@code FWM 7 IPv4}. */
    public String describe() {
        if (isFwmark()) {
            return "FWM " + Integer.toUnsignedString(fwmark) + (af == 10 ? " IPv6" : "");
        }
        return protocolName(protocol) + " " + endpoint(addr, port);
    }

    static String protocolName(int p) {
        switch (p) {
            case 6: return "TCP";
            case 17: return "UDP";
            case 132: return "SCTP";
            default: return "protocol " + p;
        }
    }

    static String endpoint(InetAddress a, int port) {
        if (a == null) {
            return "?:" + port;
        }
        return io.lvs4j.internal.Addresses.endpoint(a, port);
    }
}
