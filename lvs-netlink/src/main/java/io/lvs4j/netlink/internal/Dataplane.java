package io.lvs4j.netlink.internal;

import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.packet.PacketPath;
import io.lvs4j.packet.Verdict;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The userspace forwarder's engine: frames in from {@link PacketSocket}s, through a
 * {@link PacketPath}, out of the right interface with the right link addresses; ARP for the real
 * servers (resolved by the engine itself) and, when asked, answers to ARP requests for the virtual
 * addresses. IPv4 only. One thread calls everything.
 *
 * <p>Link addresses: a frame to a real server gets the real server's MAC (learnt from its ARP
 * replies) and the outgoing interface's MAC; a NAT reply to a client gets the MAC that client's
 * packets of the same connection came from (the client, or its router), out of the interface they
 * came in on. A real server joins its service's scheduler only once its MAC is known, so no
 * connection is scheduled to a destination the engine cannot reach.
 */
public final class Dataplane {
    private static final int ETH_ARP = 0x0806;
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** Unresolved real servers are asked for every this often. */
    static final long ARP_RETRY_NANOS = 200_000_000L;
    /** Resolved real servers are asked again every this often (their answer refreshes the MAC). */
    static final long ARP_REFRESH_NANOS = 30_000_000_000L;

    private final PacketSocket[] sockets;
    private final long[] ifMac;
    private final int[][] ifAddr;
    private final int[][] ifPrefix;
    private final boolean answerArp;
    private final ConnectionTable table;
    private final PacketPath path;
    private final List<Svc> services = new ArrayList<>();
    private final List<Rs> servers = new ArrayList<>();
    private int[] vips = new int[0];
    private long[] peerMac;
    private byte[] peerIf;

    // counters (single writer: the engine thread)
    long received;
    long toRealServer;
    long toClient;
    long truncated;
    long notForUs;
    long unresolved;
    long arpAnswered;
    long arpRequests;
    long checksumsCompleted;

    private static final class Svc {
        final VirtualService settings;
        final int id;
        final DestinationTable dests;
        final int vip;
        int[] rsIface = new int[8];
        long[] rsMac = new long[8];

        Svc(VirtualService settings, int id, DestinationTable dests) {
            this.settings = settings;
            this.id = id;
            this.dests = dests;
            this.vip = ipv4(settings.key().address());
        }
    }

    private static final class Rs {
        final Svc svc;
        RealServer settings;
        final int ip;
        final int iface;
        final int sourceIp;
        long mac;
        int handle = DestinationTable.NONE;
        long nextArp;

        Rs(Svc svc, RealServer settings, int iface, int sourceIp) {
            this.svc = svc;
            this.settings = settings;
            this.ip = ipv4(settings.address());
            this.iface = iface;
            this.sourceIp = sourceIp;
        }
    }

    /**
     * An engine over those sockets; {@code ifMac[i]}, {@code ifAddr[i]} and {@code ifPrefix[i]}
     * describe socket {@code i}'s interface (its MAC and IPv4 addresses, host order).
     */
    public Dataplane(PacketSocket[] sockets, long[] ifMac, int[][] ifAddr, int[][] ifPrefix, boolean answerArp,
            ConnectionTable table) {
        this.sockets = sockets.clone();
        this.ifMac = ifMac.clone();
        this.ifAddr = ifAddr.clone();
        this.ifPrefix = ifPrefix.clone();
        this.answerArp = answerArp;
        this.table = table;
        this.path = new PacketPath(table).localMac(ifMac[0]);
        int n = 1024;
        peerMac = new long[n];
        peerIf = new byte[n];
    }

    static int ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    /** The packet path (for its drop counters). */
    public PacketPath path() {
        return path;
    }

