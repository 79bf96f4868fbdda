package io.lvs4j.packet;

import io.lvs4j.internal.Preconditions;
import io.netty.buffer.ByteBuf;

/**
 * A reusable view of one packet's headers, filled by {@link #parseFrame} or {@link #parseIp}
 * without allocating. Parsing validates everything the rewrite touches: after a successful parse
 * (a {@code null} result) every offset below lies inside the buffer, so {@link PacketRewriter}
 * can write without further checks.
 *
 * <p>What is accepted: Ethernet II frames carrying IPv4 (EtherType 0x0800) or IPv6 (0x86DD), or
 * bare IP packets; IPv4 without options, not fragmented, with a correct header checksum and a
 * total length within the buffer (trailing bytes, such as Ethernet padding, are ignored); IPv6
 * whose next header is the transport (no extension headers); TCP, UDP and SCTP with consistent
 * lengths; ICMP and ICMPv6 errors quoting an IPv4/IPv6 TCP, UDP or SCTP packet with at least its
 * ports. Everything else yields a {@link DropReason}.
 *
 * <p>Addresses are held as two longs (upper and lower 64 bits); an IPv4 address is in the lower
 * 32 bits of {@code lo} with {@code hi} 0. Not thread-safe: one per packet thread.
 */
public final class PacketHeaders {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int SCTP = 132;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;

    ByteBuf buf;
    int ethOffset;
    int ipOffset;
    int version;
    int ipHeaderLength;
    int ipLength;
    int protocol;
    int l4Offset;
    int l4Length;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int sport;
    int dport;
    int tcpFlags;
    int sctpChunk;
    int icmpType;
    boolean icmpError;
    int innerOffset;
    int innerHeaderLength;
    int innerProtocol;
    int innerL4Offset;
    long innerSrcHi;
    long innerSrcLo;
    long innerDstHi;
    long innerDstLo;
    int innerSport;
    int innerDport;

    /**
     * Parses an Ethernet II frame starting at the buffer's reader index.
     *
     * @return {@code null} if the packet is usable, else why it must be dropped
     */
    public DropReason parseFrame(ByteBuf frame) {
        Preconditions.checkNotNull(frame, "frame");
        int off = frame.readerIndex();
        if (frame.writerIndex() - off < 14) {
            return DropReason.TRUNCATED;
        }
        int type = frame.getUnsignedShort(off + 12);
        int expect;
        if (type == 0x0800) {
            expect = 4;
        } else if (type == 0x86DD) {
            expect = 6;
        } else {
            return DropReason.BAD_VERSION;
        }
        DropReason r = ip(frame, off + 14, expect);
        ethOffset = off;
        return r;
    }

    /** Parses a bare IPv4 or IPv6 packet starting at the buffer's reader index. */
    public DropReason parseIp(ByteBuf packet) {
        Preconditions.checkNotNull(packet, "packet");
        DropReason r = ip(packet, packet.readerIndex(), 0);
        ethOffset = -1;
        return r;
    }

    private DropReason ip(ByteBuf b, int off, int expect) {
        this.buf = b;
        this.ipOffset = off;
        this.icmpError = false;
        int end = b.writerIndex();
        int avail = end - off;
        if (avail < 1) {
            return DropReason.TRUNCATED;
        }
        int v = b.getUnsignedByte(off) >>> 4;
        if (v != 4 && v != 6 || expect != 0 && v != expect) {
            return DropReason.BAD_VERSION;
        }
        version = v;
        if (v == 4) {
            if (avail < 20) {
                return DropReason.TRUNCATED;
            }
            int ihl = (b.getUnsignedByte(off) & 0xF) << 2;
            if (ihl < 20 || ihl > avail) {
                return DropReason.BAD_IHL;
            }
            if (ihl > 20) {
                return DropReason.OPTIONS;
            }
            int total = b.getUnsignedShort(off + 2);
            if (total < ihl || total > avail) {
                return DropReason.BAD_LENGTH;
            }
            if ((b.getUnsignedShort(off + 6) & 0x3FFF) != 0) {
                return DropReason.FRAGMENT;
            }
            if (Checksums.finish(Checksums.sum(b, off, 20)) != 0) {
                return DropReason.BAD_CHECKSUM;
            }
            ipHeaderLength = 20;
            ipLength = total;
            protocol = b.getUnsignedByte(off + 9);
            srcHi = 0;
            srcLo = b.getUnsignedInt(off + 12);
            dstHi = 0;
            dstLo = b.getUnsignedInt(off + 16);
        } else {
            if (avail < 40) {
                return DropReason.TRUNCATED;
            }
            int payload = b.getUnsignedShort(off + 4);
            if (40 + payload > avail) {
                return DropReason.BAD_LENGTH;
            }
            ipHeaderLength = 40;
            ipLength = 40 + payload;
            protocol = b.getUnsignedByte(off + 6);
            srcHi = b.getLong(off + 8);
            srcLo = b.getLong(off + 16);
            dstHi = b.getLong(off + 24);
            dstLo = b.getLong(off + 32);
            if (protocol == 44) {
                return DropReason.FRAGMENT;
            }
            if (protocol == 0 || protocol == 43 || protocol == 60 || protocol == 51 || protocol == 50
                    || protocol == 135 || protocol == 139 || protocol == 140) {
                return DropReason.OPTIONS;
            }
        }
        l4Offset = off + ipHeaderLength;
        l4Length = ipLength - ipHeaderLength;
        return l4(b);
    }

