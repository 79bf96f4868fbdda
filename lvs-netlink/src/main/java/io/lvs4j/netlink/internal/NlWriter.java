package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes netlink messages and attributes into a {@link ByteBuf}: {@code nlmsghdr}, {@code
 * genlmsghdr}, then {@code nlattr}s, each padded to 4 bytes. Lengths are patched in when a message
 * or nest ends.
 */
public final class NlWriter {
    private final ByteBuf buf;

    public NlWriter(ByteBuf buf) {
        this.buf = buf;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Starts a message; returns its start index for {@link #endMessage(int)}. */
    public int beginMessage(int type, int flags, int seq, int pid) {
        int start = buf.writerIndex();
        writeInt(0);
        writeShort(type);
        writeShort(flags);
        writeInt(seq);
        writeInt(pid);
        return start;
    }

    /** The generic netlink header: command, version, two reserved bytes. */
    public NlWriter genl(int cmd, int version) {
        buf.writeByte(cmd);
        buf.writeByte(version);
        buf.writeShort(0);
        return this;
    }

    public void endMessage(int start) {
        setInt(start, buf.writerIndex() - start);
    }

    public NlWriter u8(int type, int value) {
        header(type, 1);
        buf.writeByte(value);
        return pad();
    }

    public NlWriter u16(int type, int value) {
        header(type, 2);
        writeShort(value);
        return pad();
    }

    /** A 16-bit value in network byte order (ports). */
    public NlWriter be16(int type, int value) {
        header(type, 2);
        buf.writeShort(value);
        return pad();
    }

    public NlWriter u32(int type, int value) {
        header(type, 4);
        writeInt(value);
        return pad();
    }

    /** A 32-bit value in network byte order (IPv4 netmasks and addresses). */
    public NlWriter be32(int type, int value) {
        header(type, 4);
        buf.writeInt(value);
        return pad();
    }

    public NlWriter u64(int type, long value) {
        header(type, 8);
        if (Nl.LITTLE_ENDIAN) {
            buf.writeLongLE(value);
        } else {
            buf.writeLong(value);
        }
        return pad();
    }

    /** Two host-order u32s, like {@code struct ip_vs_flags}. */
    public NlWriter u32pair(int type, int first, int second) {
        header(type, 8);
        writeInt(first);
        writeInt(second);
        return pad();
    }

    public NlWriter bytes(int type, byte[] value) {
        header(type, value.length);
        buf.writeBytes(value);
        return pad();
    }

    /** A NUL-terminated string. */
    public NlWriter string(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        header(type, b.length + 1);
        buf.writeBytes(b);
        buf.writeByte(0);
        return pad();
    }

    /** Starts a nested attribute (with {@code NLA_F_NESTED}, as libnl sets it). */
    public int beginNest(int type) {
        int start = buf.writerIndex();
        writeShort(0);
        writeShort(type | Nl.NLA_F_NESTED);
        return start;
    }

    public void endNest(int start) {
        int len = buf.writerIndex() - start;
        if (Nl.LITTLE_ENDIAN) {
            buf.setShortLE(start, len);
        } else {
            buf.setShort(start, len);
        }
    }

    private void header(int type, int payload) {
        writeShort(Nl.NLA_HDRLEN + payload);
        writeShort(type);
    }

    private NlWriter pad() {
        int w = buf.writerIndex();
        buf.writeZero(Nl.align(w) - w);
        return this;
    }

    private void writeShort(int v) {
        if (Nl.LITTLE_ENDIAN) {
            buf.writeShortLE(v);
        } else {
            buf.writeShort(v);
        }
    }

    private void writeInt(int v) {
        if (Nl.LITTLE_ENDIAN) {
            buf.writeIntLE(v);
        } else {
            buf.writeInt(v);
        }
    }

    private void setInt(int index, int v) {
        if (Nl.LITTLE_ENDIAN) {
            buf.setIntLE(index, v);
        } else {
            buf.setInt(index, v);
        }
    }
}
