package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * Announcements of an address's new owner, pure over {@link ByteBuf}: a gratuitous ARP request
 * (RFC 5227 announcement: sender and target protocol address both the address) in a broadcast
 * Ethernet frame padded to 60 bytes, and an unsolicited ICMPv6 neighbour advertisement (RFC 4861
 * 4.4, Override flag, target link-layer address option; the kernel fills the checksum).
 */
public final class NeighbourFrames {
    private NeighbourFrames() {}

    public static final int ETH_P_ARP = 0x0806;
    public static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    /** A broadcast Ethernet frame carrying a gratuitous ARP request for {@code ipv4} at {@code mac}. */
    public static void gratuitousArp(ByteBuf out, byte[] mac, byte[] ipv4) {
        int start = out.writerIndex();
        out.writeBytes(BROADCAST);
        out.writeBytes(mac);
        out.writeShort(ETH_P_ARP);
        out.writeShort(1); // hardware type Ethernet
        out.writeShort(0x0800); // protocol type IPv4
        out.writeByte(6);
        out.writeByte(4);
        out.writeShort(1); // request
        out.writeBytes(mac);
        out.writeBytes(ipv4);
        out.writeZero(6);
        out.writeBytes(ipv4);
        out.writeZero(Math.max(0, 60 - (out.writerIndex() - start)));
    }

    /** An unsolicited neighbour advertisement (ICMPv6 type 136, Override) for {@code ipv6} at {@code mac}. */
    public static void neighbourAdvert(ByteBuf out, byte[] mac, byte[] ipv6) {
        out.writeByte(136);
        out.writeByte(0);
        out.writeShort(0); // checksum: the kernel computes it for ICMPv6 raw sockets
        out.writeByte(0x20); // Override
        out.writeZero(3);
        out.writeBytes(ipv6);
        out.writeByte(2); // target link-layer address
        out.writeByte(1); // 8 bytes
        out.writeBytes(mac);
    }
}
