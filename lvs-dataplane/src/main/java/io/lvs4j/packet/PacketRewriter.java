package io.lvs4j.packet;

import io.lvs4j.internal.Preconditions;
import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32C;

/**
 * Rewrites a packet in place for the three IPVS forwarding methods, allocating nothing. Works on a
 * packet that {@link PacketHeaders} parsed successfully (the headers say where everything is);
 * the buffer's bytes must not change between parse and rewrite.
 *
 * <ul>
 *   <li><b>NAT</b>: inbound, the destination address and port become the real server's; outbound,
 *       the source becomes the virtual address and port. The IPv4 header checksum and the TCP and
 *       UDP checksums are updated incrementally (RFC 1624); an IPv4 UDP checksum of 0 (none) stays
 *       0 and a computed 0 is sent as 0xFFFF. SCTP's CRC32c is recomputed over the packet.</li>
 *   <li><b>ICMP errors</b> quoting a connection's packet: the outer address, the quoted address
 *       and port and the quoted IPv4 header checksum are rewritten; the ICMP checksum is
 *       recomputed (ICMPv6 over its pseudo-header). As in the kernel, the quoted transport
 *       checksum is left alone.</li>
 *   <li><b>DR</b>: the Ethernet destination and source addresses.</li>
 *   <li><b>TUN</b>: IPIP (IPv4 in IPv4, protocol 4), GRE and GUE over IPv4, or IPv6 in IPv6 (next
 *       header 41): an outer
 *       header in front of the packet, in the buffer's headroom, with the inner DSCP/ECN, TTL or
 *       hop limit and (IPv4) DF copied and a computed header checksum. For a frame the Ethernet
 *       header moves in front of it.</li>
 * </ul>
 * Not thread-safe (it holds a CRC32c state); one per packet thread.
 */
public final class PacketRewriter {
    private final CRC32C crc = new CRC32C();
    private int ipId;

    /** Rewrites an inbound NAT packet's IPv4 destination (host order) and port. */
    public DropReason natInboundIpv4(PacketHeaders h, int daddr, int dport) {
        check(h, 4);
        return natInbound(h, 0, daddr & 0xFFFFFFFFL, dport);
    }

    /** Rewrites an inbound NAT packet's IPv6 destination (upper, lower 64 bits) and port. */
    public DropReason natInboundIpv6(PacketHeaders h, long dHigh, long dLow, int dport) {
        check(h, 6);
        return natInbound(h, dHigh, dLow, dport);
    }

    /** Rewrites an outbound NAT packet's IPv4 source (host order) and port. */
    public DropReason natOutboundIpv4(PacketHeaders h, int saddr, int sport) {
        check(h, 4);
        return natOutbound(h, 0, saddr & 0xFFFFFFFFL, sport);
    }

    /** Rewrites an outbound NAT packet's IPv6 source and port. */
    public DropReason natOutboundIpv6(PacketHeaders h, long sHigh, long sLow, int sport) {
        check(h, 6);
        return natOutbound(h, sHigh, sLow, sport);
    }

    private static void check(PacketHeaders h, int version) {
        Preconditions.checkNotNull(h, "headers");
        if (h.buf == null || h.version != version || h.icmpError) {
            throw new IllegalArgumentException(Preconditions.message("headers", "IPv" + h.version
                    + (h.icmpError ? " ICMP error" : ""), "a parsed IPv" + version + " transport packet"));
        }
    }

    DropReason natInbound(PacketHeaders h, long hi, long lo, int port) {
        ByteBuf b = h.buf;
        int ip = h.ipOffset;
        if (h.version == 4) {
            int old = (int) h.dstLo;
            b.setShort(ip + 10, Checksums.update32(b.getUnsignedShort(ip + 10), old, (int) lo));
            b.setInt(ip + 16, (int) lo);
        } else {
            b.setLong(ip + 24, hi);
            b.setLong(ip + 32, lo);
        }
        DropReason r = l4(h, h.dstHi, h.dstLo, hi, lo, h.dport, port, 2);
        h.dstHi = hi;
        h.dstLo = lo;
        h.dport = port;
        return r;
    }

    DropReason natOutbound(PacketHeaders h, long hi, long lo, int port) {
        ByteBuf b = h.buf;
        int ip = h.ipOffset;
        if (h.version == 4) {
            int old = (int) h.srcLo;
            b.setShort(ip + 10, Checksums.update32(b.getUnsignedShort(ip + 10), old, (int) lo));
            b.setInt(ip + 12, (int) lo);
        } else {
            b.setLong(ip + 8, hi);
            b.setLong(ip + 16, lo);
        }
        DropReason r = l4(h, h.srcHi, h.srcLo, hi, lo, h.sport, port, 0);
        h.srcHi = hi;
        h.srcLo = lo;
        h.sport = port;
        return r;
    }

