package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * rtnetlink ({@code NETLINK_ROUTE}) messages for addresses and links, pure over {@link ByteBuf}:
 * {@code RTM_NEWADDR}/{@code RTM_DELADDR} requests laid out as iproute2 lays them out, dump
 * requests, and the parsing of {@code RTM_NEWADDR}/{@code RTM_NEWLINK} replies and events. Constants
 * from {@code linux/rtnetlink.h}, {@code linux/if_addr.h} and {@code linux/if_link.h}.
 */
public final class RtnlCodec {
    private RtnlCodec() {}

    public static final int NETLINK_ROUTE = 0;
    public static final int RTMGRP_LINK = 1;

    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;

    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;

    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_BROADCAST = 4;
    public static final int IFA_FLAGS = 8;
    private static final int IFA_MAX = 12;
    private static final String[] IFA_NAMES = {null, "IFA_ADDRESS", "IFA_LOCAL", "IFA_LABEL", "IFA_BROADCAST",
        "IFA_ANYCAST", "IFA_CACHEINFO", "IFA_MULTICAST", "IFA_FLAGS"};

    public static final int IFA_F_NODAD = 0x02;

    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_LINK = 5;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_AF_SPEC = 26;
    public static final int IFLA_INET6_ADDR_GEN_MODE = 8;
    public static final int IN6_ADDR_GEN_MODE_NONE = 1;
    private static final int IFLA_MAX = 70;
    private static final String[] IFLA_NAMES = {null, "IFLA_ADDRESS", "IFLA_BROADCAST", "IFLA_IFNAME", null,
        "IFLA_LINK"};
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    private static final int IFLA_INFO_MAX = 6;
    private static final String[] IFLA_INFO_NAMES = {null, "IFLA_INFO_KIND", "IFLA_INFO_DATA"};
    public static final int IFLA_MACVLAN_MODE = 1;
    /** {@code MACVLAN_MODE_PRIVATE}: no frames between macvlans of the same lower link (keepalived's VMAC mode). */
    public static final int MACVLAN_MODE_PRIVATE = 1;

    public static final int IFF_UP = 0x1;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_LOWER_UP = 0x10000;

    private static final int IFADDRMSG_LEN = 8;
    private static final int IFINFOMSG_LEN = 16;

    /** One address as the kernel reports it. */
    public record AddrEntry(int family, int prefixLength, int flags, int scope, int index, byte[] address,
            String label) {}

    /** One link as the kernel reports it. */
    public record LinkEntry(int index, int flags, String name, byte[] hardwareAddress, String kind, int lowerIndex) {}

