package io.lvs4j.forwarder;

import io.lvs4j.netlink.internal.L4Checksum;
import io.lvs4j.netlink.internal.Ndp;
import io.lvs4j.netlink.internal.PacketSocket;

import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The userspace forwarder's engine: frames in from {@link PacketSocket}s, through a
 * {@link PacketPath}, out of the right interface with the right link addresses; ARP (IPv4) and
 * neighbour discovery (IPv6) for the real servers, resolved by the engine itself, and, when asked,
 * answers for the virtual addresses. One thread calls everything.
 *
 * <p>Link addresses: a frame to a real server gets the real server's MAC (learnt from its ARP
 * replies and requests to this director, gratuitous ARP or valid neighbour advertisements; see
 * {@link NeighbourRefusal}) and the outgoing interface's MAC; a NAT reply to a client gets the MAC
 * that client's packets of the same connection came from (the client, or its router), out of the interface they
 * came in on. A real server joins its service's scheduler only once its MAC is known, so no
 * connection is scheduled to a destination the engine cannot reach.
 */
final class Dataplane {
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
    private final long[][] if6Hi;
    private final long[][] if6Lo;
    private final int[][] if6Prefix;
    private final boolean answerArp;
    private final ConnectionTable table;
    private final PacketPath path;
    private final List<Svc> services = new ArrayList<>();
    private final List<Rs> servers = new ArrayList<>();
    private int[] vips = new int[0];
    private long[] vips6 = new long[0]; // pairs: high, low
    private int[] standby4 = new int[0]; // virtual addresses held by another director (VRRP backup)
    private long[] standby6 = new long[0]; // pairs: high, low
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
    /** ARP and neighbour discovery frames refused, by {@link NeighbourRefusal} ordinal. */
    final long[] neighbourRefused = new long[NeighbourRefusal.values().length];

    private static final class Svc {
        VirtualService settings;
        ServiceScheduler scheduler;
        boolean removed;
        final int id;
        final DestinationTable dests;
        final int vip;
        final long vipHi;
        final long vipLo;
        int[] rsIface = new int[8];
        long[] rsMac = new long[8];
        // per destination handle: packets and IP bytes to the real server (in) and back (out)
        long[] connections = new long[8];
        long[] packetsIn = new long[8];
        long[] packetsOut = new long[8];
        long[] bytesIn = new long[8];
        long[] bytesOut = new long[8];

        Svc(VirtualService settings, ServiceScheduler scheduler, int id, DestinationTable dests) {
            this.settings = settings.toBuilder().clearRealServers().build();
            this.scheduler = scheduler;
            this.id = id;
            this.dests = dests;
            byte[] a = settings.key().address().getAddress();
            this.vip = a.length == 4 ? ipv4(settings.key().address()) : 0;
            this.vipHi = a.length == 16 ? word(a, 0) : 0;
            this.vipLo = a.length == 16 ? word(a, 8) : 0;
        }
    }

    private static final class Rs {
        final Svc svc;
        RealServer settings;
        final int ip;
        final boolean v6;
        final long hi;
        final long lo;
        final int iface;
        final int sourceIp;
        long sourceHi;
        long sourceLo;
        long mac;
        int handle = DestinationTable.NONE;
        long nextArp;
        boolean countersReset;

        Rs(Svc svc, RealServer settings, int iface, int sourceIp) {
            this.svc = svc;
            this.settings = settings;
            byte[] a = settings.address().getAddress();
            this.v6 = a.length == 16;
            this.ip = v6 ? 0 : ipv4(settings.address());
            this.hi = v6 ? word(a, 0) : 0;
            this.lo = v6 ? word(a, 8) : 0;
            this.iface = iface;
            this.sourceIp = sourceIp;
        }
    }

    /**
     * An engine over those sockets; {@code ifMac[i]}, {@code ifAddr[i]} and {@code ifPrefix[i]}
     * describe socket {@code i}'s interface (its MAC and IPv4 addresses, host order), and the
     * {@code if6*} arrays its IPv6 addresses (upper and lower 64 bits, prefix lengths).
     */
    public Dataplane(PacketSocket[] sockets, long[] ifMac, int[][] ifAddr, int[][] ifPrefix, long[][] if6Hi,
            long[][] if6Lo, int[][] if6Prefix, boolean answerArp, ConnectionTable table) {
        this.sockets = sockets.clone();
        this.ifMac = ifMac.clone();
        this.ifAddr = ifAddr.clone();
        this.ifPrefix = ifPrefix.clone();
        this.if6Hi = if6Hi.clone();
        this.if6Lo = if6Lo.clone();
        this.if6Prefix = if6Prefix.clone();
        this.answerArp = answerArp;
        this.table = table;
        this.path = new PacketPath(table).localMac(ifMac[0]);
        int n = 1024;
        peerMac = new long[n];
        peerIf = new byte[n];
    }