    /** Adds a service without real servers; returns its index for {@link #addRealServer}. */
    public int addService(VirtualService vs) {
        Preconditions.checkArgument(!vs.key().isFwmark(), "virtual service", vs.key(),
                "an address and port (firewall marks are not seen in userspace)");
        Preconditions.checkArgument(vs.key().address() instanceof Inet4Address, "virtual service", vs.key(),
                "an IPv4 service (the forwarder resolves link addresses with ARP only)");
        DestinationTable d = DestinationTable.create(vs.family());
        ServiceScheduler sched = ServiceScheduler.builder(vs.scheduler(), d).flags(vs.flags()).build();
        int id = table.addService(vs, sched); // its real servers join later, when resolved
        Preconditions.checkState(id == services.size(), "service id", id, services.size() + " (a table of its own)");
        Svc s = new Svc(vs, id, d);
        services.add(s);
        int[] v = Arrays.copyOf(vips, vips.length + 1);
        v[vips.length] = s.vip;
        vips = v;
        return services.size() - 1;
    }

    /** Which interface (socket index) has a connected IPv4 subnet holding {@code address}, or -1. */
    public int interfaceFor(InetAddress address) {
        int ip = ipv4(address);
        for (int i = 0; i < ifAddr.length; i++) {
            for (int k = 0; k < ifAddr[i].length; k++) {
                int p = ifPrefix[i][k];
                int mask = p == 0 ? 0 : -1 << (32 - p);
                if ((ifAddr[i][k] & mask) == (ip & mask) && p < 32) {
                    return i;
                }
            }
        }
        return -1;
    }

    private int sourceFor(int iface, int ip) {
        for (int k = 0; k < ifAddr[iface].length; k++) {
            int p = ifPrefix[iface][k];
            int mask = p == 0 ? 0 : -1 << (32 - p);
            if ((ifAddr[iface][k] & mask) == (ip & mask)) {
                return ifAddr[iface][k];
            }
        }
        return ifAddr[iface][0];
    }

    /**
     * Adds a real server to service {@code service}: asked for with ARP at once; it joins the
     * scheduler when its MAC is known.
     */
    public void addRealServer(int service, RealServer rs) {
        Svc s = services.get(service);
        Preconditions.checkArgument(rs.address() instanceof Inet4Address, "real server", rs.endpoint(),
                "an IPv4 address");
        Preconditions.checkArgument(rs.forwarding() != Forwarding.LOCAL, "forwarding", rs.forwarding(),
                "masquerading, direct routing or tunnelling (no local delivery in userspace)");
        for (Rs r : servers) {
            Preconditions.checkArgument(!(r.svc == s && r.settings.address().equals(rs.address())
                    && r.settings.port() == rs.port()), "real server", rs.endpoint(), "not yet in " + s.settings.key());
        }
        int iface = interfaceFor(rs.address());
        Preconditions.checkArgument(iface >= 0, "real server", rs.endpoint(),
                "an address in a connected IPv4 subnet of the forwarder's interfaces");
        Rs r = new Rs(s, rs, iface, sourceFor(iface, ipv4(rs.address())));
        for (Rs o : servers) {
            if (o.ip == r.ip && o.iface == iface && o.mac != 0) {
                r.mac = o.mac;
            }
        }
        servers.add(r);
        if (r.mac != 0) {
            activate(r);
        }
    }

    /** Removes a real server: it takes no new connections; returns false if it was not there. */
    public boolean removeRealServer(int service, InetAddress address, int port) {
        Svc s = services.get(service);
        for (int i = 0; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (r.svc == s && r.settings.address().equals(address) && r.settings.port() == port) {
                if (r.handle != DestinationTable.NONE) {
                    s.dests.remove(r.handle);
                }
                servers.remove(i);
                return true;
            }
        }
        return false;
    }

    /**
     * Sets a real server's weight (0 quiesces it: no new connections, existing ones go on);
     * returns false if it is not in the service.
     */
    public boolean weight(int service, InetAddress address, int port, int weight) {
        Svc s = services.get(service);
        Preconditions.checkInRange(weight, 0, RealServer.MAX_WEIGHT, "weight");
        for (Rs r : servers) {
            if (r.svc == s && r.settings.address().equals(address) && r.settings.port() == port) {
                r.settings = r.settings.withWeight(weight);
                if (r.handle != DestinationTable.NONE) {
                    s.dests.weight(r.handle, weight);
                }
                return true;
            }
        }
        return false;
    }

