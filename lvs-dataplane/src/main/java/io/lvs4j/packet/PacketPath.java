package io.lvs4j.packet;

import io.lvs4j.Forwarding;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.conn.ConnectionTable;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * The userspace director's per-packet path: parse, look the connection up (or schedule a new one),
 * drive its state, rewrite. Any bytes give a {@link Verdict}; a drop is counted by
 * {@link DropReason} in {@link #drops()} and no exception escapes for bad input. Allocates nothing
 * per packet once the table is sized.
 *
 * <p>A packet is first matched as a client packet (protocol, source, destination against the
 * connections' client and virtual sides), then as a real server's reply (against the destination
 * and client sides; only masquerading connections take replies), then as a new flow of a
 * service ({@link ConnectionTable#findServiceIpv4}): TCP only on a SYN without ACK, SCTP only on an
 * INIT chunk, UDP on any datagram, as the kernel's {@code conn_schedule} hooks do without
 * {@code sloppy_tcp}/{@code sloppy_sctp} (other packets are dropped as {@link DropReason#NOT_INITIAL});
 * with {@link #sloppyTcp}/{@link #sloppySctp} any TCP packet but a RST and any SCTP packet but an
 * ABORT schedules a new flow. A new flow the table refuses is dropped as
 * {@link DropReason#TABLE_FULL} (at its limit) or {@link DropReason#EARLY_DROP} (by its flood
 * defence), while packets of the connections it holds go on. A SYN or INIT that matches a closing connection is
 * scheduled afresh under {@code conn_reuse_mode} ({@link ConnectionTable#reuse}). Firewall-mark services are not matched here (userspace
 * sees no marks); ICMP errors quoting a connection's packet follow that connection.
 *
 * <p>Tunnelling destinations are encapsulated as {@link #destinationTunnel} says (IPIP, GRE or GUE
 * over IPv4 with their checksum options; IPv6 in IPv6), from the destination's tunnel source or
 * else {@link #tunnelSourceIpv4}/{@link #tunnelSourceIpv6}; a destination never described is
 * IPIP (IPv6-in-IPv6 for IPv6). GRE and GUE to an IPv6 destination are dropped as
 * {@link DropReason#UNSUPPORTED_PROTOCOL}.
 *
 * <p>Frames ({@link #processFrame}) are Ethernet II; bare IP packets ({@link #processIp}) come from
 * a TUN device and cannot be sent by direct routing. Not thread-safe: one per packet thread, with
 * its own table.
 */
public final class PacketPath {
    private static final int MASQ = Forwarding.MASQ.kernelValue();
    private static final int LOCAL = Forwarding.LOCAL.kernelValue();
    private static final int TUNNEL = Forwarding.TUNNEL.kernelValue();
    // a destination's tunnel word: type, checksum flags, GUE port, whether sources are given, IPv4 source
    private static final long TUN_SET = 1L << 63;
    private static final long TUN_SOURCE4 = 1L << 62;
    private static final long TUN_SOURCE6 = 1L << 61;
    private static final int TUN_TYPE_SHIFT = 48;
    private static final int TUN_FLAGS_SHIFT = 50;
    private static final int TUN_PORT_SHIFT = 32;
    private static final int GUE = TunnelType.GUE.kernelValue();
    private static final int GRE = TunnelType.GRE.kernelValue();
    /** The kernel's default ephemeral range, from which it picks GUE source ports by flow hash. */
    private static final int GUE_PORT_LOW = 32768;
    private static final int GUE_PORT_COUNT = 60999 - 32768 + 1;

    private final ConnectionTable table;
    private final PacketHeaders h = new PacketHeaders();
    private final PacketRewriter rewriter = new PacketRewriter();
    private final DropCounters drops = new DropCounters();
    private long localMac;
    private long[][] macs = new long[0][];
    private long[][] tunnels = new long[0][]; // per service: three longs per destination
    private int tunnelSource4;
    private long tunnelSourceHi;
    private long tunnelSourceLo;
    private boolean sloppyTcp;
    private boolean sloppySctp;
    private int lastConnection = ConnectionTable.NONE;
    private boolean lastScheduled;
    private DropReason lastDrop;
    private final int[] prefetchSlots = new int[128];
    private int prefetchCount;

    /** A packet path over that table (its services, schedulers and connections). */
    public PacketPath(ConnectionTable table) {
        this.table = Preconditions.checkNotNull(table, "connection table");
    }

    /** The director's own MAC address (low 48 bits), written as the source of forwarded frames. */
    public PacketPath localMac(long mac) {
        this.localMac = checkMac(mac);
        return this;
    }

    /** The MAC address (low 48 bits) of a service's destination, for direct routing and frames. */
    public PacketPath destinationMac(int service, int handle, long mac) {
        Preconditions.checkInRange(service, 0, 1 << 16, "service");
        Preconditions.checkInRange(handle, 0, 1 << 20, "destination");
        checkMac(mac);
        if (service >= macs.length) {
            macs = Arrays.copyOf(macs, service + 1);
        }
        long[] m = macs[service];
        if (m == null || handle >= m.length) {
            m = m == null ? new long[Math.max(8, handle + 1)] : Arrays.copyOf(m, Math.max(handle + 1, m.length * 2));
            macs[service] = m;
        }
        m[handle] = mac;
        return this;
    }

    /**
     * How a tunnelling destination is encapsulated, as its real server says (ipvsadm
     * {@code --tun-type}, {@code --tun-port}, {@code --tun-csum}/{@code --tun-nocsum}/
     * {@code --tun-remcsum}), and the outer source address for it ({@code null}: the path's
     * {@link #tunnelSourceIpv4}/{@link #tunnelSourceIpv6}). {@link TunnelChecksum#REMCSUM} sends
     * GUE without a checksum, as the kernel does for packets whose checksum is already complete
     * (remote checksum offload only applies to checksums left to the device).
     */
    public PacketPath destinationTunnel(int service, int handle, TunnelType type, int port, TunnelChecksum checksum,
            InetAddress source) {
        Preconditions.checkInRange(service, 0, 1 << 16, "service");
        Preconditions.checkInRange(handle, 0, 1 << 20, "destination");
        Preconditions.checkNotNull(type, "tunnel type");
        Preconditions.checkNotNull(checksum, "tunnel checksum");
        if (type == TunnelType.GUE) {
            Preconditions.checkInRange(port, 1, 65535, "tunnel port");
        } else {
            Preconditions.checkArgument(port == 0, "tunnel port", port, "0 for " + type.ipvsadmName());
        }
        long meta = TUN_SET | (long) type.kernelValue() << TUN_TYPE_SHIFT
                | (long) (checksum == TunnelChecksum.CSUM ? 1 : 0) << TUN_FLAGS_SHIFT | (long) port << TUN_PORT_SHIFT;
        long hi = 0;
        long lo = 0;
        if (source instanceof Inet4Address) {
            byte[] a = source.getAddress();
            meta |= TUN_SOURCE4 | ((a[0] & 0xFFL) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | a[3] & 0xFF);
        } else if (source != null) {
            byte[] a = source.getAddress();
            meta |= TUN_SOURCE6;
            for (int i = 0; i < 8; i++) {
                hi = hi << 8 | (a[i] & 0xFF);
                lo = lo << 8 | (a[8 + i] & 0xFF);
            }
        }
        if (service >= tunnels.length) {
            tunnels = Arrays.copyOf(tunnels, service + 1);
        }
        long[] t = tunnels[service];
        int k = handle * 3;
        if (t == null || k + 3 > t.length) {
            t = t == null ? new long[Math.max(24, k + 3)] : Arrays.copyOf(t, Math.max(k + 3, t.length * 2));
            tunnels[service] = t;
        }
        t[k] = meta;
        t[k + 1] = hi;
        t[k + 2] = lo;
        return this;
    }

    /**
     * The kernel's {@code net.ipv4.vs.sloppy_tcp} (default off): a TCP packet of an unknown flow of
     * a service that is not a SYN (an ACK, a FIN, a SYN with ACK; never a RST) is scheduled as a new
     * connection instead of dropped as {@link DropReason#NOT_INITIAL}, so a flow that several
     * active directors share (ECMP, with {@code mh}) and that moves to this one mid-way goes on to
     * the real server the others picked. Such a connection is admitted like any new one ({@link
     * DropReason#TABLE_FULL}, {@link DropReason#EARLY_DROP}) and counts as half-open for the flood
     * defence until the real server answers ({@link ConnectionTable#markSloppy}).
     */
    public PacketPath sloppyTcp(boolean on) {
        this.sloppyTcp = on;
        return this;
    }

    /**
     * The kernel's {@code net.ipv4.vs.sloppy_sctp} (default off): as {@link #sloppyTcp} for an SCTP
     * packet whose first chunk is not INIT (never an ABORT).
     */
    public PacketPath sloppySctp(boolean on) {
        this.sloppySctp = on;
        return this;
    }

    /** The outer source address of IPv4 tunnels (host order). */
    public PacketPath tunnelSourceIpv4(int address) {
        this.tunnelSource4 = address;
        return this;
    }

    /** The outer source address of IPv6 tunnels. */
    public PacketPath tunnelSourceIpv6(long high, long low) {
        this.tunnelSourceHi = high;
        this.tunnelSourceLo = low;
        return this;
    }

    private static long checkMac(long mac) {
        Preconditions.checkArgument((mac & ~0xFFFF_FFFF_FFFFL) == 0, "mac", Long.toHexString(mac), "48 bits");
        return mac;
    }

    /** The drop counters. */
    public DropCounters drops() {
        return drops;
    }

    /** The connection of the last forwarded packet, or {@link ConnectionTable#NONE}. */
    public int lastConnection() {
        return lastConnection;
    }

    /**
     * Whether the last packet forwarded to a real server opened its connection: the scheduler
     * picked the real server for it (what the kernel counts as the destination's {@code Conns}).
     */
    public boolean lastScheduled() {
        return lastScheduled;
    }

    /** The reason of the last drop, or {@code null} if the last packet was forwarded. */
    public DropReason lastDrop() {
        return lastDrop;
    }

    /** Processes an Ethernet II frame at the buffer's reader index, rewriting it in place. */
    public Verdict processFrame(ByteBuf frame) {
        Preconditions.checkNotNull(frame, "frame");
        DropReason r = h.parseFrame(frame);
        return r != null ? drop(r) : route();
    }

    /**
     * Adds a frame (from its reader to its writer index) to the batch that {@link #prefetchBatch}
     * reads ahead: works out the connection-table index slots that {@link #processFrame} will look
     * up for it (both ends of its flow, as it cannot yet tell a client's packet from a real
     * server's), changing nothing. Frames it cannot read are skipped; {@link #processFrame} will
     * count them.
     */
    public void prefetchFrame(ByteBuf frame) {
        Preconditions.checkNotNull(frame, "frame");
        if (prefetchCount > prefetchSlots.length - 2) {
            prefetchBatch(); // a batch larger than the slots kept: read what is there
        }
        prefetchCount = indexSlots(frame, prefetchSlots, prefetchCount);
    }

    /**
     * Reads the connection-table lines of the frames added with {@link #prefetchFrame} since the
     * last call (index lines, then the entries found there), all together, and starts a new batch. Call it with a received batch before
     * processing its frames: when the table is larger than the CPU caches their lookups then find
     * the lines cached, the memory accesses of the whole batch having overlapped ({@link
     * ConnectionTable#prefetch}).
     */
    public void prefetchBatch() {
        table.prefetch(prefetchSlots, 0, prefetchCount, true);
        prefetchCount = 0;
    }

    /** {@link #prefetchFrame} for each of {@code count} frames from {@code from}, then {@link #prefetchBatch}. */
    public void prefetchFrames(ByteBuf[] frames, int from, int count) {
        Objects.checkFromIndexSize(from, count, frames.length);
        for (int i = from, end = from + count; i < end; i++) {
            prefetchFrame(frames[i]);
        }
        prefetchBatch();
    }

    /** Adds the index slots of a frame's two ends to {@code at} from {@code n}; returns the new n. */
    private int indexSlots(ByteBuf frame, int[] at, int n) {
        int off = frame.readerIndex();
        int end = frame.writerIndex();
        if (end - off < 14) {
            return n;
        }
        int type = frame.getUnsignedShort(off + 12);
        int ip = off + 14;
        if (type == 0x0800) {
            if (end - ip < 20) {
                return n;
            }
            int vihl = frame.getUnsignedByte(ip);
            int ihl = (vihl & 0xF) << 2;
            if (vihl >> 4 != 4 || ihl < 20 || end - ip < ihl + 4) {
                return n;
            }
            int proto = frame.getUnsignedByte(ip + 9);
            at[n] = table.indexSlotIpv4(proto, frame.getInt(ip + 12), frame.getUnsignedShort(ip + ihl));
            at[n + 1] = table.indexSlotIpv4(proto, frame.getInt(ip + 16), frame.getUnsignedShort(ip + ihl + 2));
            return n + 2;
        }
        if (type == 0x86DD && end - ip >= 44 && frame.getUnsignedByte(ip) >> 4 == 6) {
            int proto = frame.getUnsignedByte(ip + 6); // without extension headers
            at[n] = table.indexSlotIpv6(proto, frame.getLong(ip + 8), frame.getLong(ip + 16),
                    frame.getUnsignedShort(ip + 40));
            at[n + 1] = table.indexSlotIpv6(proto, frame.getLong(ip + 24), frame.getLong(ip + 32),
                    frame.getUnsignedShort(ip + 42));
            return n + 2;
        }
        return n;
    }

    /** Processes a bare IPv4/IPv6 packet at the buffer's reader index, rewriting it in place. */
    public Verdict processIp(ByteBuf packet) {
        Preconditions.checkNotNull(packet, "packet");
        DropReason r = h.parseIp(packet);
        return r != null ? drop(r) : route();
    }

    private Verdict drop(DropReason r) {
        drops.drop(r);
        lastDrop = r;
        lastConnection = ConnectionTable.NONE;
        lastScheduled = false;
        return Verdict.DROP;
    }

    private Verdict route() {
        lastDrop = null;
        lastScheduled = false;
        if (h.icmpError) {
            return icmp();
        }
        boolean v6 = h.version == 6;
        int proto = h.protocol;
        int arg = proto == PacketHeaders.TCP ? h.tcpFlags : proto == PacketHeaders.SCTP ? h.sctpChunk : 0;
        int id = v6 ? table.lookupInIpv6(proto, h.srcHi, h.srcLo, h.sport, h.dstHi, h.dstLo, h.dport)
                : table.lookupInIpv4(proto, (int) h.srcLo, h.sport, (int) h.dstLo, h.dport);
        if (id != ConnectionTable.NONE) {
            boolean opens = proto == PacketHeaders.TCP ? (h.tcpFlags & 0x02) != 0
                    : proto == PacketHeaders.SCTP && h.sctpChunk == 1;
            if (!opens || !table.reuse(id, arg)) {
                return toRealServer(id, arg, false);
            }
            // conn_reuse_mode expired it: schedule this SYN or INIT afresh
        } else {
            id = v6 ? table.lookupOutIpv6(proto, h.srcHi, h.srcLo, h.sport, h.dstHi, h.dstLo, h.dport)
                    : table.lookupOutIpv4(proto, (int) h.srcLo, h.sport, (int) h.dstLo, h.dport);
            if (id != ConnectionTable.NONE) {
                return toClient(id, arg, false);
            }
        }
        int svc = v6 ? table.findServiceIpv6(proto, h.dstHi, h.dstLo, h.dport)
                : table.findServiceIpv4(proto, (int) h.dstLo, h.dport);
        if (svc == ConnectionTable.NONE) {
            return drop(DropReason.NO_SERVICE);
        }
        boolean midFlow = false;
        if (proto == PacketHeaders.TCP && (h.tcpFlags & 0x12) != 0x02) {
            if (!sloppyTcp || (h.tcpFlags & 0x04) != 0) {
                return drop(DropReason.NOT_INITIAL);
            }
            midFlow = true;
        } else if (proto == PacketHeaders.SCTP && h.sctpChunk != 1) {
            if (!sloppySctp || h.sctpChunk == 6) {
                return drop(DropReason.NOT_INITIAL);
            }
            midFlow = true;
        }
        id = v6 ? table.connectIpv6(svc, proto, h.srcHi, h.srcLo, h.sport, h.dstHi, h.dstLo, h.dport)
                : table.connectIpv4(svc, proto, (int) h.srcLo, h.sport, (int) h.dstLo, h.dport);
        if (id < 0) {
            return drop(id == ConnectionTable.NONE ? DropReason.NO_DESTINATION
                    : id == ConnectionTable.FULL ? DropReason.TABLE_FULL : DropReason.EARLY_DROP);
        }
        if (midFlow) {
            table.markSloppy(id);
        }
        Verdict v = toRealServer(id, arg, false);
        lastScheduled = v == Verdict.TO_REAL_SERVER;
        return v;
    }

    private Verdict icmp() {
        int p = h.innerProtocol;
        boolean v6 = h.version == 6;
        // client side: it quotes our packet to the client (virtual -> client)
        int id = v6 ? table.lookupInIpv6(p, h.innerDstHi, h.innerDstLo, h.innerDport, h.innerSrcHi, h.innerSrcLo,
                h.innerSport) : table.lookupInIpv4(p, (int) h.innerDstLo, h.innerDport, (int) h.innerSrcLo, h.innerSport);
        if (id != ConnectionTable.NONE) {
            return toRealServer(id, 0, true);
        }
        // real server side: it quotes the packet we sent it (client -> destination)
        id = v6 ? table.lookupOutIpv6(p, h.innerDstHi, h.innerDstLo, h.innerDport, h.innerSrcHi, h.innerSrcLo,
                h.innerSport) : table.lookupOutIpv4(p, (int) h.innerDstLo, h.innerDport, (int) h.innerSrcLo, h.innerSport);
        if (id != ConnectionTable.NONE) {
            return toClient(id, 0, true);
        }
        return drop(DropReason.ICMP_NOT_OURS);
    }

    private Verdict toRealServer(int id, int arg, boolean icmp) {
        boolean destV6 = table.destinationIsIpv6(id);
        int fwd = table.forwardingOf(id);
        if (!icmp) {
            if (table.inbound(id, arg) == ConnectionTable.DROP) {
                return drop(DropReason.DESTINATION_GONE);
            }
        }
        int svc = table.service(id);
        int dest = table.destination(id);
        long mac = mac(svc, dest);
        int eth = h.ethOffset;
        DropReason r;
        if (fwd == MASQ || fwd == LOCAL) {
            if (destV6 != (h.version == 6)) {
                return drop(DropReason.UNSUPPORTED_PROTOCOL);
            }
            long hi = table.destinationHigh(id);
            long lo = table.destinationLow(id);
            int port = table.destinationPort(id);
            r = icmp ? rewriter.icmpInbound(h, hi, lo, port) : rewriter.natInbound(h, hi, lo, port);
        } else if (fwd == TUNNEL) {
            if (destV6 != (h.version == 6)) {
                return drop(DropReason.UNSUPPORTED_PROTOCOL);
            }
            r = tunnel(id, svc, dest);
        } else { // ROUTE
            if (eth < 0 || mac == 0) {
                return drop(DropReason.NO_LINK_ADDRESS);
            }
            r = null;
        }
        if (r != null) {
            return drop(r);
        }
        if (h.ethOffset >= 0 && mac != 0) {
            PacketRewriter.directRouteU(h.buf, h.ethOffset, mac, localMac);
        }
        lastConnection = id;
        return Verdict.TO_REAL_SERVER;
    }

    private Verdict toClient(int id, int arg, boolean icmp) {
        int fwd = table.forwardingOf(id);
        if (fwd != MASQ && fwd != LOCAL) {
            return drop(DropReason.NO_SERVICE);
        }
        if (!icmp) {
            table.outbound(id, arg);
        }
        long hi = table.virtualHigh(id);
        long lo = table.virtualLow(id);
        int port = table.virtualPort(id);
        DropReason r = icmp ? rewriter.icmpOutbound(h, hi, lo, port) : rewriter.natOutbound(h, hi, lo, port);
        if (r != null) {
            return drop(r);
        }
        lastConnection = id;
        return Verdict.TO_CLIENT;
    }

    private DropReason tunnel(int id, int s, int d) {
        int k = d * 3;
        long[] t = s < tunnels.length ? tunnels[s] : null;
        long meta = t != null && k + 2 < t.length ? t[k] : 0;
        int type = (int) (meta >>> TUN_TYPE_SHIFT) & 3;
        boolean csum = (meta >>> TUN_FLAGS_SHIFT & 1) != 0;
        if (h.version == 6) {
            if (type != 0) {
                return DropReason.UNSUPPORTED_PROTOCOL;
            }
            boolean own = (meta & TUN_SOURCE6) != 0;
            return rewriter.ip6ip6(h, own ? t[k + 1] : tunnelSourceHi, own ? t[k + 2] : tunnelSourceLo,
                    table.destinationHigh(id), table.destinationLow(id));
        }
        int src = (meta & TUN_SOURCE4) != 0 ? (int) meta : tunnelSource4;
        int dst = (int) table.destinationLow(id);
        if (type == GRE) {
            return rewriter.gre4(h, src, dst, csum);
        }
        if (type == GUE) {
            return rewriter.gue4(h, src, dst, gueSourcePort(), (int) (meta >>> TUN_PORT_SHIFT) & 0xFFFF, csum);
        }
        return rewriter.ipip(h, src, dst);
    }

    /** A source port from the inner flow's hash, in the kernel's default ephemeral range. */
    private int gueSourcePort() {
        long x = (h.srcLo ^ h.srcHi * 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL
                ^ (h.dstLo + ((long) h.sport << 16 | h.dport) + h.protocol) * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 32;
        return GUE_PORT_LOW + (int) (((x & 0xFFFFFFFFL) * GUE_PORT_COUNT) >>> 32);
    }

    private long mac(int s, int d) {
        if (s >= macs.length || macs[s] == null) {
            return 0;
        }
        long[] m = macs[s];
        return d < m.length ? m[d] : 0;
    }
}