    /** Writes the port at {@code portAt} of the transport header and fixes its checksum. */
    private DropReason l4(PacketHeaders h, long oldHi, long oldLo, long newHi, long newLo, int oldPort, int newPort,
            int portAt) {
        ByteBuf b = h.buf;
        int o = h.l4Offset;
        b.setShort(o + portAt, newPort);
        int at;
        if (h.protocol == PacketHeaders.TCP) {
            at = o + 16;
        } else if (h.protocol == PacketHeaders.UDP) {
            at = o + 6;
            if (h.version == 4 && b.getUnsignedShort(at) == 0) {
                return null; // no checksum
            }
        } else {
            return sctpChecksum(h);
        }
        int c = b.getUnsignedShort(at);
        if (h.version == 4) {
            c = Checksums.update32(c, (int) oldLo, (int) newLo);
        } else {
            c = Checksums.update128(c, oldHi, oldLo, newHi, newLo);
        }
        c = Checksums.update16(c, oldPort, newPort);
        if (c == 0 && h.protocol == PacketHeaders.UDP) {
            c = 0xFFFF;
        }
        b.setShort(at, c);
        return null;
    }

    /** Recomputes the SCTP CRC32c (RFC 4960 appendix B; stored little-endian as Linux does). */
    private DropReason sctpChecksum(PacketHeaders h) {
        ByteBuf b = h.buf;
        int o = h.l4Offset;
        int len = h.l4Length;
        b.setInt(o + 8, 0);
        crc.reset();
        if (b.hasArray()) {
            crc.update(b.array(), b.arrayOffset() + o, len);
        } else if (b.nioBufferCount() == 1) {
            crc.update(b.internalNioBuffer(o, len));
        } else {
            return DropReason.UNSUPPORTED_BUFFER;
        }
        b.setIntLE(o + 8, (int) crc.getValue());
        return null;
    }

    // ------------------------------------------------------------------ ICMP

    /**
     * An ICMP error from the client side quoting a packet the director sent (from the virtual
     * address and port): the outer destination, the quoted source address and port become the
     * real server's.
     */
    DropReason icmpInbound(PacketHeaders h, long hi, long lo, int port) {
        ByteBuf b = h.buf;
        int ip = h.ipOffset;
        int in = h.innerOffset;
        if (h.version == 4) {
            b.setShort(ip + 10, Checksums.update32(b.getUnsignedShort(ip + 10), (int) h.dstLo, (int) lo));
            b.setInt(ip + 16, (int) lo);
            b.setShort(in + 10, Checksums.update32(b.getUnsignedShort(in + 10), (int) h.innerSrcLo, (int) lo));
            b.setInt(in + 12, (int) lo);
        } else {
            b.setLong(ip + 24, hi);
            b.setLong(ip + 32, lo);
            b.setLong(in + 8, hi);
            b.setLong(in + 16, lo);
        }
        h.dstHi = hi;
        h.dstLo = lo;
        b.setShort(h.innerL4Offset, port);
        icmpChecksum(h);
        return null;
    }

    /**
     * An ICMP error from a real server quoting a packet it received from the director (to the
     * real server): the outer source, the quoted destination address and port become the virtual
     * ones.
     */
    DropReason icmpOutbound(PacketHeaders h, long hi, long lo, int port) {
        ByteBuf b = h.buf;
        int ip = h.ipOffset;
        int in = h.innerOffset;
        if (h.version == 4) {
            b.setShort(ip + 10, Checksums.update32(b.getUnsignedShort(ip + 10), (int) h.srcLo, (int) lo));
            b.setInt(ip + 12, (int) lo);
            b.setShort(in + 10, Checksums.update32(b.getUnsignedShort(in + 10), (int) h.innerDstLo, (int) lo));
            b.setInt(in + 16, (int) lo);
        } else {
            b.setLong(ip + 8, hi);
            b.setLong(ip + 16, lo);
            b.setLong(in + 24, hi);
            b.setLong(in + 32, lo);
        }
        h.srcHi = hi;
        h.srcLo = lo;
        b.setShort(h.innerL4Offset + 2, port);
        icmpChecksum(h);
        return null;
    }

    private static void icmpChecksum(PacketHeaders h) {
        ByteBuf b = h.buf;
        int o = h.l4Offset;
        b.setShort(o + 2, 0);
        long s = Checksums.sum(b, o, h.l4Length);
        if (h.version == 6) {
            s += Checksums.sumAddress(h.srcHi, h.srcLo) + Checksums.sumAddress(h.dstHi, h.dstLo) + h.l4Length
                    + PacketHeaders.ICMPV6;
        }
        b.setShort(o + 2, Checksums.finish(s));
    }

    // ------------------------------------------------------------------ DR

