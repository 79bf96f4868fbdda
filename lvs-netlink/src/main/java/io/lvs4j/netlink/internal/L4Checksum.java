package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * Completes a TCP or UDP checksum that the sender left to offload: a frame taken from a veth or a
 * local sender with {@code CHECKSUM_PARTIAL} carries only the pseudo-header sum in its checksum
 * field ({@code TP_STATUS_CSUMNOTREADY}). Summing the transport header and payload with that field
 * in place and storing the complement gives the full checksum, as the kernel's
 * {@code skb_checksum_help} does. Plain IPv4 (any header length) and IPv6 without extension headers.
 */
public final class L4Checksum {
    private L4Checksum() {}

    /** Completes the checksum of the Ethernet frame at {@code off}; false if it is not TCP/UDP or is malformed. */
    public static boolean complete(ByteBuf b, int off, int len) {
        if (len < 14 + 20) {
            return false;
        }
        int type = b.getUnsignedShort(off + 12);
        int ip = off + 14;
        int l4;
        int l4len;
        int proto;
        if (type == 0x0800) {
            int ihl = (b.getUnsignedByte(ip) & 0x0F) * 4;
            int total = b.getUnsignedShort(ip + 2);
            if ((b.getUnsignedByte(ip) >>> 4) != 4 || ihl < 20 || total < ihl || 14 + total > len) {
                return false;
            }
            proto = b.getUnsignedByte(ip + 9);
            l4 = ip + ihl;
            l4len = total - ihl;
        } else if (type == 0x86DD) {
            if (len < 14 + 40) {
                return false;
            }
            proto = b.getUnsignedByte(ip + 6);
            l4 = ip + 40;
            l4len = b.getUnsignedShort(ip + 4);
            if (14 + 40 + l4len > len) {
                return false;
            }
        } else {
            return false;
        }
        int field;
        if (proto == 6 && l4len >= 20) {
            field = l4 + 16;
        } else if (proto == 17 && l4len >= 8) {
            field = l4 + 6;
        } else {
            return false;
        }
        long s = 0;
        int i = 0;
        for (; i + 1 < l4len; i += 2) {
            s += b.getUnsignedShort(l4 + i);
        }
        if (i < l4len) {
            s += b.getUnsignedByte(l4 + i) << 8;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        int c = (int) ~s & 0xFFFF;
        if (c == 0 && proto == 17) {
            c = 0xFFFF;
        }
        b.setShort(field, c);
        return true;
    }
}
