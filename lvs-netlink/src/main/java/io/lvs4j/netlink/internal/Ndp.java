package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * IPv6 neighbour discovery frames (RFC 4861) the forwarder sends: a neighbour solicitation for a
 * real server (to its solicited-node multicast group) and a neighbour advertisement for a virtual
 * address, each 86 bytes: Ethernet, IPv6 (hop limit 255), ICMPv6 with one link-layer address
 * option, checksum over the pseudo-header. And the validation of the solicitations and
 * advertisements it receives ({@link #check}, RFC 4861 7.1.1 and 7.1.2), allocation-free.
 */
public final class Ndp {
    public static final int LENGTH = 86;
    public static final int NS = 135;
    public static final int NA = 136;
    /** The source link-layer address option. */
    public static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    /** The target link-layer address option. */
    public static final int OPTION_TARGET_LINK_ADDRESS = 2;
    /** An advertisement's flags (the byte after the ICMPv6 checksum). */
    public static final int FLAG_ROUTER = 0x80;
    public static final int FLAG_SOLICITED = 0x40;
    public static final int FLAG_OVERRIDE = 0x20;

    /** {@link #check}: a valid solicitation or advertisement. */
    public static final int VALID = 0;
    /** {@link #check}: bad lengths, not ICMPv6 NS/NA, a multicast target, a zero-length option, ... */
    public static final int MALFORMED = 1;
    /** {@link #check}: a hop limit other than 255. */
    public static final int BAD_HOP_LIMIT = 2;
    /** {@link #check}: a wrong ICMPv6 checksum. */
    public static final int BAD_CHECKSUM = 3;
    /** {@link #check}: an ICMP code other than 0. */
    public static final int BAD_CODE = 4;

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
        b.setShort(o + 2, ~sum(b, ip, 32) & 0xFFFF);
    }

    /**
     * The ones' complement sum, folded to 16 bits, of the IPv6 pseudo-header of the packet at
     * {@code ip} (addresses, {@code icmpLength}, next header 58) and its first {@code icmpLength}
     * ICMPv6 bytes: 0xFFFF when the checksum in them is right.
     */
    static int sum(ByteBuf b, int ip, int icmpLength) {
        long s = 0;
        for (int i = 8; i < 40; i += 2) {
            s += b.getUnsignedShort(ip + i);
        }
        s += icmpLength + 58;
        int o = ip + 40;
        int i = 0;
        for (; i + 1 < icmpLength; i += 2) {
            s += b.getUnsignedShort(o + i);
        }
        if (i < icmpLength) {
            s += b.getUnsignedByte(o + i) << 8;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * Validates the neighbour solicitation or advertisement in the IPv6 packet at {@code ip}, of
     * which {@code available} bytes are there (Ethernet padding may follow the packet) as RFC 4861
     * 7.1.1 and 7.1.2 ask: IPv6 with next header ICMPv6, an ICMPv6 length of 24 or more within the
     * bytes there, hop limit 255, code 0, the checksum right, the target not multicast, every
     * option of non-zero length within the message; an advertisement to a multicast address not
     * solicited; a solicitation from the unspecified address to a solicited-node group and without
     * a source link-layer address option. Reads only within {@code available} bytes.
     *
     * @return {@link #VALID}, {@link #MALFORMED}, {@link #BAD_HOP_LIMIT}, {@link #BAD_CHECKSUM} or
     *     {@link #BAD_CODE}
     */
    public static int check(ByteBuf b, int ip, int available) {
        if (available < 40 + 24 || (b.getUnsignedByte(ip) >>> 4) != 6 || b.getUnsignedByte(ip + 6) != 58) {
            return MALFORMED;
        }
        int icmpLength = b.getUnsignedShort(ip + 4);
        if (icmpLength < 24 || icmpLength > available - 40) {
            return MALFORMED;
        }
        int o = ip + 40;
        int type = b.getUnsignedByte(o);
        if (type != NS && type != NA) {
            return MALFORMED;
        }
        if (b.getUnsignedByte(ip + 7) != 255) {
            return BAD_HOP_LIMIT;
        }
        if (b.getUnsignedByte(o + 1) != 0) {
            return BAD_CODE;
        }
        if (sum(b, ip, icmpLength) != 0xFFFF) {
            return BAD_CHECKSUM;
        }
        if (b.getUnsignedByte(o + 8) == 0xFF) {
            return MALFORMED; // a multicast target
        }
        int end = o + icmpLength;
        boolean sourceOption = false;
        for (int at = o + 24; at < end;) {
            if (end - at < 2) {
                return MALFORMED;
            }
            int n = b.getUnsignedByte(at + 1) * 8;
            if (n == 0 || n > end - at) {
                return MALFORMED;
            }
            sourceOption |= b.getUnsignedByte(at) == OPTION_SOURCE_LINK_ADDRESS;
            at += n;
        }
        boolean toMulticast = b.getUnsignedByte(ip + 24) == 0xFF;
        if (type == NA) {
            return toMulticast && (b.getUnsignedByte(o + 4) & FLAG_SOLICITED) != 0 ? MALFORMED : VALID;
        }
        if (b.getLong(ip + 8) == 0 && b.getLong(ip + 16) == 0) { // duplicate address detection
            boolean solicitedNode = b.getLong(ip + 24) == 0xFF02_0000_0000_0000L
                    && (b.getLong(ip + 32) & 0xFFFF_FFFF_FF00_0000L) == 0x0000_0001_FF00_0000L;
            if (!solicitedNode || sourceOption) {
                return MALFORMED;
            }
        }
        return VALID;
    }

    /**
     * The MAC in the first link-layer address option of {@code type} (8 bytes, as on Ethernet) of
     * the message at {@code ip}, which {@link #check} found valid; -1 when there is none.
     */
    public static long linkAddressOption(ByteBuf b, int ip, int type) {
        int o = ip + 40;
        int end = o + b.getUnsignedShort(ip + 4);
        for (int at = o + 24; at + 2 <= end;) {
            int n = b.getUnsignedByte(at + 1) * 8;
            if (n == 0 || n > end - at) {
                return -1;
            }
            if (b.getUnsignedByte(at) == type) {
                return n == 8 ? (b.getUnsignedShort(at + 2) & 0xFFFFL) << 32 | b.getUnsignedInt(at + 4) : -1;
            }
            at += n;
        }
        return -1;
    }
}