    /**
     * Direct routing: writes the destination and source MAC addresses (48 bits each, in the low
     * bits of the longs) of the Ethernet header at {@code ethOffset}.
     */
    public static void directRoute(ByteBuf frame, int ethOffset, long dstMac, long srcMac) {
        Preconditions.checkNotNull(frame, "frame");
        if (ethOffset < 0 || ethOffset > frame.capacity() - 12) {
            throw Preconditions.invalid("ethernet offset", ethOffset, "0.." + (frame.capacity() - 12));
        }
        directRouteU(frame, ethOffset, dstMac, srcMac);
    }

    static void directRouteU(ByteBuf frame, int e, long dstMac, long srcMac) {
        frame.setInt(e, (int) (dstMac >>> 16));
        frame.setShort(e + 4, (int) dstMac);
        frame.setShort(e + 6, (int) (srcMac >>> 32));
        frame.setInt(e + 8, (int) srcMac);
    }

    // ------------------------------------------------------------------ TUN

    /**
     * IPIP: puts an outer IPv4 header (source {@code saddr}, destination {@code daddr}, host order)
     * in front of a parsed IPv4 packet, moving the Ethernet header of a frame in front of it. Needs
     * 20 bytes of headroom before the packet (before the frame, for a frame); moves the reader index
     * back and trims the writer index to the packet's end.
     */
    public DropReason tunnelIpv4(PacketHeaders h, int saddr, int daddr) {
        checkParsed(h, 4);
        return ipip(h, saddr, daddr);
    }

    /** IPv6-in-IPv6 (next header 41), as {@link #tunnelIpv4}; needs 40 bytes of headroom. */
    public DropReason tunnelIpv6(PacketHeaders h, long sHigh, long sLow, long dHigh, long dLow) {
        checkParsed(h, 6);
        return ip6ip6(h, sHigh, sLow, dHigh, dLow);
    }

    private static void checkParsed(PacketHeaders h, int version) {
        Preconditions.checkNotNull(h, "headers");
        if (h.buf == null || h.version != version) {
            throw Preconditions.invalid("headers", "IPv" + h.version, "a parsed IPv" + version + " packet");
        }
    }

    /**
     * GRE (protocol 47) over IPv4 for a parsed IPv4 packet, as the kernel's IPVS GRE tunnel: a
     * 4-byte GRE header with protocol 0x0800, or 8 bytes with the checksum flag and an Internet
     * checksum over the GRE header and packet. Needs 24 (28) bytes of headroom.
     */
    public DropReason tunnelGreIpv4(PacketHeaders h, int saddr, int daddr, boolean checksum) {
        checkParsed(h, 4);
        return gre4(h, saddr, daddr, checksum);
    }

    /**
     * GUE (RFC draft, variant 0) over UDP over IPv4 for a parsed IPv4 packet, as the kernel's IPVS
     * GUE tunnel without checksum options: UDP from {@code sport} (the kernel hashes the flow) to
     * the destination's tunnel port, UDP checksum 0, a 4-byte GUE header with protocol 4 (IPIP).
     * Needs 32 bytes of headroom.
     */
    public DropReason tunnelGueIpv4(PacketHeaders h, int saddr, int daddr, int sport, int dport) {
        return tunnelGueIpv4(h, saddr, daddr, sport, dport, false);
    }

    /**
     * GUE as {@link #tunnelGueIpv4(PacketHeaders, int, int, int, int)}; with {@code checksum}
     * ({@code --tun-csum}) the outer UDP checksum is computed over the pseudo-header, the GUE
     * header and the packet (a computed 0 is sent as 0xFFFF), as the kernel does for that flag.
     */
    public DropReason tunnelGueIpv4(PacketHeaders h, int saddr, int daddr, int sport, int dport, boolean checksum) {
        checkParsed(h, 4);
        if ((sport & ~0xFFFF) != 0 || (dport & ~0xFFFF) != 0) {
            throw Preconditions.invalid("tunnel ports", sport + ", " + dport, "0..65535");
        }
        return gue4(h, saddr, daddr, sport, dport, checksum);
    }

    DropReason gue4(PacketHeaders h, int saddr, int daddr, int sport, int dport, boolean checksum) {
        DropReason r = encap4(h, saddr, daddr, 17, 12);
        if (r != null) {
            return r;
        }
        ByteBuf b = h.buf;
        int u = h.ipOffset + 20;
        int len = h.ipLength - 20;
        b.setShort(u, sport);
        b.setShort(u + 2, dport);
        b.setShort(u + 4, len);
        b.setShort(u + 6, 0);
        b.setInt(u + 8, 4 << 16); // version 0, C 0, hlen 0, proto_ctype 4, flags 0
        if (checksum) {
            long s = Checksums.sum(b, u, len) + (saddr >>> 16) + (saddr & 0xFFFF) + (daddr >>> 16) + (daddr & 0xFFFF)
                    + PacketHeaders.UDP + len;
            int c = Checksums.finish(s);
            b.setShort(u + 6, c == 0 ? 0xFFFF : c);
        }
        return null;
    }

