package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * ICMP and ICMPv6 echo messages as an ICMP datagram ("ping") socket sends and receives them: the
 * 8-byte echo header (type, code, checksum, identifier, sequence, RFC 792 / RFC 4443) and the data,
 * without an IP header. On such a socket the kernel fills in the identifier (the socket's) and the
 * checksum, so a request is written with both zero.
 */
public final class IcmpEchoCodec {
    public static final int HEADER = 8;
    public static final int ECHO_REQUEST_V4 = 8;
    public static final int ECHO_REPLY_V4 = 0;
    public static final int ECHO_REQUEST_V6 = 128;
    public static final int ECHO_REPLY_V6 = 129;

    private IcmpEchoCodec() {}

    /** Writes an echo request with {@code sequence} (0..65535) and {@code data}. */
    public static void writeRequest(ByteBuf out, boolean v6, int sequence, byte[] data) {
        out.writeByte(v6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4);
        out.writeByte(0); // code
        out.writeShort(0); // checksum: the kernel's
        out.writeShort(0); // identifier: the kernel's
        out.writeShort(sequence & 0xffff);
        out.writeBytes(data);
    }

    /**
     * The sequence number of the echo reply in the readable bytes of {@code in}, or -1 when they are
     * not an echo reply of that family (too short, another type, a code other than 0).
     */
    public static int replySequence(ByteBuf in, boolean v6) {
        int p = in.readerIndex();
        if (in.readableBytes() < HEADER) {
            return -1;
        }
        if (in.getUnsignedByte(p) != (v6 ? ECHO_REPLY_V6 : ECHO_REPLY_V4) || in.getUnsignedByte(p + 1) != 0) {
            return -1;
        }
        return in.getUnsignedShort(p + 6);
    }
}
