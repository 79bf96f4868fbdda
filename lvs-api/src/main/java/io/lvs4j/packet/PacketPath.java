package io.lvs4j.packet;

import io.lvs4j.Forwarding;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.conn.ConnectionTable;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

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
 * {@code sloppy_tcp}/{@code sloppy_sctp}. A SYN or INIT that matches a closing connection is
 * scheduled afresh under {@code conn_reuse_mode} ({@link ConnectionTable#reuse}). Firewall-mark services are not matched here (userspace
 * sees no marks); ICMP errors quoting a connection's packet follow that connection.
 *
 * <p>Frames ({@link #processFrame}) are Ethernet II; bare IP packets ({@link #processIp}) come from
 * a TUN device and cannot be sent by direct routing. Not thread-safe: one per packet thread, with
 * its own table.
 */
public final class PacketPath {
    private static final int MASQ = Forwarding.MASQ.kernelValue();
    private static final int LOCAL = Forwarding.LOCAL.kernelValue();
    private static final int TUNNEL = Forwarding.TUNNEL.kernelValue();

    private final ConnectionTable table;
    private final PacketHeaders h = new PacketHeaders();
    private final PacketRewriter rewriter = new PacketRewriter();
    private final DropCounters drops = new DropCounters();
    private long localMac;
    private long[][] macs = new long[0][];
    private int tunnelSource4;
    private long tunnelSourceHi;
    private long tunnelSourceLo;
    private int lastConnection = ConnectionTable.NONE;
    private DropReason lastDrop;

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
        return Verdict.DROP;
    }

    private Verdict route() {
        lastDrop = null;
        if (h.icmpError) {
            return icmp();
        }
        boolean v6 = h.version == 6;
        int proto = h.protocol;
        int arg = proto == PacketHeaders.TCP ? h.tcpFlags : proto == PacketHeaders.SCTP ? h.sctpChunk : 0;
        int id = v6 ? table.lookupInIpv6(proto, h.srcHi, h.srcLo, h.sport, h.dstHi, h.dstLo, h.dport)
                : table.lookupInIpv4(proto, (int) h.srcLo, h.sport, (int) h.dstLo, h.dport);
        boolean reused = false;
        if (id != ConnectionTable.NONE) {
            boolean opens = proto == PacketHeaders.TCP ? (h.tcpFlags & 0x02) != 0
                    : proto == PacketHeaders.SCTP && h.sctpChunk == 1;
            if (!opens || !table.reuse(id, arg)) {
                return toRealServer(id, arg, false);
            }
            reused = true; // conn_reuse_mode expired it: schedule this SYN or INIT afresh
        }
        if (!reused) {
            id = v6 ? table.lookupOutIpv6(proto, h.srcHi, h.srcLo, h.sport, h.dstHi, h.dstLo, h.dport)
                    : table.lookupOutIpv4(proto, (int) h.srcLo, h.sport, (int) h.dstLo, h.dport);
            if (id != ConnectionTable.NONE) {
                return toClient(id, arg, false);
            }
        }
        int svc = v6 ? table.findServiceIpv6(proto, h.dstHi, h.dstLo, h.dport)
                : table.findServiceIpv4(proto, (int) h.dstLo, h.dport);
        if (svc == ConnectionTable.NONE
                || proto == PacketHeaders.TCP && (h.tcpFlags & 0x12) != 0x02
                || proto == PacketHeaders.SCTP && h.sctpChunk != 1) {
            return drop(DropReason.NO_SERVICE);
        }
        id = v6 ? table.connectIpv6(svc, proto, h.srcHi, h.srcLo, h.sport, h.dstHi, h.dstLo, h.dport)
                : table.connectIpv4(svc, proto, (int) h.srcLo, h.sport, (int) h.dstLo, h.dport);
        if (id == ConnectionTable.NONE) {
            return drop(DropReason.NO_DESTINATION);
        }
        return toRealServer(id, arg, false);
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
        long mac = mac(id);
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
            r = h.version == 4 ? rewriter.ipip(h, tunnelSource4, (int) table.destinationLow(id))
                    : rewriter.ip6ip6(h, tunnelSourceHi, tunnelSourceLo, table.destinationHigh(id),
                            table.destinationLow(id));
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

    private long mac(int id) {
        int s = table.service(id);
        if (s >= macs.length || macs[s] == null) {
            return 0;
        }
        int d = table.destination(id);
        long[] m = macs[s];
        return d < m.length ? m[d] : 0;
    }
}