    /**
     * An {@code RTM_NEWADDR} (add: create, exclusive) or {@code RTM_DELADDR} request: ifaddrmsg, then
     * IFA_LOCAL, IFA_LABEL, IFA_ADDRESS, IFA_BROADCAST, IFA_FLAGS (when above 8 bits), as iproute2 does.
     */
    public static void address(ByteBuf out, boolean add, int seq, int prefixLength, int flags, int scope, int index,
            byte[] address, byte[] broadcast, String label) {
        int start = header(out, add ? RTM_NEWADDR : RTM_DELADDR,
                Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), seq);
        out.writeByte(address.length == 4 ? Native.AF_INET : Native.AF_INET6);
        out.writeByte(prefixLength);
        out.writeByte(flags & 0xff);
        out.writeByte(scope);
        writeInt(out, index);
        attr(out, IFA_LOCAL, address);
        if (label != null) {
            byte[] l = label.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[l.length + 1];
            System.arraycopy(l, 0, z, 0, l.length);
            attr(out, IFA_LABEL, z);
        }
        attr(out, IFA_ADDRESS, address);
        if (broadcast != null) {
            attr(out, IFA_BROADCAST, broadcast);
        }
        if ((flags & ~0xff) != 0) {
            byte[] f = new byte[4];
            for (int i = 0; i < 4; i++) {
                f[Nl.LITTLE_ENDIAN ? i : 3 - i] = (byte) (flags >>> (8 * i));
            }
            attr(out, IFA_FLAGS, f);
        }
        end(out, start);
    }

    /**
     * An {@code RTM_NEWLINK} request that sets or clears {@code IFF_UP} on link {@code index}
     * ({@code ip link set DEV up|down}): ifinfomsg with {@code ifi_change = IFF_UP}, no attributes.
     */
    public static void linkUp(ByteBuf out, int seq, int index, boolean up) {
        int start = header(out, RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq);
        ifinfomsg(out, index, up ? IFF_UP : 0, IFF_UP);
        end(out, start);
    }

    /**
     * An {@code RTM_NEWLINK} request (create, exclusive) for a macvlan called {@code name} on link
     * {@code lowerIndex} with hardware address {@code mac} and {@code mode}, laid out as iproute2
     * lays out {@code ip link add link LOWER name NAME address MAC type macvlan mode MODE}:
     * ifinfomsg, IFLA_ADDRESS, IFLA_LINK, IFLA_IFNAME (NUL-terminated), IFLA_LINKINFO {IFLA_INFO_KIND
     * "macvlan", IFLA_INFO_DATA {IFLA_MACVLAN_MODE}}.
     */
    public static void newMacvlan(ByteBuf out, int seq, String name, int lowerIndex, byte[] mac, int mode) {
        int start = header(out, RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
        out.writeZero(IFINFOMSG_LEN);
        attr(out, IFLA_ADDRESS, mac);
        attr(out, IFLA_LINK, u32(lowerIndex));
        attr(out, IFLA_IFNAME, zeroTerminated(name));
        int linkinfo = out.writerIndex();
        writeShort(out, 0);
        writeShort(out, IFLA_LINKINFO);
        attr(out, IFLA_INFO_KIND, "macvlan".getBytes(StandardCharsets.US_ASCII)); // iproute2: no NUL
        int data = out.writerIndex();
        writeShort(out, 0);
        writeShort(out, IFLA_INFO_DATA);
        attr(out, IFLA_MACVLAN_MODE, u32(mode));
        setShort(out, data, out.writerIndex() - data);
        setShort(out, linkinfo, out.writerIndex() - linkinfo);
        end(out, start);
    }

    /**
     * An {@code RTM_NEWLINK} request that sets link {@code index}'s IPv6 address generation mode
     * ({@code ip link set DEV addrgenmode none} for {@link #IN6_ADDR_GEN_MODE_NONE}): ifinfomsg
     * (AF_UNSPEC, no flags), IFLA_AF_SPEC {AF_INET6 {IFLA_INET6_ADDR_GEN_MODE (u8)}}.
     */
    public static void addrGenMode(ByteBuf out, int seq, int index, int mode) {
        int start = header(out, RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq);
        ifinfomsg(out, index, 0, 0);
        int spec = out.writerIndex();
        writeShort(out, 0);
        writeShort(out, IFLA_AF_SPEC);
        int inet6 = out.writerIndex();
        writeShort(out, 0);
        writeShort(out, Native.AF_INET6);
        attr(out, IFLA_INET6_ADDR_GEN_MODE, new byte[] {(byte) mode});
        setShort(out, inet6, out.writerIndex() - inet6);
        setShort(out, spec, out.writerIndex() - spec);
        end(out, start);
    }

    /** An {@code RTM_DELLINK} request for link {@code index} ({@code ip link del DEV}). */
    public static void deleteLink(ByteBuf out, int seq, int index) {
        int start = header(out, RTM_DELLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq);
        ifinfomsg(out, index, 0, 0);
        end(out, start);
    }

    /** An ifinfomsg: AF_UNSPEC, padding, ifi_type 0, {@code index}, ifi_flags, ifi_change. */
    private static void ifinfomsg(ByteBuf out, int index, int flags, int change) {
        out.writeByte(0); // AF_UNSPEC
        out.writeByte(0); // padding
        writeShort(out, 0); // ifi_type
        writeInt(out, index);
        writeInt(out, flags);
        writeInt(out, change);
    }

    private static byte[] zeroTerminated(String s) {
        byte[] l = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[l.length + 1];
        System.arraycopy(l, 0, z, 0, l.length);
        return z;
    }

    private static byte[] u32(int v) {
        byte[] f = new byte[4];
        for (int i = 0; i < 4; i++) {
            f[Nl.LITTLE_ENDIAN ? i : 3 - i] = (byte) (v >>> (8 * i));
        }
        return f;
    }

    private static void setShort(ByteBuf out, int at, int v) {
        if (Nl.LITTLE_ENDIAN) {
            out.setShortLE(at, v);
        } else {
            out.setShort(at, v);
        }
    }

    /** A dump request: {@code RTM_GETADDR} (family 0: all) or {@code RTM_GETLINK}. */
    public static void dump(ByteBuf out, int type, int seq, int family) {
        int start = header(out, type, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq);
        if (type == RTM_GETLINK) {
            out.writeByte(family);
            out.writeZero(IFINFOMSG_LEN - 1);
        } else {
            out.writeByte(family);
            out.writeZero(IFADDRMSG_LEN - 1);
        }
        end(out, start);
    }

    /** Parses an {@code RTM_NEWADDR}/{@code RTM_DELADDR} payload. */
    public static AddrEntry parseAddress(NlMessage m) {
        ByteBuf p = m.payload;
        int base = p.readerIndex();
        if (p.readableBytes() < IFADDRMSG_LEN) {
            throw new NetlinkFormatException("RTM_NEWADDR: payload " + p.readableBytes()
                    + " bytes (expected: at least 8 for ifaddrmsg)");
        }
        int family = p.getUnsignedByte(base);
        int prefix = p.getUnsignedByte(base + 1);
        int flags = p.getUnsignedByte(base + 2);
        int scope = p.getUnsignedByte(base + 3);
        int index = NlMessage.readInt(p, base + 4);
        NlAttrs a = NlAttrs.parse(p.slice(base + IFADDRMSG_LEN, p.readableBytes() - IFADDRMSG_LEN), "RTM_NEWADDR",
                IFA_NAMES, IFA_MAX);
        if (a.has(IFA_FLAGS)) {
            flags = a.u32(IFA_FLAGS);
        }
        byte[] addr = a.has(IFA_LOCAL) ? a.bytes(IFA_LOCAL) : a.has(IFA_ADDRESS) ? a.bytes(IFA_ADDRESS) : null;
        if (addr == null || (addr.length != 4 && addr.length != 16)) {
            throw new NetlinkFormatException("RTM_NEWADDR: address " + (addr == null ? "absent" : addr.length + " bytes")
                    + " (expected: 4 or 16 bytes)");
        }
        return new AddrEntry(family, prefix, flags, scope, index, addr, a.string(IFA_LABEL));
    }

    /** Parses an {@code RTM_NEWLINK}/{@code RTM_DELLINK} payload. */
    public static LinkEntry parseLink(NlMessage m) {
        ByteBuf p = m.payload;
        int base = p.readerIndex();
        if (p.readableBytes() < IFINFOMSG_LEN) {
            throw new NetlinkFormatException("RTM_NEWLINK: payload " + p.readableBytes()
                    + " bytes (expected: at least 16 for ifinfomsg)");
        }
        int index = NlMessage.readInt(p, base + 4);
        int flags = NlMessage.readInt(p, base + 8);
        NlAttrs a = NlAttrs.parse(p.slice(base + IFINFOMSG_LEN, p.readableBytes() - IFINFOMSG_LEN), "RTM_NEWLINK",
                IFLA_NAMES, IFLA_MAX);
        String kind = "";
        if (a.has(IFLA_LINKINFO)) {
            NlAttrs info = a.nested(IFLA_LINKINFO, IFLA_INFO_NAMES, IFLA_INFO_MAX);
            if (info.has(IFLA_INFO_KIND)) {
                kind = info.string(IFLA_INFO_KIND);
            }
        }
        return new LinkEntry(index, flags, a.string(IFLA_IFNAME), a.has(IFLA_ADDRESS) ? a.bytes(IFLA_ADDRESS) : null,
                kind, a.has(IFLA_LINK) ? a.u32(IFLA_LINK) : 0);
    }

    private static int header(ByteBuf out, int type, int flags, int seq) {
        int start = out.writerIndex();
        writeInt(out, 0);
        writeShort(out, type);
        writeShort(out, flags);
        writeInt(out, seq);
        writeInt(out, 0);
        return start;
    }

    private static void end(ByteBuf out, int start) {
        int len = out.writerIndex() - start;
        if (Nl.LITTLE_ENDIAN) {
            out.setIntLE(start, len);
        } else {
            out.setInt(start, len);
        }
    }

    private static void attr(ByteBuf out, int type, byte[] value) {
        writeShort(out, Nl.NLA_HDRLEN + value.length);
        writeShort(out, type);
        out.writeBytes(value);
        out.writeZero(Nl.align(value.length) - value.length);
    }

    private static void writeInt(ByteBuf out, int v) {
        if (Nl.LITTLE_ENDIAN) {
            out.writeIntLE(v);
        } else {
            out.writeInt(v);
        }
    }

    private static void writeShort(ByteBuf out, int v) {
        if (Nl.LITTLE_ENDIAN) {
            out.writeShortLE(v);
        } else {
            out.writeShort(v);
        }
    }
}