    static long word(byte[] a, int at) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w = w << 8 | (a[at + i] & 0xFF);
        }
        return w;
    }

    /** Whether the first {@code prefix} bits of two IPv6 addresses agree. */
    static boolean samePrefix6(long aHi, long aLo, long bHi, long bLo, int prefix) {
        if (prefix <= 64) {
            long m = prefix == 0 ? 0 : -1L << (64 - prefix);
            return (aHi & m) == (bHi & m);
        }
        long m = prefix == 128 ? -1L : -1L << (128 - prefix);
        return aHi == bHi && (aLo & m) == (bLo & m);
    }

    static int ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    /** The packet path (for its drop counters). */
    public PacketPath path() {
        return path;
    }

    /** The connection table (for its fill and flood-defence counters). */
    public ConnectionTable connectionTable() {
        return table;
    }

    /** Adds a service without real servers; returns its index for {@link #addRealServer}. */
    public int addService(VirtualService vs) {
        Preconditions.checkArgument(!vs.key().isFwmark(), "virtual service", vs.key(),
                "an address and port (firewall marks are not seen in userspace)");
        DestinationTable d = DestinationTable.create(vs.family());
        ServiceScheduler sched = ServiceScheduler.builder(vs.scheduler(), d).flags(vs.flags()).build();
        int id = table.addService(vs, sched); // its real servers join later, when resolved
        Preconditions.checkState(id == services.size(), "service id", id, services.size() + " (a table of its own)");
        Svc s = new Svc(vs, sched, id, d);
        services.add(s);
        recomputeVips();
        return services.size() - 1;
    }

    /**
     * Puts a virtual address in standby (another director holds it, e.g. this one is VRRP backup)
     * or takes it back: in standby it is not answered for (ARP, neighbour solicitations), not
     * announced, and frames to it are dropped (counted as not for us); services, real servers and
     * connections stay. An address of no service may be put in standby ahead of its service.
     * Returns whether the standby state changed.
     */
    public boolean standby(InetAddress address, boolean on) {
        byte[] a = address.getAddress();
        boolean was;
        if (a.length == 4) {
            int ip = ipv4(address);
            was = contains(standby4, ip);
            if (was == on) {
                return false;
            }
            int[] n = new int[0];
            for (int v : standby4) {
                if (v != ip) {
                    n = Arrays.copyOf(n, n.length + 1);
                    n[n.length - 1] = v;
                }
            }
            if (on) {
                n = Arrays.copyOf(n, n.length + 1);
                n[n.length - 1] = ip;
            }
            standby4 = n;
        } else {
            long hi = word(a, 0);
            long lo = word(a, 8);
            was = contains6(standby6, hi, lo);
            if (was == on) {
                return false;
            }
            long[] n = new long[0];
            for (int i = 0; i < standby6.length; i += 2) {
                if (standby6[i] != hi || standby6[i + 1] != lo) {
                    n = Arrays.copyOf(n, n.length + 2);
                    n[n.length - 2] = standby6[i];
                    n[n.length - 1] = standby6[i + 1];
                }
            }
            if (on) {
                n = Arrays.copyOf(n, n.length + 2);
                n[n.length - 2] = hi;
                n[n.length - 1] = lo;
            }
            standby6 = n;
        }
        recomputeVips();
        return true;
    }

    private static boolean contains(int[] set, int ip) {
        for (int v : set) {
            if (v == ip) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains6(long[] set, long hi, long lo) {
        for (int i = 0; i < set.length; i += 2) {
            if (set[i] == hi && set[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    /** Whether a frame (Ethernet at {@code off}) is IPv4 or IPv6 to a virtual address in standby. */
    private boolean toStandby(ByteBuf b, int off, int len) {
        int type = b.getUnsignedShort(off + 12);
        if (type == 0x0800 && len >= 34) {
            return contains(standby4, b.getInt(off + 30));
        }
        return type == 0x86DD && len >= 54 && contains6(standby6, b.getLong(off + 38), b.getLong(off + 46));
    }

    /** The virtual addresses answered for: those of the services not removed, except those in standby. */
    private void recomputeVips() {
        int[] v4 = new int[0];
        long[] v6 = new long[0];
        for (Svc s : services) {
            if (s.removed) {
                continue;
            }
            if (s.settings.key().address() instanceof Inet4Address) {
                if (!contains(standby4, s.vip) && !contains(v4, s.vip)) {
                    v4 = Arrays.copyOf(v4, v4.length + 1);
                    v4[v4.length - 1] = s.vip;
                }
            } else {
                if (!contains6(standby6, s.vipHi, s.vipLo) && !contains6(v6, s.vipHi, s.vipLo)) {
                    v6 = Arrays.copyOf(v6, v6.length + 2);
                    v6[v6.length - 2] = s.vipHi;
                    v6[v6.length - 1] = s.vipLo;
                }
            }
        }
        vips = v4;
        vips6 = v6;
    }

    /**
     * Removes a service, as the kernel's deletion of a service: its real servers are unlinked
     * (their connections' client packets are dropped from then on, or the connections expired
     * with {@code expire_nodest_conn}), no new connection is scheduled to it, its virtual address
     * is no longer answered for unless another service has it. The connections expire in the
     * table as usual. Removing a removed service does nothing.
     */
    public void removeService(int service) {
        Svc s = services.get(service);
        if (s.removed) {
            return;
        }
        for (int i = servers.size() - 1; i >= 0; i--) {
            Rs r = servers.get(i);
            if (r.svc == s) {
                if (r.handle != DestinationTable.NONE) {
                    s.dests.remove(r.handle);
                }
                servers.remove(i);
            }
        }
        table.removeService(s.id);
        s.scheduler.close();
        s.removed = true;
        recomputeVips();
    }

    /**
     * Changes a service's scheduler, scheduler flags, persistence and netmask in place, as the
     * kernel's edit of a service: real servers and connections stay. The key must be the same.
     */
    public void updateService(int service, VirtualService vs) {
        Svc s = live(service);
        Preconditions.checkArgument(vs.key().equals(s.settings.key()), "virtual service", vs.key(),
                s.settings.key().toString());
        ServiceScheduler sched = ServiceScheduler.builder(vs.scheduler(), s.dests).flags(vs.flags()).build();
        try {
            table.updateService(s.id, vs, sched);
        } catch (RuntimeException e) {
            sched.close();
            throw e;
        }
        s.scheduler.close();
        s.scheduler = sched;
        s.settings = vs.toBuilder().clearRealServers().build();
    }

    private Svc live(int service) {
        Svc s = services.get(service);
        Preconditions.checkArgument(!s.removed, "service", s.settings.key(), "a service not removed");
        return s;
    }

    /** The index of the live service with that key, or -1. */
    public int serviceIndex(io.lvs4j.ServiceKey key) {
        for (int i = 0; i < services.size(); i++) {
            Svc s = services.get(i);
            if (!s.removed && s.settings.key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The settings (without real servers) of each live service, by index; removed ones are null. */
    public List<VirtualService> services() {
        List<VirtualService> out = new ArrayList<>(services.size());
        for (Svc s : services) {
            out.add(s.removed ? null : s.settings);
        }
        return out;
    }

    /**
     * A real server of a service as the forwarder holds it: its settings, connection counts (0
     * until its MAC is known and it joined the scheduler) and packet and byte counters (IP bytes).
     */
    public record Dest(RealServer server, boolean resolved, int active, int inactive, long connections,
            long packetsIn, long packetsOut, long bytesIn, long bytesOut) {}

    /** The real servers of a live service, newest first (as the kernel lists them). */
    public List<Dest> destinations(int service) {
        Svc s = live(service);
        List<Dest> out = new ArrayList<>();
        for (int i = servers.size() - 1; i >= 0; i--) {
            Rs r = servers.get(i);
            if (r.svc != s) {
                continue;
            }
            int h = r.handle;
            if (h == DestinationTable.NONE) {
                out.add(new Dest(r.settings, false, 0, 0, 0, 0, 0, 0, 0));
            } else {
                boolean c = h < s.packetsIn.length;
                out.add(new Dest(r.settings, true, s.dests.activeConnections(h), s.dests.inactiveConnections(h),
                        c ? s.connections[h] : 0, c ? s.packetsIn[h] : 0, c ? s.packetsOut[h] : 0, c ? s.bytesIn[h] : 0, c ? s.bytesOut[h] : 0));
            }
        }
        return out;
    }

    /** Whether the service has that real server. */
    public boolean hasRealServer(int service, InetAddress address, int port) {
        return find(services.get(service), address, port) != null;
    }

    /** The real server of service {@code s} at {@code address}:{@code port}, or null. */
    private Rs find(Svc s, InetAddress address, int port) {
        for (Rs r : servers) {
            if (r.svc == s && r.settings.address().equals(address) && r.settings.port() == port) {
                return r;
            }
        }
        return null;
    }

    /**
     * Checks that a real server can join service {@code service} (family, forwarding method, a
     * connected subnet) without adding it; throws IllegalArgumentException saying why not.
     */
    public void checkRealServer(int service, RealServer rs) {
        Svc s = live(service);
        Preconditions.checkArgument(rs.family() == s.settings.family(), "real server", rs.endpoint(),
                "an address of the service's family, " + s.settings.family());
        Preconditions.checkArgument(rs.forwarding() != Forwarding.LOCAL, "forwarding", rs.forwarding(),
                "masquerading, direct routing or tunnelling (no local delivery in userspace)");
        Preconditions.checkArgument(interfaceFor(rs.address()) >= 0, "real server", rs.endpoint(),
                "an address in a connected subnet of the forwarder's interfaces");
    }

    /**
     * Changes a real server's weight, thresholds and forwarding method in place, as the kernel's
     * edit of a destination; its connections stay. Returns false if it is not in the service.
     */
    public boolean editRealServer(int service, RealServer rs) {
        Svc s = live(service);
        Preconditions.checkArgument(rs.forwarding() != Forwarding.LOCAL, "forwarding", rs.forwarding(),
                "masquerading, direct routing or tunnelling (no local delivery in userspace)");
        Rs r = find(s, rs.address(), rs.port());
        if (r == null) {
            return false;
        }
        r.settings = rs;
        if (r.handle != DestinationTable.NONE) {
            s.dests.edit(r.handle, rs.weight(), rs.lowerThreshold(), rs.upperThreshold());
            table.forwarding(s.id, r.handle, rs.forwarding());
            tunnel(r); // a changed tunnel type, port or checksum option applies to its next packets
        }
        return true;
    }

    /** Which interface (socket index) has a connected subnet holding {@code address}, or -1. */
    public int interfaceFor(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16) {
            long hi = word(a, 0);
            long lo = word(a, 8);
            for (int i = 0; i < if6Hi.length; i++) {
                for (int k = 0; k < if6Hi[i].length; k++) {
                    int p = if6Prefix[i][k];
                    if (p < 128 && (if6Hi[i][k] >>> 54) != 0x3FA // not link-local fe80::/10
                            && samePrefix6(if6Hi[i][k], if6Lo[i][k], hi, lo, p)) {
                        return i;
                    }
                }
            }
            return -1;
        }
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
        Svc s = live(service);
        checkRealServer(service, rs); // also that an interface's subnet holds it
        Preconditions.checkArgument(find(s, rs.address(), rs.port()) == null, "real server", rs.endpoint(),
                "not yet in " + s.settings.key());
        int iface = interfaceFor(rs.address());
        boolean six = rs.address().getAddress().length == 16;
        Rs r = new Rs(s, rs, iface, six ? 0 : sourceFor(iface, ipv4(rs.address())));
        if (six) {
            for (int k = 0; k < if6Hi[iface].length; k++) {
                if (samePrefix6(if6Hi[iface][k], if6Lo[iface][k], r.hi, r.lo, if6Prefix[iface][k])) {
                    r.sourceHi = if6Hi[iface][k];
                    r.sourceLo = if6Lo[iface][k];
                }
            }
        }
        for (Rs o : servers) {
            if (o.v6 == r.v6 && o.ip == r.ip && o.hi == r.hi && o.lo == r.lo && o.iface == iface && o.mac != 0) {
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
        Rs r = find(s, address, port);
        if (r == null) {
            return false;
        }
        if (r.handle != DestinationTable.NONE) {
            s.dests.remove(r.handle);
        }
        servers.remove(r);
        return true;
    }

    /**
     * Sets a real server's weight (0 quiesces it: no new connections, existing ones go on);
     * returns false if it is not in the service.
     */
    public boolean weight(int service, InetAddress address, int port, int weight) {
        Svc s = services.get(service);
        Preconditions.checkInRange(weight, 0, RealServer.MAX_WEIGHT, "weight");
        Rs r = find(s, address, port);
        if (r == null) {
            return false;
        }
        r.settings = r.settings.withWeight(weight);
        if (r.handle != DestinationTable.NONE) {
            s.dests.weight(r.handle, weight);
        }
        return true;
    }

    /**
     * Takes {@code mac} as the link address of the real servers at {@code address} on interface
     * {@code iface}, as their ARP reply or neighbour advertisement would; those not yet resolved
     * join their schedulers. Returns how many real servers it updated.
     */
    public int neighbour(int iface, InetAddress address, long mac) {
        Preconditions.checkArgument(mac != 0 && (mac & 0x0100_0000_0000L) == 0 && (mac >>> 48) == 0, "mac",
                Long.toHexString(mac), "a unicast 48-bit address");
        int n = 0;
        for (int i = 0; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (r.iface == iface && r.settings.address().equals(address) && r.mac != mac) {
                r.mac = mac;
                if (r.handle == DestinationTable.NONE) {
                    activate(r);
                } else {
                    learnt(r);
                }
                n++;
            }
        }
        return n;
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
        int h = s.dests.addAt(listIndex(r), rs.address(), rs.port(), rs.weight(), rs.lowerThreshold(),
                rs.upperThreshold());
        table.forwarding(s.id, h, rs.forwarding());
        r.handle = h;
        tunnel(r);
        learnt(r);
    }

    /**
     * Where a real server that has just resolved joins its service's list: the head (as {@code
     * ipvsadm -a}), except for the hashing schedulers (mh, sh, dh), whose tables depend on the list
     * order: there it goes after the resolved servers added to the service after it, so the list
     * is the one the kernel would hold had the servers been added in the order they were given
     * (whatever order their link addresses arrived in), and directors given the same real servers
     * in the same order agree on every flow's real server.
     */
    private int listIndex(Rs r) {
        Scheduler a = r.svc.settings.scheduler();
        if (a != Scheduler.MH && a != Scheduler.SH && a != Scheduler.DH) {
            return 0;
        }
        int later = 0;
        for (int i = servers.size() - 1; i >= 0 && servers.get(i) != r; i--) {
            Rs o = servers.get(i);
            if (o.svc == r.svc && o.handle != DestinationTable.NONE) {
                later++;
            }
        }
        return later;
    }

    /**
     * A tunnelling real server's encapsulation for the packet path, with the outer source the
     * director's address on the real server's subnet (as the kernel's route lookup would pick).
     */
    private void tunnel(Rs r) {
        RealServer rs = r.settings;
        if (rs.forwarding() != Forwarding.TUNNEL || r.handle == DestinationTable.NONE) {
            return;
        }
        byte[] a;
        if (r.v6) {
            a = new byte[16];
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (r.sourceHi >>> (56 - 8 * i));
                a[8 + i] = (byte) (r.sourceLo >>> (56 - 8 * i));
            }
        } else {
            a = new byte[] {(byte) (r.sourceIp >>> 24), (byte) (r.sourceIp >>> 16), (byte) (r.sourceIp >>> 8),
                (byte) r.sourceIp};
        }
        path.destinationTunnel(r.svc.id, r.handle, rs.tunnelType(), rs.tunnelPort(), rs.tunnelChecksum(),
                io.lvs4j.internal.Addresses.of(a));
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
        if (h >= s.packetsIn.length) {
            int n = Math.max(h + 1, s.packetsIn.length * 2);
            s.connections = Arrays.copyOf(s.connections, n);
            s.packetsIn = Arrays.copyOf(s.packetsIn, n);
            s.packetsOut = Arrays.copyOf(s.packetsOut, n);
            s.bytesIn = Arrays.copyOf(s.bytesIn, n);
            s.bytesOut = Arrays.copyOf(s.bytesOut, n);
        }
        if (r.handle != DestinationTable.NONE && r.mac != 0 && !r.countersReset) {
            r.countersReset = true; // a handle the table reused starts from zero
            s.connections[h] = 0;
            s.packetsIn[h] = 0;
            s.packetsOut[h] = 0;
            s.bytesIn[h] = 0;
            s.bytesOut[h] = 0;
        }
        path.destinationMac(s.id, h, r.mac);
    }

    /**
     * Announces every virtual address on every interface: a gratuitous ARP request (IPv4) or an
     * unsolicited, overriding neighbour advertisement to all nodes (IPv6), as a director taking
     * over addresses does, so that neighbours with a cached MAC for them update it. Returns how
     * many frames were sent.
     */
    public int announce() {
        int n = 0;
        for (int k = 0; k < sockets.length; k++) {
            for (int v : vips) {
                announce4(k, v);
                n++;
            }
            for (int i = 0; i < vips6.length; i += 2) {
                announce6(k, vips6[i], vips6[i + 1]);
                n++;
            }
            sockets[k].flush();
        }
        return n;
    }

    /** As {@link #announce()} for one virtual address; nothing if it is not answered for. */
    public int announce(InetAddress address) {
        byte[] a = address.getAddress();
        boolean four = a.length == 4;
        int ip = four ? ipv4(address) : 0;
        long hi = four ? 0 : word(a, 0);
        long lo = four ? 0 : word(a, 8);
        if (four ? !contains(vips, ip) : !contains6(vips6, hi, lo)) {
            return 0;
        }
        for (int k = 0; k < sockets.length; k++) {
            if (four) {
                announce4(k, ip);
            } else {
                announce6(k, hi, lo);
            }
            sockets[k].flush();
        }
        return sockets.length;
    }

    private void announce4(int k, int vip) {
        PacketSocket out = sockets[k];
        int at = out.scratchSlot();
        arpFrame(out.scratch(), at, 1, ifMac[k], vip, BROADCAST, 0, vip);
        out.queueScratch(at, 60);
    }

    private void announce6(int k, long hi, long lo) {
        PacketSocket out = sockets[k];
        int at = out.scratchSlot();
        Ndp.announce(out.scratch(), at, ifMac[k], hi, lo);
        out.queueScratch(at, Ndp.LENGTH);
    }

    /** Sends ARP requests that are due; call now and then (every few ms is fine). */
    public void timers(long nanos) {
        for (int i = 0; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (nanos - r.nextArp >= 0) {
                r.nextArp = nanos + (r.mac == 0 ? ARP_RETRY_NANOS : ARP_REFRESH_NANOS);
                PacketSocket out = sockets[r.iface];
                int at = out.scratchSlot();
                if (r.v6) {
                    Ndp.solicit(out.scratch(), at, ifMac[r.iface], r.sourceHi, r.sourceLo, r.hi, r.lo);
                    out.queueScratch(at, Ndp.LENGTH);
                } else {
                    arpFrame(out.scratch(), at, 1, ifMac[r.iface], r.sourceIp, BROADCAST, 0, r.ip);
                    out.queueScratch(at, 60);
                }
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
            ByteBuf b = s.frames();
            for (int i = 0; i < n; i++) {
                if (s.packetType(i) == PacketSocket.PACKET_HOST && !s.truncated(i)) {
                    int off = PacketSocket.frameOffset(i);
                    b.setIndex(off, off + s.length(i));
                    path.prefetchFrame(b);
                }
            }
            path.prefetchBatch(); // the batch's connection-table lines, read together
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
        if (neighbourFrame(k, s, b, off, len)) {
            return;
        }
        if (type != PacketSocket.PACKET_HOST) {
            notForUs++;
            return;
        }
        if ((standby4.length | standby6.length) != 0 && toStandby(b, off, len)) {
            notForUs++;
            return;
        }
        if (s.checksumNotReady(i) && L4Checksum.complete(b, off, len)) {
            checksumsCompleted++;
        }
        long src = len >= 12 ? macAt(b, off + 6) : 0;
        b.setIndex(off, off + len);
        Verdict v = path.processFrame(b);
        if (v == Verdict.TO_REAL_SERVER) {
            int id = path.lastConnection();
            if (id >= peerMac.length) { // ids stay within the table's limit
                int n = (int) Math.min(table.maxConnections() + 1L, Math.max(id + 1L, peerMac.length * 2L));
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
            if (path.lastScheduled()) {
                svc.connections[h]++;
            }
            svc.packetsIn[h]++;
            svc.bytesIn[h] += len - 14;
        } else if (v == Verdict.TO_CLIENT) {
            int id = path.lastConnection();
            long mac = id < peerMac.length ? peerMac[id] : 0;
            if (mac == 0) {
                unresolved++;
                return;
            }
            send(peerIf[id], s, b, mac);
            toClient++;
            Svc svc = services.get(table.service(id));
            int h = table.destination(id);
            if (h >= 0 && h < svc.packetsOut.length) {
                svc.packetsOut[h]++;
                svc.bytesOut[h] += len - 14;
            }
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

    /**
     * Takes an ARP frame or an IPv6 neighbour solicitation or advertisement (Ethernet at {@code off},
     * {@code len} bytes) received on interface {@code k}: learns a real server's MAC from it or
     * answers it on {@code s}. Returns false, touching nothing, when the frame is neither.
     */
    boolean neighbourFrame(int k, PacketSocket s, ByteBuf b, int off, int len) {
        if (len < 14) {
            return false;
        }
        int type = b.getUnsignedShort(off + 12);
        if (type == ETH_ARP) {
            arp(k, s, b, off, len);
            return true;
        }
        if (type == 0x86DD && len >= Ndp.LENGTH - 8 && b.getUnsignedByte(off + 20) == 58) {
            int icmp = b.getUnsignedByte(off + 54);
            if (icmp == Ndp.NS || icmp == Ndp.NA) {
                nd(k, s, b, off, len, icmp);
                return true;
            }
        }
        return false;
    }

    /** The MAC learnt for a real server of a service, 0 while unknown, -1 when it is not there (for tests). */
    long realServerMac(int service, InetAddress address, int port) {
        Rs r = find(services.get(service), address, port);
        return r == null ? -1 : r.mac;
    }

    /** A refused ARP or neighbour discovery frame: counted by reason. */
    private void refuse(NeighbourRefusal reason) {
        neighbourRefused[reason.ordinal()]++;
    }

    /** Whether an Ethernet destination is this interface's MAC or broadcast. */
    private boolean toUsOrBroadcast(int k, long ethDst) {
        return ethDst == ifMac[k] || ethDst == BROADCAST;
    }

    /** The 48-bit MAC at {@code at}, in the low bits. */
    private static long macAt(ByteBuf b, int at) {
        return (b.getUnsignedShort(at) & 0xFFFFL) << 32 | b.getUnsignedInt(at + 2);
    }

    /** Whether a MAC has the group bit (multicast or broadcast). */
    private static boolean multicastMac(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    private static boolean unicastMac(long mac) {
        return mac != 0 && !multicastMac(mac);
    }

    /** The index of the first real server at IPv4 address {@code ip} behind interface {@code k}, or -1. */
    private int server4(int k, int ip) {
        for (int i = 0; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (!r.v6 && r.ip == ip && r.iface == k) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first real server at IPv6 address {@code hi}/{@code lo} behind interface {@code k}, or -1. */
    private int server6(int k, long hi, long lo) {
        for (int i = 0; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (r.v6 && r.hi == hi && r.lo == lo && r.iface == k) {
                return i;
            }
        }
        return -1;
    }

    /** Takes {@code mac} for every real server at the address of server {@code from} on its interface. */
    private void learn(int from, long mac) {
        Rs first = servers.get(from);
        for (int i = from; i < servers.size(); i++) {
            Rs r = servers.get(i);
            if (r.v6 == first.v6 && r.ip == first.ip && r.hi == first.hi && r.lo == first.lo && r.iface == first.iface
                    && r.mac != mac) {
                r.mac = mac;
                if (r.handle == DestinationTable.NONE) {
                    activate(r);
                } else {
                    learnt(r);
                }
            }
        }
    }

    private boolean ownAddress(int k, int ip) {
        for (int a : ifAddr[k]) {
            if (a == ip) {
                return true;
            }
        }
        return false;
    }

    /**
     * ARP: learn a real server's MAC from ARP that concerns this interface: a reply or request (RFC
     * 826: the target of a request takes in the sender) for one of its addresses, to its MAC or to
     * broadcast, or a gratuitous ARP (sender and target address the same); never from ARP between
     * other hosts. Answer requests for virtual addresses.
     */
    private void arp(int k, PacketSocket s, ByteBuf b, int off, int len) {
        if (len < 42 || b.getUnsignedShort(off + 14) != 1 || b.getUnsignedShort(off + 16) != 0x0800
                || b.getUnsignedByte(off + 18) != 6 || b.getUnsignedByte(off + 19) != 4) {
            refuse(NeighbourRefusal.MALFORMED);
            return;
        }
        int op = b.getUnsignedShort(off + 20);
        long ethDst = macAt(b, off);
        long sha = macAt(b, off + 22);
        int spa = b.getInt(off + 28);
        int tpa = b.getInt(off + 38);
        if (op != 1 && op != 2) {
            refuse(NeighbourRefusal.MALFORMED);
            return;
        }
        int rs = server4(k, spa);
        if (rs >= 0) {
            boolean gratuitous = spa == tpa;
            if (!toUsOrBroadcast(k, ethDst)) {
                refuse(NeighbourRefusal.NOT_FOR_US);
            } else if (!unicastMac(sha)) {
                refuse(NeighbourRefusal.BAD_LINK_ADDRESS);
            } else if (!gratuitous && !ownAddress(k, tpa)) {
                refuse(NeighbourRefusal.NOT_FOR_US);
            } else {
                learn(rs, sha);
            }
        }
        if (op == 1 && answerArp && contains(vips, tpa) && spa != tpa && sha != 0) {
            int at = s.scratchSlot();
            arpFrame(s.scratch(), at, 2, ifMac[k], tpa, sha, sha, spa);
            s.queueScratch(at, 60);
            arpAnswered++;
        }
    }

    /**
     * Neighbour discovery: learn real servers from valid advertisements, answer valid solicitations
     * for virtual addresses (RFC 4861 7.1 validation, 7.2.5 for what an advertisement may change).
     */
    private void nd(int k, PacketSocket s, ByteBuf b, int off, int len, int icmp) {
        int ip = off + 14;
        long tHi = b.getLong(off + 62);
        long tLo = b.getLong(off + 70);
        boolean na = icmp == Ndp.NA;
        // only frames about a real server (advertisements) or a virtual address (solicitations) concern us
        int rs = na ? server6(k, tHi, tLo) : -1;
        if (na ? rs < 0 : !answerArp || !contains6(vips6, tHi, tLo)) {
            return;
        }
        int reason = Ndp.check(b, ip, len - 14);
        if (reason != Ndp.VALID) {
            refuse(reason == Ndp.BAD_HOP_LIMIT ? NeighbourRefusal.HOP_LIMIT
                    : reason == Ndp.BAD_CHECKSUM ? NeighbourRefusal.CHECKSUM
                    : reason == Ndp.BAD_CODE ? NeighbourRefusal.CODE : NeighbourRefusal.MALFORMED);
            return;
        }
        long ethDst = macAt(b, off);
        if (ethDst != ifMac[k] && !multicastMac(ethDst)) {
            refuse(NeighbourRefusal.NOT_FOR_US);
            return;
        }
        long src = macAt(b, off + 6);
        if (na) {
            long mac = Ndp.linkAddressOption(b, ip, Ndp.OPTION_TARGET_LINK_ADDRESS);
            int flags = b.getUnsignedByte(ip + 44);
            Rs r = servers.get(rs);
            if (mac < 0) {
                refuse(NeighbourRefusal.NO_LINK_ADDRESS_OPTION);
            } else if (!unicastMac(mac)) {
                refuse(NeighbourRefusal.BAD_LINK_ADDRESS);
            } else if (r.mac == 0 ? (flags & (Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)) == 0
                    : r.mac != mac && (flags & Ndp.FLAG_OVERRIDE) == 0) {
                refuse(NeighbourRefusal.NOT_OVERRIDE);
            } else {
                learn(rs, mac);
            }
            return;
        }
        long sHi = b.getLong(ip + 8);
        long sLo = b.getLong(ip + 16);
        if ((sHi == 0 && sLo == 0) || !unicastMac(src)) {
            return; // duplicate address detection, or a bad sender
        }
        int at = s.scratchSlot();
        Ndp.advertise(s.scratch(), at, ifMac[k], tHi, tLo, src, sHi, sLo);
        s.queueScratch(at, Ndp.LENGTH);
        arpAnswered++;
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

    /** The ARP and neighbour discovery frames refused so far, by reason (non-zero ones only). */
    public Map<NeighbourRefusal, Long> neighbourRefused() {
        Map<NeighbourRefusal, Long> m = new EnumMap<>(NeighbourRefusal.class);
        for (int i = 0; i < neighbourRefused.length; i++) {
            if (neighbourRefused[i] != 0) {
                m.put(NeighbourRefusal.of(i), neighbourRefused[i]);
            }
        }
        return m;
    }

    /** Closes the sockets. */
    public void close() {
        for (PacketSocket s : sockets) {
            s.close();
        }
    }
}
