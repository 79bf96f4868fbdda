package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The attributes of one level (a message's top level or one nest), indexed by type. Parsing
 * validates every {@code nla_len}; the getters validate the payload size of the type they read.
 * Types above {@code maxType} are counted in {@link #highestType()} but not kept. When a type
 * repeats, the last one counts, as in the kernel.
 */
public final class NlAttrs {
    private final ByteBuf buf;
    private final String where;
    private final String[] names;
    private final int[] offset;
    private final int[] length;
    private int highest;

    private NlAttrs(ByteBuf buf, String where, String[] names, int maxType) {
        this.buf = buf;
        this.where = where;
        this.names = names;
        this.offset = new int[maxType + 1];
        this.length = new int[maxType + 1];
        java.util.Arrays.fill(length, -1);
    }

    /**
     * Parses the attributes filling {@code region} (reader to writer index).
     *
     * @param where names the level in error messages, e.g. {@code "IPVS_CMD_ATTR_SERVICE"}
     * @param names attribute names by type for error messages (may be shorter than maxType)
     * @throws NetlinkFormatException if an attribute's length is below 4 or past the region
     */
    public static NlAttrs parse(ByteBuf region, String where, String[] names, int maxType) {
        NlAttrs a = new NlAttrs(region, where, names, maxType);
        int pos = region.readerIndex();
        int end = region.writerIndex();
        while (end - pos >= Nl.NLA_HDRLEN) {
            int len = NlMessage.readShort(region, pos);
            int type = NlMessage.readShort(region, pos + 2) & Nl.NLA_TYPE_MASK;
            if (len < Nl.NLA_HDRLEN || len > end - pos) {
                throw new NetlinkFormatException(where + ": attribute type " + type + " at offset "
                        + (pos - region.readerIndex()) + ": nla_len " + len + " (expected: 4.." + (end - pos) + ")");
            }
            if (type > a.highest) {
                a.highest = type;
            }
            if (type <= maxType) {
                a.offset[type] = pos + Nl.NLA_HDRLEN;
                a.length[type] = len - Nl.NLA_HDRLEN;
            }
            pos += Math.min(Nl.align(len), end - pos);
        }
        // fewer than 4 trailing bytes can only be padding
        return a;
    }

    /**
     * The payloads of every attribute in {@code region}, whatever their types (for arrays such as
     * {@code CTRL_ATTR_OPS}, numbered 1..n).
     */
    public static java.util.List<ByteBuf> elements(ByteBuf region, String where) {
        java.util.List<ByteBuf> out = new java.util.ArrayList<>();
        int pos = region.readerIndex();
        int end = region.writerIndex();
        while (end - pos >= Nl.NLA_HDRLEN) {
            int len = NlMessage.readShort(region, pos);
            if (len < Nl.NLA_HDRLEN || len > end - pos) {
                throw new NetlinkFormatException(where + ": element at offset " + (pos - region.readerIndex())
                        + ": nla_len " + len + " (expected: 4.." + (end - pos) + ")");
            }
            out.add(region.slice(pos + Nl.NLA_HDRLEN, len - Nl.NLA_HDRLEN));
            pos += Math.min(Nl.align(len), end - pos);
        }
        return out;
    }

    /** The highest attribute type seen, known or not (0 if none). */
    public int highestType() {
        return highest;
    }

    public boolean has(int type) {
        return type < length.length && length[type] >= 0;
    }

    public int u8(int type) {
        return buf.getUnsignedByte(at(type, 1));
    }

    public int u16(int type) {
        return NlMessage.readShort(buf, at(type, 2));
    }

    public int be16(int type) {
        return buf.getUnsignedShort(at(type, 2));
    }

    public int u32(int type) {
        return NlMessage.readInt(buf, at(type, 4));
    }

    public int be32(int type) {
        return buf.getInt(at(type, 4));
    }

    /** The second host-order u32 of an 8-byte attribute such as {@code struct ip_vs_flags}. */
    public int u32second(int type) {
        return NlMessage.readInt(buf, at(type, 8) + 4);
    }

    public long u64(int type) {
        return NlMessage.readLong(buf, at(type, 8));
    }

    public int u8(int type, int absent) {
        return has(type) ? u8(type) : absent;
    }

    public int u16(int type, int absent) {
        return has(type) ? u16(type) : absent;
    }

    public int be16(int type, int absent) {
        return has(type) ? be16(type) : absent;
    }

    public int u32(int type, int absent) {
        return has(type) ? u32(type) : absent;
    }

    public long u64(int type, long absent) {
        return has(type) ? u64(type) : absent;
    }

    /** The payload bytes, exactly as long as the attribute says. */
    public byte[] bytes(int type) {
        int at = at(type, 0);
        byte[] b = new byte[length[type]];
        buf.getBytes(at, b);
        return b;
    }

    /** A string up to its first NUL (or the whole payload if there is none); null if absent. */
    public String string(int type) {
        if (!has(type)) {
            return null;
        }
        int at = offset[type];
        int n = length[type];
        int end = at;
        while (end < at + n && buf.getByte(end) != 0) {
            end++;
        }
        return buf.toString(at, end - at, StandardCharsets.UTF_8);
    }

    /** The attributes nested in {@code type}. */
    public NlAttrs nested(int type, String[] nestedNames, int nestedMax) {
        int at = at(type, 0);
        return parse(buf.slice(at, length[type]), name(type), nestedNames, nestedMax);
    }

    /** The nest, or null if absent. */
    public NlAttrs nestedOrNull(int type, String[] nestedNames, int nestedMax) {
        return has(type) ? nested(type, nestedNames, nestedMax) : null;
    }

    /** A slice of the payload. */
    public ByteBuf slice(int type) {
        int at = at(type, 0);
        return buf.slice(at, length[type]);
    }

    public int length(int type) {
        return has(type) ? length[type] : -1;
    }

    private int at(int type, int min) {
        if (!has(type)) {
            throw new NetlinkFormatException(where + ": " + name(type) + " missing");
        }
        if (length[type] < min) {
            throw new NetlinkFormatException(where + ": " + name(type) + ": " + length[type]
                    + " bytes (expected: at least " + min + ")");
        }
        return offset[type];
    }

    private String name(int type) {
        return type < names.length && names[type] != null ? names[type] : "attribute " + type;
    }
}