    DropReason gre4(PacketHeaders h, int saddr, int daddr, boolean checksum) {
        int extra = checksum ? 8 : 4;
        DropReason r = encap4(h, saddr, daddr, 47, extra);
        if (r != null) {
            return r;
        }
        ByteBuf b = h.buf;
        int g = h.ipOffset + 20;
        b.setShort(g, checksum ? 0x8000 : 0);
        b.setShort(g + 2, 0x0800);
        if (checksum) {
            b.setInt(g + 4, 0);
            b.setShort(g + 4, Checksums.finish(Checksums.sum(b, g, h.ipLength - 20)));
        }
        return null;
    }

    DropReason ipip(PacketHeaders h, int saddr, int daddr) {
        return encap4(h, saddr, daddr, 4, 0);
    }

    /**
     * Puts a 20-byte outer IPv4 header of that protocol, followed by {@code extra} bytes for the
     * caller to fill, in front of the packet; afterwards {@code h.ipOffset} is the outer header and
     * {@code h.ipLength} the outer total length.
     */
    private DropReason encap4(PacketHeaders h, int saddr, int daddr, int protocol, int extra) {
        ByteBuf b = h.buf;
        int add = 20 + extra;
        int start = h.ethOffset >= 0 ? h.ethOffset : h.ipOffset;
        if (start < add) {
            return DropReason.NO_HEADROOM;
        }
        int ip = h.ipOffset;
        int inner = h.ipLength;
        if (inner + add > 0xFFFF) {
            return DropReason.BAD_LENGTH;
        }
        if (h.ethOffset >= 0) {
            moveEthernet(b, h.ethOffset, add);
            h.ethOffset -= add;
        }
        int o = ip - add;
        // the header is built in registers and its checksum summed from the same words: three
        // writes, no read-back
        int first = 0x4500 | (b.getInt(ip) >>> 16 & 0xFF); // version 4, IHL 5, the inner TOS
        int df = b.getInt(ip + 4) & 0x4000;
        int ttlProto = b.getUnsignedByte(ip + 8) << 8 | protocol;
        int id = df != 0 ? 0 : (ipId = (ipId + 1) & 0xFFFF);
        int total = inner + add;
        long sum = first + total + id + df + ttlProto + (saddr >>> 16) + (saddr & 0xFFFF) + (daddr >>> 16)
                + (daddr & 0xFFFF);
        b.setLong(o, (long) first << 48 | (long) total << 32 | (long) id << 16 | df);
        b.setLong(o + 8, (long) ttlProto << 48 | (long) Checksums.finish(sum) << 32 | (saddr & 0xFFFFFFFFL));
        b.setInt(o + 16, daddr);
        b.setIndex(h.ethOffset >= 0 ? h.ethOffset : o, ip + inner);
        h.ipOffset = o;
        h.ipLength = inner + add;
        return null;
    }

    DropReason ip6ip6(PacketHeaders h, long sHi, long sLo, long dHi, long dLo) {
        ByteBuf b = h.buf;
        int start = h.ethOffset >= 0 ? h.ethOffset : h.ipOffset;
        if (start < 40) {
            return DropReason.NO_HEADROOM;
        }
        int ip = h.ipOffset;
        int inner = h.ipLength;
        if (inner > 0xFFFF) {
            return DropReason.BAD_LENGTH;
        }
        if (h.ethOffset >= 0) {
            moveEthernet(b, h.ethOffset, 40);
            h.ethOffset -= 40;
        }
        int o = ip - 40;
        int first = b.getInt(ip) & 0xFFF00000 | 0x60000000; // version, traffic class; flow label 0
        b.setInt(o, first);
        b.setShort(o + 4, inner);
        b.setShort(o + 6, 41 << 8 | b.getUnsignedByte(ip + 7));
        b.setLong(o + 8, sHi);
        b.setLong(o + 16, sLo);
        b.setLong(o + 24, dHi);
        b.setLong(o + 32, dLo);
        b.writerIndex(ip + inner);
        b.readerIndex(h.ethOffset >= 0 ? h.ethOffset : o);
        h.ipOffset = o;
        h.ipLength = inner + 40;
        return null;
    }

    private static void moveEthernet(ByteBuf b, int e, int by) {
        long macs = b.getLong(e);
        int rest = b.getInt(e + 8);
        int type = b.getUnsignedShort(e + 12);
        b.setLong(e - by, macs);
        b.setInt(e - by + 8, rest);
        b.setShort(e - by + 12, type);
    }
}
