package io.lvs4j.netlink.internal;

import static io.lvs4j.netlink.internal.IpvsProto.*;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.BitSet;

/**
 * Encodes IPVS requests and decodes IPVS replies. Attribute order follows what ipvsadm sends, so
 * request bytes can be compared with ipvsadm's.
 */
public final class IpvsCodec {
    private IpvsCodec() {}

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final String[] OP_NAMES = {null, "CTRL_ATTR_OP_ID", "CTRL_ATTR_OP_FLAGS"};
    private static final String[] CTRL_NAMES = {null, "CTRL_ATTR_FAMILY_ID", "CTRL_ATTR_FAMILY_NAME",
        "CTRL_ATTR_VERSION", "CTRL_ATTR_HDRSIZE", "CTRL_ATTR_MAXATTR", "CTRL_ATTR_OPS"};

    // ---- requests

    /** Writes the netlink and generic netlink headers; returns the start for {@link NlWriter#endMessage}. */
    public static int begin(NlWriter w, int familyId, int cmd, int flags, int seq, int pid) {
        int start = w.beginMessage(familyId, Nl.NLM_F_REQUEST | flags, seq, pid);
        w.genl(cmd, VERSION);
        return start;
    }

    /** {@code CTRL_CMD_GETFAMILY} for a family name. */
    public static void getFamily(NlWriter w, String name, int seq, int pid) {
        int start = w.beginMessage(Nl.GENL_ID_CTRL, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq, pid);
        w.genl(Nl.CTRL_CMD_GETFAMILY, 1);
        w.string(Nl.CTRL_ATTR_FAMILY_NAME, name);
        w.endMessage(start);
    }

    /**
     * The service nest. With {@code full}, the settings NEW and SET need (scheduler, flags with an
     * all-ones mask, timeout, netmask, and the PE name if any); otherwise the key only.
     */
    public static void service(NlWriter w, SvcAttrs s, boolean full) {
        int nest = w.beginNest(CMD_ATTR_SERVICE);
        w.u16(SVC_ATTR_AF, s.af());
        if (s.isFwmark()) {
            w.u32(SVC_ATTR_FWMARK, s.fwmark());
        } else {
            w.u16(SVC_ATTR_PROTOCOL, s.protocol());
            w.bytes(SVC_ATTR_ADDR, addr16(s.addr()));
            w.be16(SVC_ATTR_PORT, s.port());
        }
        if (full) {
            w.string(SVC_ATTR_SCHED_NAME, s.scheduler());
            if (s.pe() != null) {
                w.string(SVC_ATTR_PE_NAME, s.pe());
            }
            w.u32pair(SVC_ATTR_FLAGS, s.flags(), s.flagsMask());
            w.u32(SVC_ATTR_TIMEOUT, s.timeout());
            if (s.af() == AF_INET6) {
                w.u32(SVC_ATTR_NETMASK, s.netmask());
            } else {
                w.be32(SVC_ATTR_NETMASK, s.netmask());
            }
        }
        w.endNest(nest);
    }

    /**
     * The destination nest. With {@code full}, forwarding, weight, thresholds, and the tunnel
     * attributes when {@code tunType >= 0}; otherwise family, address and port only.
     */
    public static void dest(NlWriter w, DestAttrs d, boolean full) {
        int nest = w.beginNest(CMD_ATTR_DEST);
        w.u16(DEST_ATTR_ADDR_FAMILY, d.af());
        w.bytes(DEST_ATTR_ADDR, addr16(d.addr()));
        w.be16(DEST_ATTR_PORT, d.port());
        if (full) {
            w.u32(DEST_ATTR_FWD_METHOD, d.fwdMethod());
            w.u32(DEST_ATTR_WEIGHT, d.weight());
            if (d.tunType() >= 0) {
                w.u8(DEST_ATTR_TUN_TYPE, d.tunType());
                w.be16(DEST_ATTR_TUN_PORT, d.tunPort());
                w.u16(DEST_ATTR_TUN_FLAGS, d.tunFlags());
            }
            w.u32(DEST_ATTR_U_THRESH, d.upperThreshold());
            w.u32(DEST_ATTR_L_THRESH, d.lowerThreshold());
        }
        w.endNest(nest);
    }

    /** The daemon nest: everything for NEW_DAEMON, the state only for DEL_DAEMON. */
    public static void daemon(NlWriter w, DaemonAttrs d, boolean full) {
        int nest = w.beginNest(CMD_ATTR_DAEMON);
        w.u32(DAEMON_ATTR_STATE, d.state());
        if (full) {
            w.string(DAEMON_ATTR_MCAST_IFN, d.ifname());
            w.u32(DAEMON_ATTR_SYNC_ID, d.syncId());
            if (d.syncMaxlen() != 0) {
                w.u16(DAEMON_ATTR_SYNC_MAXLEN, d.syncMaxlen());
            }
            if (d.mcastGroup() instanceof Inet4Address) {
                w.bytes(DAEMON_ATTR_MCAST_GROUP, d.mcastGroup().getAddress());
            } else if (d.mcastGroup() instanceof Inet6Address) {
                w.bytes(DAEMON_ATTR_MCAST_GROUP6, d.mcastGroup().getAddress());
            }
            if (d.mcastPort() != 0) {
                w.u16(DAEMON_ATTR_MCAST_PORT, d.mcastPort());
            }
            if (d.mcastTtl() != 0) {
                w.u8(DAEMON_ATTR_MCAST_TTL, d.mcastTtl());
            }
        }
        w.endNest(nest);
    }