    private DropReason l4(ByteBuf b) {
        int o = l4Offset;
        int len = l4Length;
        switch (protocol) {
            case TCP: {
                if (len < 20) {
                    return DropReason.TRUNCATED;
                }
                int doff = (b.getUnsignedByte(o + 12) >>> 4) << 2;
                if (doff < 20 || doff > len) {
                    return DropReason.BAD_LENGTH;
                }
                sport = b.getUnsignedShort(o);
                dport = b.getUnsignedShort(o + 2);
                tcpFlags = b.getUnsignedByte(o + 13);
                return null;
            }
            case UDP: {
                if (len < 8) {
                    return DropReason.TRUNCATED;
                }
                int ulen = b.getUnsignedShort(o + 4);
                if (ulen < 8 || ulen > len) {
                    return DropReason.BAD_LENGTH;
                }
                sport = b.getUnsignedShort(o);
                dport = b.getUnsignedShort(o + 2);
                return null;
            }
            case SCTP: {
                if (len < 16) {
                    return DropReason.TRUNCATED;
                }
                sport = b.getUnsignedShort(o);
                dport = b.getUnsignedShort(o + 2);
                int type = b.getUnsignedByte(o + 12);
                if (type == 10 || type == 11) {
                    // an ABORT bundled after COOKIE ECHO / COOKIE ACK decides the event
                    int clen = b.getUnsignedShort(o + 14);
                    if (clen >= 4) {
                        long next = 12L + ((clen + 3) & ~3);
                        if (next + 4 <= len && b.getUnsignedByte(o + (int) next) == 6) {
                            type = 6;
                        }
                    }
                }
                sctpChunk = type;
                return null;
            }
            case ICMP:
            case ICMPV6:
                if (protocol == ICMP ? version != 4 : version != 6) {
                    return DropReason.UNSUPPORTED_PROTOCOL;
                }
                return icmp(b);
            default:
                return DropReason.UNSUPPORTED_PROTOCOL;
        }
    }

    private DropReason icmp(ByteBuf b) {
        int o = l4Offset;
        int len = l4Length;
        if (len < 8) {
            return DropReason.TRUNCATED;
        }
        int type = b.getUnsignedByte(o);
        icmpType = type;
        boolean error = version == 4 ? type == 3 || type == 4 || type == 5 || type == 11 || type == 12
                : type >= 1 && type <= 4;
        if (!error) {
            return DropReason.ICMP_NOT_OURS;
        }
        int io = o + 8;
        int avail = len - 8;
        if (version == 4) {
            if (avail < 20) {
                return DropReason.TRUNCATED;
            }
            int b0 = b.getUnsignedByte(io);
            if (b0 >>> 4 != 4) {
                return DropReason.BAD_VERSION;
            }
            int ihl = (b0 & 0xF) << 2;
            if (ihl < 20 || ihl > avail) {
                return DropReason.BAD_IHL;
            }
            if (ihl > 20) {
                return DropReason.OPTIONS;
            }
            if ((b.getUnsignedShort(io + 6) & 0x1FFF) != 0) {
                return DropReason.FRAGMENT;
            }
            innerHeaderLength = 20;
            innerProtocol = b.getUnsignedByte(io + 9);
            innerSrcHi = 0;
            innerSrcLo = b.getUnsignedInt(io + 12);
            innerDstHi = 0;
            innerDstLo = b.getUnsignedInt(io + 16);
        } else {
            if (avail < 40) {
                return DropReason.TRUNCATED;
            }
            if (b.getUnsignedByte(io) >>> 4 != 6) {
                return DropReason.BAD_VERSION;
            }
            innerHeaderLength = 40;
            innerProtocol = b.getUnsignedByte(io + 6);
            innerSrcHi = b.getLong(io + 8);
            innerSrcLo = b.getLong(io + 16);
            innerDstHi = b.getLong(io + 24);
            innerDstLo = b.getLong(io + 32);
        }
        if (innerProtocol != TCP && innerProtocol != UDP && innerProtocol != SCTP) {
            return DropReason.ICMP_NOT_OURS;
        }
        if (avail < innerHeaderLength + 8) {
            return DropReason.TRUNCATED;
        }
        innerOffset = io;
        innerL4Offset = io + innerHeaderLength;
        innerSport = b.getUnsignedShort(innerL4Offset);
        innerDport = b.getUnsignedShort(innerL4Offset + 2);
        icmpError = true;
        return null;
    }

    // ---- read accessors (valid after a successful parse) ----

    /** 4 or 6. */
    public int version() {
        return version;
    }

    /** The transport protocol number (for ICMP errors: 1 or 58). */
    public int protocol() {
        return protocol;
    }

    /** Buffer index of the IP header. */
    public int ipOffset() {
        return ipOffset;
    }

    /** Buffer index of the Ethernet header, or -1 for a bare IP packet. */
    public int ethOffset() {
        return ethOffset;
    }

    /** IP total length (header included). */
    public int ipLength() {
        return ipLength;
    }

    public int sourcePort() {
        return sport;
    }

    public int destinationPort() {
        return dport;
    }

    /** The TCP flags byte. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** The SCTP chunk type that decides the state event. */
    public int sctpChunk() {
        return sctpChunk;
    }

    /** IPv4 source address (host order). */
    public int sourceIpv4() {
        return (int) srcLo;
    }

    /** IPv4 destination address (host order). */
    public int destinationIpv4() {
        return (int) dstLo;
    }

    public long sourceHigh() {
        return srcHi;
    }

    public long sourceLow() {
        return srcLo;
    }

    public long destinationHigh() {
        return dstHi;
    }

    public long destinationLow() {
        return dstLo;
    }

    /** Whether the packet is an ICMP error quoting a transport packet. */
    public boolean icmpError() {
        return icmpError;
    }

    /** The quoted packet's protocol. */
    public int innerProtocol() {
        return innerProtocol;
    }
}