    /** Real servers whose MAC is not known yet. */
    public int unresolvedServers() {
        int n = 0;
        for (Rs r : servers) {
            n += r.mac == 0 ? 1 : 0;
        }
        return n;
    }

    private void activate(Rs r) {
        Svc s = r.svc;
        RealServer rs = r.settings;
        int h = s.dests.add(rs.address(), rs.port(), rs.weight(), rs.lowerThreshold(), rs.upperThreshold());
        table.forwarding(s.id, h, rs.forwarding());
        r.handle = h;
        learnt(r);
    }

    private void learnt(Rs r) {
        Svc s = r.svc;
        int h = r.handle;
        if (h >= s.rsMac.length) {
            s.rsMac = Arrays.copyOf(s.rsMac, Math.max(h + 1, s.rsMac.length * 2));
            s.rsIface = Arrays.copyOf(s.rsIface, s.rsMac.length);
        }
        s.rsMac[h] = r.mac;
        s.rsIface[h] = r.iface;
        path.destinationMac(s.id, h, r.mac);
    }

    /** Sends ARP requests that are due; call now and then (every few ms is fine). */
    public void timers(long nanos) {
        for (int i = 0; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (nanos - r.nextArp >= 0) {
                r.nextArp = nanos + (r.mac == 0 ? ARP_RETRY_NANOS : ARP_REFRESH_NANOS);
                PacketSocket out = sockets[r.iface];
                int at = out.scratchSlot();
                arpFrame(out.scratch(), at, 1, ifMac[r.iface], r.sourceIp, BROADCAST, 0, r.ip);
                out.queueScratch(at, 60);
                arpRequests++;
            }
        }
        table.advance();
        for (PacketSocket s : sockets) {
            s.flush();
        }
    }

    /** Receives and forwards what socket {@code k} has, at most {@code rounds} batches; returns frames seen. */
    public int poll(int k, int rounds) {
        PacketSocket s = sockets[k];
        int total = 0;
        for (int round = 0; round < rounds; round++) {
            int n = s.receive();
            if (n <= 0) {
                break;
            }
            total += n;
            for (int i = 0; i < n; i++) {
                frame(k, s, i);
            }
            for (PacketSocket o : sockets) {
                o.flush();
            }
            if (n < s.batch()) {
                break;
            }
        }
        return total;
    }

    private void frame(int k, PacketSocket s, int i) {
        received++;
        int type = s.packetType(i);
        if (type == PacketSocket.PACKET_OUTGOING) {
            received--;
            return;
        }
        if (s.truncated(i)) {
            truncated++;
            return;
        }
        ByteBuf b = s.frames();
        int off = PacketSocket.frameOffset(i);
        int len = s.length(i);
        if (len >= 14 && b.getUnsignedShort(off + 12) == ETH_ARP) {
            arp(k, s, b, off, len);
            return;
        }
        if (type != PacketSocket.PACKET_HOST) {
            notForUs++;
            return;
        }
        if (s.checksumNotReady(i) && L4Checksum.complete(b, off, len)) {
            checksumsCompleted++;
        }
        long src = len >= 12 ? (b.getUnsignedShort(off + 6) & 0xFFFFL) << 32 | b.getUnsignedInt(off + 8) : 0;
        b.setIndex(off, off + len);
        Verdict v = path.processFrame(b);
        if (v == Verdict.TO_REAL_SERVER) {
            int id = path.lastConnection();
            if (id >= peerMac.length) {
                int n = Math.max(id + 1, peerMac.length * 2);
                peerMac = Arrays.copyOf(peerMac, n);
                peerIf = Arrays.copyOf(peerIf, n);
            }
            peerMac[id] = src;
            peerIf[id] = (byte) k;
            Svc svc = services.get(table.service(id));
            int h = table.destination(id);
            long mac = h < svc.rsMac.length ? svc.rsMac[h] : 0;
            if (mac == 0) {
                unresolved++;
                return;
            }
            int out = svc.rsIface[h];
            send(out, s, b, mac);
            toRealServer++;
        } else if (v == Verdict.TO_CLIENT) {
            int id = path.lastConnection();
            long mac = id < peerMac.length ? peerMac[id] : 0;
            if (mac == 0) {
                unresolved++;
                return;
            }
            send(peerIf[id], s, b, mac);
            toClient++;
        }
    }

