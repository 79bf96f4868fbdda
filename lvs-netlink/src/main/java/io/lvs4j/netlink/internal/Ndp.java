package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * IPv6 neighbour discovery frames (RFC 4861) the forwarder sends: a neighbour solicitation for a
 * real server (to its solicited-node multicast group) and a neighbour advertisement for a virtual
 * address, each 86 bytes: Ethernet, IPv6 (hop limit 255), ICMPv6 with one link-layer address
 * option, checksum over the pseudo-header.
 */
public final class Ndp {
    public static final int LENGTH = 86;
    public static final int NS = 135;
    public static final int NA = 136;

    private Ndp() {}

    /** A solicitation from {@code mac}/{@code src} for {@code target}. */
    public static void solicit(ByteBuf b, int at, long mac, long srcHi, long srcLo, long tHi, long tLo) {
        long dHi = 0xFF02_0000_0000_0000L;
        long dLo = 0x0000_0001_FF00_0000L | (tLo & 0xFF_FFFFL);
        frame(b, at, 0x3333_0000_0000L | (dLo & 0xFFFF_FFFFL), mac, srcHi, srcLo, dHi, dLo, NS, 0, tHi, tLo, 1);
    }

    /** A solicited, overriding advertisement of {@code target} at {@code mac}, to {@code dst}/{@code dstMac}. */
    public static void advertise(ByteBuf b, int at, long mac, long tHi, long tLo, long dstMac, long dHi, long dLo) {
        frame(b, at, dstMac, mac, tHi, tLo, dHi, dLo, NA, 0x6000_0000, tHi, tLo, 2);
    }

    /** An unsolicited, overriding advertisement of {@code target} at {@code mac} to all nodes (ff02::1). */
    public static void announce(ByteBuf b, int at, long mac, long tHi, long tLo) {
        frame(b, at, 0x3333_0000_0001L, mac, tHi, tLo, 0xFF02_0000_0000_0000L, 1, NA, 0x2000_0000, tHi, tLo, 2);
    }

    private static void frame(ByteBuf b, int at, long ethDst, long mac, long sHi, long sLo, long dHi, long dLo,
            int type, int flags, long tHi, long tLo, int option) {
        b.setInt(at, (int) (ethDst >>> 16));
        b.setShort(at + 4, (int) ethDst);
        b.setShort(at + 6, (int) (mac >>> 32));
        b.setInt(at + 8, (int) mac);
        b.setShort(at + 12, 0x86DD);
        int ip = at + 14;
        b.setInt(ip, 0x6000_0000);
        b.setShort(ip + 4, 32);
        b.setByte(ip + 6, 58);
        b.setByte(ip + 7, 255);
        b.setLong(ip + 8, sHi);
        b.setLong(ip + 16, sLo);
        b.setLong(ip + 24, dHi);
        b.setLong(ip + 32, dLo);
        int o = ip + 40;
        b.setByte(o, type);
        b.setByte(o + 1, 0);
        b.setShort(o + 2, 0);
        b.setInt(o + 4, flags);
        b.setLong(o + 8, tHi);
        b.setLong(o + 16, tLo);
        b.setByte(o + 24, option);
        b.setByte(o + 25, 1);
        b.setShort(o + 26, (int) (mac >>> 32));
        b.setInt(o + 28, (int) mac);
        long s = 0;
        for (int i = 8; i < 40; i += 2) {
            s += b.getUnsignedShort(ip + i);
        }
        s += 32 + 58;
        for (int i = 0; i < 32; i += 2) {
            s += b.getUnsignedShort(o + i);
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        b.setShort(o + 2, (int) ~s & 0xFFFF);
    }
}
