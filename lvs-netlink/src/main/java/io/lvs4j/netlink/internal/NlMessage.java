package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * One netlink message read from a datagram: its {@code nlmsghdr} fields and a slice of its
 * payload. {@link #next(ByteBuf)} validates every length before it slices.
 */
public final class NlMessage {
    public final int length;
    public final int type;
    public final int flags;
    public final int seq;
    public final int pid;
    /** The bytes after the 16-byte header, {@code length - 16} of them. */
    public final ByteBuf payload;

    private NlMessage(int length, int type, int flags, int seq, int pid, ByteBuf payload) {
        this.length = length;
        this.type = type;
        this.flags = flags;
        this.seq = seq;
        this.pid = pid;
        this.payload = payload;
    }

    /**
     * Reads the message at the reader index of {@code datagram} and moves past it (and its
     * alignment padding, where present).
     *
     * @throws NetlinkFormatException if fewer than 16 bytes remain, or the header's length is
     *     below 16 or beyond the datagram
     */
    public static NlMessage next(ByteBuf datagram) {
        int at = datagram.readerIndex();
        int remaining = datagram.readableBytes();
        if (remaining < Nl.NLMSG_HDRLEN) {
            throw new NetlinkFormatException("netlink message at offset " + at + ": " + remaining
                    + " bytes left (expected: at least 16 for nlmsghdr)");
        }
        long len = Integer.toUnsignedLong(readInt(datagram, at));
        if (len < Nl.NLMSG_HDRLEN || len > remaining) {
            throw new NetlinkFormatException("netlink message at offset " + at + ": nlmsg_len " + len
                    + " (expected: 16.." + remaining + ")");
        }
        int length = (int) len;
        int type = readShort(datagram, at + 4);
        int flags = readShort(datagram, at + 6);
        int seq = readInt(datagram, at + 8);
        int pid = readInt(datagram, at + 12);
        ByteBuf payload = datagram.slice(at + Nl.NLMSG_HDRLEN, length - Nl.NLMSG_HDRLEN);
        datagram.readerIndex(at + Math.min(Nl.align(length), remaining));
        return new NlMessage(length, type, flags, seq, pid, payload);
    }

    /** The generic netlink command (first payload byte). */
    public int genlCommand() {
        requireGenl();
        return payload.getUnsignedByte(payload.readerIndex());
    }

    /** The attributes after the generic netlink header. */
    public ByteBuf genlAttributes() {
        requireGenl();
        return payload.slice(payload.readerIndex() + Nl.GENL_HDRLEN, payload.readableBytes() - Nl.GENL_HDRLEN);
    }

    private void requireGenl() {
        if (payload.readableBytes() < Nl.GENL_HDRLEN) {
            throw new NetlinkFormatException("generic netlink message type " + type + ": payload "
                    + payload.readableBytes() + " bytes (expected: at least 4 for genlmsghdr)");
        }
    }

    static int readShort(ByteBuf b, int index) {
        return Nl.LITTLE_ENDIAN ? b.getUnsignedShortLE(index) : b.getUnsignedShort(index);
    }

    static int readInt(ByteBuf b, int index) {
        return Nl.LITTLE_ENDIAN ? b.getIntLE(index) : b.getInt(index);
    }

    static long readLong(ByteBuf b, int index) {
        return Nl.LITTLE_ENDIAN ? b.getLongLE(index) : b.getLong(index);
    }

    @Override
    public String toString() {
        return "nlmsghdr{len=" + length + ", type=" + type + ", flags=0x" + Integer.toHexString(flags)
                + ", seq=" + Integer.toUnsignedString(seq) + ", pid=" + Integer.toUnsignedString(pid) + "}";
    }
}