    private void send(int out, PacketSocket from, ByteBuf b, long dstMac) {
        int e = b.readerIndex();
        long src = ifMac[out];
        b.setInt(e, (int) (dstMac >>> 16));
        b.setShort(e + 4, (int) dstMac);
        b.setShort(e + 6, (int) (src >>> 32));
        b.setInt(e + 8, (int) src);
        sockets[out].queue(from, e, b.readableBytes());
    }

    private void arp(int k, PacketSocket s, ByteBuf b, int off, int len) {
        if (len < 42 || b.getUnsignedShort(off + 14) != 1 || b.getUnsignedShort(off + 16) != 0x0800
                || b.getUnsignedByte(off + 18) != 6 || b.getUnsignedByte(off + 19) != 4) {
            return;
        }
        int op = b.getUnsignedShort(off + 20);
        long sha = (b.getUnsignedShort(off + 22) & 0xFFFFL) << 32 | b.getUnsignedInt(off + 24);
        int spa = b.getInt(off + 28);
        int tpa = b.getInt(off + 38);
        if (sha != 0 && (sha & 0x0100_0000_0000L) == 0) { // unicast sender
            for (int i = 0; i < servers.size(); i++) {
                Rs r = servers.get(i);
                if (r.ip == spa && r.iface == k && r.mac != sha) {
                    r.mac = sha;
                    if (r.handle == DestinationTable.NONE) {
                        activate(r);
                    } else {
                        learnt(r);
                    }
                }
            }
        }
        if (op == 1 && answerArp && isVip(tpa) && spa != tpa && sha != 0) {
            int at = s.scratchSlot();
            arpFrame(s.scratch(), at, 2, ifMac[k], tpa, sha, sha, spa);
            s.queueScratch(at, 60);
            arpAnswered++;
        }
    }

    private boolean isVip(int ip) {
        for (int v : vips) {
            if (v == ip) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes a 60-byte Ethernet ARP frame (padded): Ethernet to {@code ethDst} from {@code sha};
     * operation {@code op}, sender {@code sha}/{@code spa}, target {@code tha}/{@code tpa}.
     */
    static void arpFrame(ByteBuf b, int at, int op, long sha, int spa, long ethDst, long tha, int tpa) {
        b.setInt(at, (int) (ethDst >>> 16));
        b.setShort(at + 4, (int) ethDst);
        b.setShort(at + 6, (int) (sha >>> 32));
        b.setInt(at + 8, (int) sha);
        b.setShort(at + 12, ETH_ARP);
        b.setShort(at + 14, 1);
        b.setShort(at + 16, 0x0800);
        b.setByte(at + 18, 6);
        b.setByte(at + 19, 4);
        b.setShort(at + 20, op);
        b.setShort(at + 22, (int) (sha >>> 32));
        b.setInt(at + 24, (int) sha);
        b.setInt(at + 28, spa);
        b.setShort(at + 32, (int) (tha >>> 32));
        b.setInt(at + 34, (int) tha);
        b.setInt(at + 38, tpa);
        b.setZero(at + 42, 18);
    }

    /** Sockets' frames that could not be sent, and that the kernel dropped before we read them. */
    public long sendErrors() {
        long n = 0;
        for (PacketSocket s : sockets) {
            n += s.sendErrors();
        }
        return n;
    }

    /** Frames the kernel dropped because a socket's receive buffer was full. */
    public long kernelDrops() {
        long n = 0;
        for (PacketSocket s : sockets) {
            n += s.kernelDrops();
        }
        return n;
    }

    /** The counters, in the order of {@code ForwarderStats}' fields. */
    public long[] counters() {
        return new long[] {received, toRealServer, toClient, truncated, notForUs, unresolved, arpRequests, arpAnswered,
            checksumsCompleted, sendErrors(), kernelDrops()};
    }

    /** Closes the sockets. */
    public void close() {
        for (PacketSocket s : sockets) {
            s.close();
        }
    }
}