    /** The three top-level timeout attributes; a 0 is left out (unchanged). */
    public static void timeouts(NlWriter w, Timeouts t) {
        if (t.tcp() != 0) {
            w.u32(CMD_ATTR_TIMEOUT_TCP, t.tcp());
        }
        if (t.tcpFin() != 0) {
            w.u32(CMD_ATTR_TIMEOUT_TCP_FIN, t.tcpFin());
        }
        if (t.udp() != 0) {
            w.u32(CMD_ATTR_TIMEOUT_UDP, t.udp());
        }
    }

    private static byte[] addr16(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] b = new byte[16];
        System.arraycopy(raw, 0, b, 0, raw.length);
        return b;
    }

    // ---- replies

    /** The top-level attributes of an IPVS reply. */
    public static NlAttrs top(NlMessage m) {
        return NlAttrs.parse(m.genlAttributes(), commandName(m.genlCommand()), CMD_ATTR_NAMES, CMD_ATTR_MAX);
    }

    /** The service in a GET_SERVICE reply. */
    public static SvcAttrs readService(NlAttrs top) {
        NlAttrs a = top.nested(CMD_ATTR_SERVICE, SVC_ATTR_NAMES, SVC_ATTR_MAX);
        int af = a.u16(SVC_ATTR_AF);
        int fwmark = a.u32(SVC_ATTR_FWMARK, 0);
        int protocol = a.u16(SVC_ATTR_PROTOCOL, 0);
        InetAddress addr = null;
        int port = 0;
        if (fwmark == 0) {
            addr = address(af, a, SVC_ATTR_ADDR, "IPVS_SVC_ATTR_ADDR");
            port = a.be16(SVC_ATTR_PORT);
            protocol = a.u16(SVC_ATTR_PROTOCOL);
        }
        String sched = a.string(SVC_ATTR_SCHED_NAME);
        int flags = a.u32(SVC_ATTR_FLAGS);
        int mask = a.u32second(SVC_ATTR_FLAGS);
        int timeout = a.u32(SVC_ATTR_TIMEOUT, 0);
        int netmask = af == AF_INET6 ? a.u32(SVC_ATTR_NETMASK, 128) : a.has(SVC_ATTR_NETMASK) ? a.be32(SVC_ATTR_NETMASK) : -1;
        String pe = a.string(SVC_ATTR_PE_NAME);
        Stats stats = readStats(a, SVC_ATTR_STATS, false);
        Stats stats64 = readStats(a, SVC_ATTR_STATS64, true);
        return new SvcAttrs(af, protocol, addr, port, fwmark, sched, flags, mask, timeout, netmask, pe, stats, stats64);
    }

    /** The destination in a GET_DEST reply; {@code svcAf} is used when the kernel sends no family. */
    public static DestAttrs readDest(NlAttrs top, int svcAf) {
        NlAttrs a = top.nested(CMD_ATTR_DEST, DEST_ATTR_NAMES, DEST_ATTR_MAX);
        int af = a.u16(DEST_ATTR_ADDR_FAMILY, svcAf);
        InetAddress addr = address(af, a, DEST_ATTR_ADDR, "IPVS_DEST_ATTR_ADDR");
        return new DestAttrs(af, addr, a.be16(DEST_ATTR_PORT), a.u32(DEST_ATTR_FWD_METHOD),
                a.u32(DEST_ATTR_WEIGHT), a.u32(DEST_ATTR_U_THRESH, 0), a.u32(DEST_ATTR_L_THRESH, 0),
                a.u32(DEST_ATTR_ACTIVE_CONNS, 0), a.u32(DEST_ATTR_INACT_CONNS, 0),
                a.u32(DEST_ATTR_PERSIST_CONNS, 0), readStats(a, DEST_ATTR_STATS, false),
                readStats(a, DEST_ATTR_STATS64, true), a.u8(DEST_ATTR_TUN_TYPE, -1),
                a.be16(DEST_ATTR_TUN_PORT, 0), a.u16(DEST_ATTR_TUN_FLAGS, 0));
    }

    /** The sync daemon in a GET_DAEMON reply. */
    public static DaemonAttrs readDaemon(NlAttrs top) {
        NlAttrs a = top.nested(CMD_ATTR_DAEMON, DAEMON_ATTR_NAMES, DAEMON_ATTR_MAX);
        InetAddress group = null;
        if (a.has(DAEMON_ATTR_MCAST_GROUP)) {
            group = address(AF_INET, a, DAEMON_ATTR_MCAST_GROUP, "IPVS_DAEMON_ATTR_MCAST_GROUP");
        } else if (a.has(DAEMON_ATTR_MCAST_GROUP6)) {
            group = address(AF_INET6, a, DAEMON_ATTR_MCAST_GROUP6, "IPVS_DAEMON_ATTR_MCAST_GROUP6");
        }
        return new DaemonAttrs(a.u32(DAEMON_ATTR_STATE), a.string(DAEMON_ATTR_MCAST_IFN),
                a.u32(DAEMON_ATTR_SYNC_ID), a.u16(DAEMON_ATTR_SYNC_MAXLEN, 0), group,
                a.u16(DAEMON_ATTR_MCAST_PORT, 0), a.u8(DAEMON_ATTR_MCAST_TTL, 0));
    }

    public static Timeouts readTimeouts(NlAttrs top) {
        return new Timeouts(top.u32(CMD_ATTR_TIMEOUT_TCP, 0), top.u32(CMD_ATTR_TIMEOUT_TCP_FIN, 0),
                top.u32(CMD_ATTR_TIMEOUT_UDP, 0));
    }

    public static Info readInfo(NlMessage m) {
        NlAttrs a = NlAttrs.parse(m.genlAttributes(), "IPVS_CMD_SET_INFO", INFO_ATTR_NAMES, INFO_ATTR_MAX);
        return new Info(a.u32(INFO_ATTR_VERSION), a.u32(INFO_ATTR_CONN_TAB_SIZE));
    }

    /** The family in a {@code CTRL_CMD_NEWFAMILY} reply. */
    public static GenlFamily readFamily(NlMessage m) {
        NlAttrs a = NlAttrs.parse(m.genlAttributes(), "CTRL_CMD_NEWFAMILY", CTRL_NAMES, Nl.CTRL_ATTR_MAX);
        BitSet ops = new BitSet();
        if (a.has(Nl.CTRL_ATTR_OPS)) {
            for (ByteBuf entry : NlAttrs.elements(a.slice(Nl.CTRL_ATTR_OPS), "CTRL_ATTR_OPS")) {
                NlAttrs op = NlAttrs.parse(entry, "CTRL_ATTR_OPS entry", OP_NAMES, 2);
                int id = op.u32(Nl.CTRL_ATTR_OP_ID);
                if (id >= 0 && id < 1024) {
                    ops.set(id);
                }
            }
        }
        return new GenlFamily(a.string(Nl.CTRL_ATTR_FAMILY_NAME), a.u16(Nl.CTRL_ATTR_FAMILY_ID),
                a.u32(Nl.CTRL_ATTR_VERSION, 0), a.u32(Nl.CTRL_ATTR_MAXATTR, 0), ops);
    }

    private static Stats readStats(NlAttrs a, int type, boolean wide) {
        NlAttrs s = a.nestedOrNull(type, STATS_ATTR_NAMES, STATS_ATTR_MAX);
        if (s == null) {
            return null;
        }
        if (wide) {
            return new Stats(s.u64(STATS_ATTR_CONNS, 0), s.u64(STATS_ATTR_INPKTS, 0), s.u64(STATS_ATTR_OUTPKTS, 0),
                    s.u64(STATS_ATTR_INBYTES, 0), s.u64(STATS_ATTR_OUTBYTES, 0), s.u64(STATS_ATTR_CPS, 0),
                    s.u64(STATS_ATTR_INPPS, 0), s.u64(STATS_ATTR_OUTPPS, 0), s.u64(STATS_ATTR_INBPS, 0),
                    s.u64(STATS_ATTR_OUTBPS, 0));
        }
        return new Stats(u32(s, STATS_ATTR_CONNS), u32(s, STATS_ATTR_INPKTS), u32(s, STATS_ATTR_OUTPKTS),
                s.u64(STATS_ATTR_INBYTES, 0), s.u64(STATS_ATTR_OUTBYTES, 0), u32(s, STATS_ATTR_CPS),
                u32(s, STATS_ATTR_INPPS), u32(s, STATS_ATTR_OUTPPS), u32(s, STATS_ATTR_INBPS),
                u32(s, STATS_ATTR_OUTBPS));
    }

    private static long u32(NlAttrs s, int type) {
        return Integer.toUnsignedLong(s.u32(type, 0));
    }

    private static InetAddress address(int af, NlAttrs a, int type, String name) {
        int need = af == AF_INET6 ? 16 : af == AF_INET ? 4 : -1;
        if (need < 0) {
            throw new NetlinkFormatException(name + ": address family " + af + " (expected: 2 or 10)");
        }
        int len = a.length(type);
        if (len < need) {
            throw new NetlinkFormatException(name + ": " + len + " bytes (expected: at least " + need + ")");
        }
        byte[] all = a.bytes(type);
        byte[] b = new byte[need];
        System.arraycopy(all, 0, b, 0, need);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only for a wrong length, checked above
        }
    }
}
