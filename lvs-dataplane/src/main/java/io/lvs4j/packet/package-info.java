/**
 * The userspace director's packet path over netty {@link io.netty.buffer.ByteBuf}s, allocating
 * nothing per packet: {@link io.lvs4j.packet.PacketHeaders} parses and validates,
 * {@link io.lvs4j.packet.PacketRewriter} rewrites for NAT, DR and TUN (IPIP, GRE, GUE,
 * IPv6-in-IPv6), and {@link io.lvs4j.packet.PacketPath} joins them to a
 * {@link io.lvs4j.conn.ConnectionTable}: any bytes in, a {@link io.lvs4j.packet.Verdict} out, drops
 * counted by {@link io.lvs4j.packet.DropReason} in {@link io.lvs4j.packet.DropCounters}.
 *
 * <p>Packet I/O (AF_PACKET, TUN) lives elsewhere; this package only sees buffers. Encapsulation
 * writes into the buffer's headroom, so a receive path should leave 40 bytes before each packet.
 */
package io.lvs4j.packet;
