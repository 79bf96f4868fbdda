package io.lvs4j.conn;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import io.lvs4j.time.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The userspace director's connection table: IPVS connections and persistence templates keyed by
 * protocol, client address and port, and virtual address and port, IPv4 and IPv6, with the
 * kernel's TCP, UDP and SCTP state machines and timeouts and the destination connection counts the
 * schedulers read.
 *
 * <h2>Layout and memory</h2>
 * Entries live in two primitive arrays indexed by an {@code int} id that stays the same for the
 * entry's life: a 64-byte key record ({@code long[8]}: protocol, ports and flags; client address;
 * virtual address; destination address; destination port) and a 64-byte entry line ({@code
 * int[16]}: service, destination, controlling template, controlled count, flags, protocol state,
 * timer-wheel links, timer slot, deadline, hash and insertion sequence), plus 4 bytes in the
 * free-id list. A packet of a connection touches its index slot, entry line and key record: three
 * cache lines, which {@link #prefetch} can fetch for a whole batch at once. Expiry reads only the
 * entry line and the index slot, never the key record.
 *
 * <p>The hash index is open addressing with linear probing over 32-byte slots, two to a cache
 * line, that hold an IPv4 entry's whole key inline (client and virtual address in one long;
 * protocol, ports and flags in another; destination address and port in a third; the id in the
 * fourth), so an IPv4 lookup from either side costs one cache line of the index when the key is at
 * its home slot and never reads the entry. An IPv6 slot holds the 64-bit hash instead of the
 * addresses and the lookup confirms against the key record. Deletion shifts the rest of the probe
 * run back (no tombstones), so the index never needs cleaning and steady churn allocates nothing.
 * The index has a power-of-two number of slots, at most three quarters full.
 *
 * <p>Per entry: 132 bytes in the entry arrays, plus 32 bytes a slot over 1.33 to 2.67 slots an
 * expected entry (43 to 85 bytes): at most <b>217 bytes</b>. For
 * {@link Builder#expectedConnections(int) 1,000,000 expected connections}: 2,097,152 slots (64 MiB)
 * and 132 MB of entry arrays, <b>about 200 bytes an entry</b>; no object per entry, no boxing.
 * Key records, entry lines and slots start at an array offset that puts them on cache-line boundaries when the
 * array itself is line-aligned, as HotSpot's G1 places arrays this large (a humongous object starts
 * a region). As in the kernel, the hash covers the client only, so the same probe finds a
 * connection from the client side (virtual address and port) and from the real server side
 * (destination address and port). {@link Builder#expectedConnections(int)} sizes everything up
 * front, so a table that stays within it never grows on the packet path.
 *
 * <h2>Limit and flood defence</h2>
 * The table never holds more than {@link Builder#maxConnections(int)} entries (default four times
 * the expected connections, at least 65,536): its arrays grow up to that and no further, so its
 * memory is bounded by about 217 bytes an entry of the limit, and a flood of spoofed SYNs cannot
 * run the heap out. A new connection at the limit is refused ({@link #FULL}). From
 * {@link Builder#defenseThreshold(int)} on (default three quarters of the limit) the table defends
 * itself in the spirit of the kernel's {@code amemthresh}, {@code drop_packet},
 * {@code drop_entry} and {@code secure_tcp}, but by its own fill rather than the host's free
 * memory: new connections are dropped at random ({@link #EARLY_DROP}) with a probability rising
 * from 0 at the threshold to 1 at the limit, half-open TCP and SCTP connections wait at most
 * {@link Builder#halfOpenTimeout(Duration)} for their next packet, and {@link #advance()} sweeps a
 * 32nd of the index a second, dropping half-open connections with the same probability.
 * Established connections are never dropped, so their packets keep flowing through a flood. Each
 * outcome is counted ({@link #fullDrops()}, {@link #earlyDrops()}, {@link #halfOpenEvictions()}).
 * Not modelled: the kernel's secure_tcp state table (which, for NAT, also delays ESTABLISHED
 * until the three-way handshake is complete); the random numbers come from
 * {@link Builder#random}, so tests can repeat a defence exactly.
 *
 * <h2>Time</h2>
 * The table's clock is a {@link Builder#ticker(Ticker) ticker} read only by {@link #advance()}.
 * Packets refresh timeouts against the time of the last advance (as the kernel uses jiffies), in
 * ticks of {@value #TICK_MILLIS} ms. Expiry runs inside {@link #advance()} over a hashed timer
 * wheel: no thread, no per-entry timer object.
 *
 * <h2>Kernel semantics</h2>
 * <ul>
 *   <li>A new connection starts inactive in state NONE and counts as inactive on its destination
 *       ({@code ip_vs_bind_dest}); a TCP or SCTP state change into or out of ESTABLISHED calls
 *       {@link DestinationTable#activate} or {@link DestinationTable#deactivate}; expiry unbinds.
 *       UDP connections stay inactive. Templates do not count (the kernel counts them as
 *       persistent connections, which the schedulers do not read).</li>
 *   <li>Connections to a non-masquerading destination carry the kernel's NOOUTPUT flag: their
 *       client packets use the INPUT-ONLY table until a packet is seen from the server side.</li>
 *   <li>Persistence ({@code ip_vs_sched_persist}): the template key is the client address under
 *       the service's netmask or prefix, client port 0, and: the virtual address and port when the
 *       packet's port is the service's (port 0 for port 21); for a firewall-mark service, protocol
 *       0 and the mark in place of the address; otherwise (port-0 service) the virtual address and
 *       port 0. A template whose destination is removed, or has weight 0 while
 *       {@link Builder#expireQuiescentTemplate(boolean)} is on, is unhashed and a new one made. A
 *       template's timer restarts with every connection made through it, and it outlives its
 *       timeout while it controls connections.</li>
 *   <li>One-packet scheduling (UDP on a service with the flag): the connection is bound and
 *       unbound at once and never hashed; {@link #connectIpv4} returns {@link #TRANSIENT}, whose
 *       accessors describe it until the next one-packet connection.</li>
 *   <li>{@code expire_nodest_conn}: a client packet for a connection whose destination is no
 *       longer listed is dropped, and with the setting on the connection expires at once.</li>
 * </ul>
 * <ul>
 *   <li>{@code conn_reuse_mode} ({@link Builder#connReuseMode(int)}, default 1): a SYN (or SCTP
 *       INIT) from a client port whose uncontrolled connection is closing expires it and is
 *       scheduled afresh ({@link #reuse}).</li>
 *   <li>A real server's reply that matches connections of two services masquerading to the same
 *       real server belongs to the newest of them, as the kernel's bucket lists put it first.</li>
 * </ul>
 * Not modelled: conntrack, persistence engines, connection
 * synchronisation, the FTP helper. A template of a destination that was removed and whose handle
 * {@link DestinationTable} later reused would be taken as valid.
 *
 * <p>Not thread-safe: one thread owns the table, its destination tables and schedulers.
 */
public final class ConnectionTable {
    /** No entry: a lookup miss, or no destination available for a new connection. */
    public static final int NONE = -1;
    /** The id of the last one-packet connection, which is never hashed. */
    public static final int TRANSIENT = 0;
    /**
     * {@link #connectIpv4}: refused, the table holds {@link Builder#maxConnections(int) its limit} of
     * entries.
     */
    public static final int FULL = -2;
    /**
     * {@link #connectIpv4}: refused by random early drop, the table being past its
     * {@link Builder#defenseThreshold(int) defence threshold}.
     */
    public static final int EARLY_DROP = -3;
    /**
     * The most entries a table can hold: its entry line array ({@value #E} ints an entry, one more
     * entry for {@link #TRANSIENT}) must fit a Java array.
     */
    public static final int MAX_CONNECTIONS = (Integer.MAX_VALUE - 8 - 12) / 16 - 1;
    /** The smallest default {@link Builder#maxConnections(int) limit}, whatever is expected. */
    static final int MIN_DEFAULT_LIMIT = 65_536;
    /**
     * Under pressure {@link #advance()} examines this fraction of the index each second
     * ({@code 1/32}, as the kernel's {@code drop_entry} scans its hash table), a tenth of it a tick.
     */
    private static final int SWEEP_DIVISOR = 32 * (1000 / 100);
    /** TCP states before ESTABLISHED, by ordinal: NONE, SYN_SENT, SYN_RECV, SYNACK. */
    private static final int HALF_OPEN_TCP = 1 << TcpState.NONE.ordinal() | 1 << TcpState.SYN_SENT.ordinal()
            | 1 << TcpState.SYN_RECV.ordinal() | 1 << TcpState.SYNACK.ordinal();
    /** SCTP states before ESTABLISHED, by ordinal: NONE to COOKIE_ECHOED. */
    private static final int HALF_OPEN_SCTP = (1 << SctpState.ESTABLISHED.ordinal()) - 1;

    /** Timer tick. */
    public static final int TICK_MILLIS = 100;
    private static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
    private static final int WHEEL = 1024;
    private static final int WHEEL_MASK = WHEEL - 1;

    static final int F_INACTIVE = 1;
    static final int F_TEMPLATE = 2;
    static final int F_NOOUTPUT = 4;
    static final int F_V6 = 8;
    static final int F_INVALID = 16;
    static final int F_LIVE = 32;
    static final int F_DEST_V6 = 64;
    /** Scheduled on a mid-flow packet (sloppy mode): half-open for the defence until the real server answers. */
    static final int F_SLOPPY = 128;

    /**
     * Array elements before the first record or slot: a long[]'s elements start 16 bytes into the
     * object, so 6 more longs put element 6 on a 64-byte boundary of a line-aligned array.
     */
    private static final int ALIGN = 6;

    // key record
    private static final int K = 8;
    private static final int K_META = 0; // proto << 56 | cport << 40 | vport << 24 | template << 1 | v6
    private static final int K_C_HI = 1;
    private static final int K_C_LO = 2;
    private static final int K_V_HI = 3;
    private static final int K_V_LO = 4;
    private static final int K_D_HI = 5;
    private static final int K_D_LO = 6;
    private static final int K_DPORT = 7; // destination port << 48
    private static final long META_KEY_MASK = ~0xFFFFFFL | 0x3;
    /** The meta bits the hash covers: protocol, client port, template and family bits. */
    private static final long HASH_BITS = 0xFFFFFF0000000000L | 0x3;

    // entry line: E ints (64 bytes) an entry
    private static final int E = 16;
    /** int[] elements start 16 bytes into the object: 12 more put element 12 on a line boundary. */
    private static final int E_ALIGN = 12;
    private static final int E_FLAGS = 0;
    private static final int E_SERVICE = 1;
    private static final int E_DEST = 2;
    private static final int E_CONTROL = 3;
    private static final int E_NCONTROL = 4;
    private static final int E_STATE = 5;
    private static final int E_TNEXT = 6;
    private static final int E_TPREV = 7;
    private static final int E_HASH = 8; // the hash's low 32 bits, which give the home slot
    private static final int E_BORN = 9; // insertion sequence: the newest of several reply matches wins
    private static final int E_LINKED = 10; // long: the tick of the wheel slot it is linked at, 0 if none
    private static final int E_DEADLINE = 12; // long: the tick it expires at

    // index slot: 4 longs
    private static final int S_ADDRS = 0; // IPv4: client << 32 | virtual; IPv6: the hash
    private static final int S_META = 1; // the key record's meta | S_PRESENT; 0: empty slot
    private static final int S_OUT = 2; // IPv4 destination << 32 | port << 16; S_NO_OUT if none
    private static final int S_ID = 3;
    private static final long S_PRESENT = 4;
    private static final long S_NO_OUT = 1;
    private static final long OUT_META_MASK = HASH_BITS | S_PRESENT;
    private static final int MAX_SLOTS = 1 << 28;

    private final Ticker ticker;
    private final long epoch;
    private final boolean expireNodestConn;
    private final boolean expireQuiescentTemplate;
    private final int connReuseMode;
    private final long seed;
    private final int[] tcpTicks = new int[TcpState.values().length];
    private final int[] sctpTicks = new int[SctpState.values().length];
    private final int udpTicks;
    private final int initialTicks;

    // the limit and the flood defence
    private final int maxEntries;
    private final int defenseAt;
    private final int halfOpenTicks;
    private final RandomGenerator random;
    private long fullDrops;
    private long earlyDrops;
    private long evictions;
    private int sweepCursor;

    // entries
    private long[] keys;
    /**
     * An entry's other fields, one 64-byte line an entry ({@link #E} ints from {@link #entryBase}):
     * a packet, a new connection or an expiry touches this line and the key record, not a line per
     * field.
     */
    private int[] e;
    private int births;
    private int capacity; // entries the arrays hold
    private int highWater = 1; // id 0 is TRANSIENT
    private int[] free;
    private int freeCount;

    // index
    private long[] slots;
    private int slotMask;
    private int growAt;
    private int live;
    private int templates;

    // timer wheel
    private final int[] wheel = new int[WHEEL];
    private long now; // ticks
    private long swept; // last tick whose slot was swept
    private long current; // the tick being swept during advance(), else now
    /** What the early index reads add up to: kept so the JIT does not drop the reads. */
    private long touched;

    // services
    private Svc[] services = new Svc[0];

    private ConnectionTable(Builder b) {
        this.ticker = b.ticker;
        this.epoch = b.ticker.nanos();
        this.expireNodestConn = b.expireNodestConn;
        this.expireQuiescentTemplate = b.expireQuiescentTemplate;
        this.connReuseMode = b.connReuseMode;
        this.seed = b.seed;
        for (int i = 0; i < tcpTicks.length; i++) {
            tcpTicks[i] = ticks(b.tcp[i]);
        }
        for (int i = 0; i < sctpTicks.length; i++) {
            sctpTicks[i] = ticks(b.sctp[i]);
        }
        udpTicks = ticks(b.udp);
        initialTicks = ticks(3);
        maxEntries = b.max;
        defenseAt = b.threshold;
        halfOpenTicks = b.halfOpenTicks;
        random = b.random;
        int n = Math.min(Math.max(16, b.expected + 1), maxEntries + 1);
        capacity = n;
        keys = new long[ALIGN + K * n];
        e = new int[E_ALIGN + E * n];
        free = new int[n];
        long want = Math.max(32, (b.expected * 4L + 2) / 3);
        int cap = (int) Math.min(MAX_SLOTS, Long.highestOneBit(want - 1) << 1);
        allocateSlots(cap);
        Arrays.fill(wheel, NONE);
    }

    private void allocateSlots(int cap) {
        slots = new long[ALIGN + 4 * cap];
        slotMask = cap - 1;
        growAt = cap == MAX_SLOTS ? cap - 1 : (int) (cap * 3L / 4);
    }

    private static int ticks(int seconds) {
        return (int) Math.min(Integer.MAX_VALUE, seconds * 1000L / TICK_MILLIS);
    }

    /** A builder with the kernel's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ services

    /**
     * Registers a virtual service and its scheduler and returns the service id for
     * {@link #connectIpv4}. The settings read are the key (protocol, address, port or firewall
     * mark), persistence timeout and netmask, one-packet flag, and each listed real server's
     * forwarding method (matched by address and port in the scheduler's table).
     */
    public int addService(VirtualService settings, ServiceScheduler scheduler) {
        Preconditions.checkNotNull(settings, "virtual service");
        Preconditions.checkNotNull(scheduler, "scheduler");
        Preconditions.checkArgument(scheduler.table().family() == settings.family(), "scheduler family",
                scheduler.table().family(), "the service's family, " + settings.family());
        Svc s = new Svc(settings, scheduler, services.length);
        for (RealServer rs : settings.realServers()) {
            int h = scheduler.table().find(rs.address(), rs.port());
            if (h != DestinationTable.NONE) {
                s.setForwarding(h, rs.forwarding());
            }
        }
        services = Arrays.copyOf(services, services.length + 1);
        services[services.length - 1] = s;
        return services.length - 1;
    }

    /** Sets the forwarding method of a destination of a service (default: masquerading). */
    public void forwarding(int serviceId, int handle, Forwarding forwarding) {
        Svc s = svc(serviceId);
        Preconditions.checkNotNull(forwarding, "forwarding");
        Preconditions.checkArgument(s.table.listed(handle), "destination", handle, "a listed handle");
        s.setForwarding(handle, forwarding);
    }

    /** The forwarding method of a destination of a service. */
    public Forwarding forwarding(int serviceId, int handle) {
        Svc s = svc(serviceId);
        return handle < s.fwd.length ? Forwarding.ofKernelValue(s.fwd[handle]) : Forwarding.MASQ;
    }

    /**
     * The id of the service with that protocol, virtual address (IPv4, host order) and port, or
     * {@link #NONE}; firewall-mark services are never matched (the caller knows the mark).
     */
    public int findServiceIpv4(int protocol, int vaddr, int vport) {
        long lo = vaddr & 0xFFFFFFFFL;
        Svc[] ss = services;
        for (int i = 0; i < ss.length; i++) {
            Svc s = ss[i];
            if (!s.fwmark && !s.v6 && s.protocol == protocol && s.port == vport && s.addrLo == lo && !s.removed) {
                return i;
            }
        }
        return NONE;
    }

    /** As {@link #findServiceIpv4} for IPv6 addresses given as upper and lower 64 bits. */
    public int findServiceIpv6(int protocol, long vHigh, long vLow, int vport) {
        Svc[] ss = services;
        for (int i = 0; i < ss.length; i++) {
            Svc s = ss[i];
            if (!s.fwmark && s.v6 && s.protocol == protocol && s.port == vport && s.addrLo == vLow
                    && s.addrHi == vHigh && !s.removed) {
                return i;
            }
        }
        return NONE;
    }

    private Svc svc(int id) {
        Preconditions.checkInRange(id, 0, services.length - 1, "service");
        return services[id];
    }

    /**
     * Changes a service's settings in place, as the kernel's edit of a service does: the new
     * scheduler (which must be on the service's own {@link DestinationTable}, so destinations and
     * their connections stay) and the persistence timeout, netmask and one-packet flag from
     * {@code settings}, whose key must be the service's. The caller closes the old scheduler.
     * Existing connections and templates stay.
     */
    public void updateService(int id, VirtualService settings, ServiceScheduler scheduler) {
        Svc old = svc(id);
        Preconditions.checkNotNull(settings, "virtual service");
        Preconditions.checkNotNull(scheduler, "scheduler");
        Preconditions.checkArgument(!old.removed, "service", id, "a service not removed");
        Preconditions.checkArgument(scheduler.table() == old.table, "scheduler table", scheduler.table(),
                "the service's own destination table");
        Svc s = new Svc(settings, scheduler, id);
        Preconditions.checkArgument(s.fwmark == old.fwmark && s.v6 == old.v6 && s.protocol == old.protocol
                && s.port == old.port && s.mark == old.mark && s.addrHi == old.addrHi && s.addrLo == old.addrLo,
                "virtual service", settings.key(), "the key of service " + id);
        s.fwd = old.fwd;
        services[id] = s;
    }

    /**
     * Removes a service from the lookups ({@link #findServiceIpv4}, {@link #findServiceIpv6}), as
     * the kernel's deletion of a service: no new connections are made to it. Its id is not reused;
     * its connections stay in the table until they expire, and the caller removes its destinations
     * from their {@link DestinationTable} so that their client packets are dropped (or the
     * connections expired with {@code expire_nodest_conn}), as the kernel does when a service's
     * destinations are unlinked. Removing a removed service does nothing.
     */
    public void removeService(int id) {
        svc(id).removed = true;
    }

    /** Whether {@link #removeService} removed the service with that id. */
    public boolean serviceRemoved(int id) {
        return svc(id).removed;
    }

    // ------------------------------------------------------------------ lookups

    /**
     * The connection a client packet belongs to: protocol number, client address and port,
     * virtual (destination) address and port, IPv4 host order. Returns the id or {@link #NONE}.
     */
    public int lookupInIpv4(int protocol, int caddr, int cport, int vaddr, int vport) {
        checkFlow(protocol, cport, vport);
        return findIn4(protocol, caddr & 0xFFFFFFFFL, cport, vaddr & 0xFFFFFFFFL, vport);
    }

    /** As {@link #lookupInIpv4} for IPv6, addresses as upper and lower 64 bits. */
    public int lookupInIpv6(int protocol, long cHigh, long cLow, int cport, long vHigh, long vLow, int vport) {
        checkFlow(protocol, cport, vport);
        return findIn(protocol, cHigh, cLow, cport, vHigh, vLow, vport, true);
    }

    /**
     * The connection a real server's reply belongs to: protocol, the reply's source (destination
     * address and port of the connection), the reply's destination (client address and port).
     */
    public int lookupOutIpv4(int protocol, int daddr, int dport, int caddr, int cport) {
        checkFlow(protocol, cport, dport);
        return findOut(protocol, 0, caddr & 0xFFFFFFFFL, cport, 0, daddr & 0xFFFFFFFFL, dport, false);
    }

    /** As {@link #lookupOutIpv4} for IPv6. */
    public int lookupOutIpv6(int protocol, long dHigh, long dLow, int dport, long cHigh, long cLow, int cport) {
        checkFlow(protocol, cport, dport);
        return findOut(protocol, cHigh, cLow, cport, dHigh, dLow, dport, true);
    }

    /**
     * The index slot where every lookup of a client's flows starts: {@link #lookupInIpv4} with this
     * client as the packet's source, {@link #lookupOutIpv4} with it as the reply's destination. For
     * {@link #prefetch}. A slot stays right until the index grows; a stale one only makes the
     * prefetch read the wrong line.
     */
    public int indexSlotIpv4(int protocol, int caddr, int cport) {
        checkFlow(protocol, cport, 0);
        return homeSlot(hash(meta(protocol, cport, 0, false, false) & HASH_BITS, 0, caddr & 0xFFFFFFFFL), slotMask);
    }

    /** As {@link #indexSlotIpv4} for an IPv6 client, address as upper and lower 64 bits. */
    public int indexSlotIpv6(int protocol, long cHigh, long cLow, int cport) {
        checkFlow(protocol, cport, 0);
        return homeSlot(hash(meta(protocol, cport, 0, true, false) & HASH_BITS, cHigh, cLow), slotMask);
    }

    /**
     * Reads the index lines of {@code count} slots from {@link #indexSlotIpv4} (or {@code
     * indexSlotIpv6}), so that the lookups that follow find them in the CPU cache; changes nothing.
     * In a table larger than the caches a lookup waits on one memory access, and processing the
     * packet of a connection on two more (the entry's line and its key record). Working out a
     * whole batch's slots first and then calling this once lets those accesses overlap, as DPDK's
     * bulk hash lookups compute the hashes and then prefetch the buckets (see {@code
     * lookup1MPrefetch} and {@code packetPath1MPrefetch} in the benchmarks): the loops issuing the
     * reads are kept short so the CPU has them all in flight at once.
     *
     * @param entries whether to read, after the index lines, the entry line and key record of the
     *     entry each slot holds (usually the flow's own): for a caller that will process packets,
     *     not only look them up
     * @throws IndexOutOfBoundsException if {@code from} and {@code count} do not fit {@code slots}
     */
    public void prefetch(int[] slots, int from, int count, boolean entries) {
        Objects.checkFromIndexSize(from, count, slots.length);
        long[] s = this.slots;
        int mask = slotMask;
        long acc = 0;
        int end = from + count;
        for (int i = from; i < end; i++) {
            acc += s[slotBase(slots[i] & mask) + S_META];
        }
        if (entries) {
            int[] en = e;
            long[] k = keys;
            for (int i = from; i < end; i++) {
                int id = (int) s[slotBase(slots[i] & mask) + S_ID]; // 0 (a valid id) if the slot is empty
                acc += en[entryBase(id)] + k[keyBase(id)];
            }
        }
        touched += acc;
    }

    private static void checkFlow(int protocol, int p1, int p2) {
        if ((protocol & ~0xFF) != 0 || (p1 & ~0xFFFF) != 0 || (p2 & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(Preconditions.message("flow",
                    "protocol " + protocol + " ports " + p1 + ", " + p2, "protocol 0..255, ports 0..65535"));
        }
    }

    private static long meta(int protocol, int cport, int vport, boolean v6, boolean template) {
        return (long) protocol << 56 | (long) cport << 40 | (long) vport << 24 | (v6 ? 1 : 0) | (template ? 2 : 0);
    }

    private long hash(long protoPortBits, long cHi, long cLo) {
        long h = seed ^ protoPortBits;
        h = (h ^ cHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ cLo) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 32);
    }

    private static int keyBase(int id) {
        return ALIGN + id * K;
    }

    private static int entryBase(int id) {
        return E_ALIGN + (id << 4);
    }

    private long getLong(int id, int field) {
        int b = entryBase(id) + field;
        return (long) e[b] << 32 | (e[b + 1] & 0xFFFFFFFFL);
    }

    private void setLong(int id, int field, long v) {
        int b = entryBase(id) + field;
        e[b] = (int) (v >>> 32);
        e[b + 1] = (int) v;
    }

    private static int slotBase(int slot) {
        return ALIGN + (slot << 2);
    }

    /**
     * The unchecked IPv4 in-lookup: for a hit at its home slot one cache line of the index, whose
     * key words are compared before the slot's emptiness.
     */
    int findIn4(int protocol, long cLo, int cport, long vLo, int vport) {
        int r = probe4(meta(protocol, cport, vport, false, false), cLo, vLo);
        return r >= 0 ? r : NONE;
    }

    /** {@link #probe} for an IPv4 key (no upper address words): the slot alone decides. */
    private int probe4(long m, long cLo, long vLo) {
        long want = m | S_PRESENT;
        long addrs = cLo << 32 | vLo;
        long[] s = slots;
        int mask = slotMask;
        for (int i = homeSlot(hash(m & HASH_BITS, 0, cLo), mask); ; i = (i + 1) & mask) {
            int b = slotBase(i);
            long sm = s[b + S_META];
            if (sm == want && s[b + S_ADDRS] == addrs) {
                return (int) s[b + S_ID];
            }
            if (sm == 0) {
                return ~i;
            }
        }
    }

    private static int homeSlot(long h, int mask) {
        return (int) h & mask;
    }

    /** The unchecked in-lookup for either family. */
    int findIn(int protocol, long cHi, long cLo, int cport, long vHi, long vLo, int vport, boolean v6) {
        int r = probe(meta(protocol, cport, vport, v6, false), cHi, cLo, vHi, vLo, v6);
        return r >= 0 ? r : NONE;
    }

    /**
     * Probes for a key: the id if present, else {@code ~slot} of the empty slot that ends its probe
     * run, where the key would be inserted.
     */
    private int probe(long m, long cHi, long cLo, long vHi, long vLo, boolean v6) {
        if (!v6) {
            return probe4(m, cLo, vLo); // IPv4 keys have no upper words
        }
        long h = hash(m & HASH_BITS, cHi, cLo);
        long want = m | S_PRESENT;
        long[] s = slots;
        int mask = slotMask;
        long[] k = keys;
        for (int i = homeSlot(h, mask); ; i = (i + 1) & mask) {
            int b = slotBase(i);
            long sm = s[b + S_META];
            if (sm == want && s[b + S_ADDRS] == h) {
                int id = (int) s[b + S_ID];
                int kb = keyBase(id);
                if (k[kb + K_C_LO] == cLo && k[kb + K_V_LO] == vLo && k[kb + K_C_HI] == cHi && k[kb + K_V_HI] == vHi) {
                    return id;
                }
            }
            if (sm == 0) {
                return ~i;
            }
        }
    }

    /**
     * The unchecked out-lookup: match on client and destination address and port. Two services
     * that masquerade to the same real server can both hold a match (the same client port to two
     * virtual addresses); the kernel's bucket lists put the newest connection first, so the probe
     * runs to the end of its run and the most recently inserted match wins.
     */
    int findOut(int protocol, long cHi, long cLo, int cport, long dHi, long dLo, int dport, boolean v6) {
        long hb = meta(protocol, cport, 0, v6, false) & HASH_BITS;
        long h = hash(hb, cHi, cLo);
        long want = hb | S_PRESENT;
        long[] s = slots;
        int mask = slotMask;
        int found = NONE;
        if (!v6) {
            long client = cLo << 32;
            long out = dLo << 32 | (long) dport << 16;
            for (int i = homeSlot(h, mask); ; i = (i + 1) & mask) {
                int b = slotBase(i);
                long sm = s[b + S_META];
                if ((sm & OUT_META_MASK) == want && s[b + S_OUT] == out
                        && (s[b + S_ADDRS] & 0xFFFFFFFF00000000L) == client) {
                    found = newer(found, (int) s[b + S_ID]);
                }
                if (sm == 0) {
                    return found;
                }
            }
        }
        long[] k = keys;
        for (int i = homeSlot(h, mask); ; i = (i + 1) & mask) {
            int b = slotBase(i);
            long sm = s[b + S_META];
            if ((sm & OUT_META_MASK) == want && s[b + S_ADDRS] == h) {
                int id = (int) s[b + S_ID];
                int kb = keyBase(id);
                if ((int) (k[kb + K_DPORT] >>> 48) == dport && k[kb + K_C_LO] == cLo
                        && k[kb + K_D_LO] == dLo && k[kb + K_C_HI] == cHi && k[kb + K_D_HI] == dHi) {
                    found = newer(found, id);
                }
            }
            if (sm == 0) {
                return found;
            }
        }
    }

    /** Of a match so far (or {@link #NONE}) and another, the one inserted later (wrap-safe). */
    private int newer(int found, int id) {
        return found == NONE || e[entryBase(id) + E_BORN] - e[entryBase(found) + E_BORN] > 0 ? id : found;
    }

    // ------------------------------------------------------------------ new connections

    /**
     * Schedules a new IPv4 connection of a service, as the kernel's {@code ip_vs_schedule} and
     * {@code ip_vs_sched_persist} do: finds or makes the persistence template, picks a destination
     * with the service's scheduler, inserts the connection (inactive, state NONE) and binds it.
     *
     * @param serviceId from {@link #addService}
     * @param protocol the packet's protocol number (6, 17 or 132)
     * @return the connection's id, {@link #TRANSIENT} for a one-packet connection, {@link #NONE}
     *     when no destination is available, {@link #FULL} when the table is at its limit, or
     *     {@link #EARLY_DROP} when the flood defence dropped it (all three negative)
     */
    public int connectIpv4(int serviceId, int protocol, int caddr, int cport, int vaddr, int vport) {
        Svc s = svc(serviceId);
        checkFlow(protocol, cport, vport);
        Preconditions.checkArgument(!s.v6, "service family", "IPv6", "IPv4 for connectIpv4");
        return connect(s, protocol, 0, caddr & 0xFFFFFFFFL, cport, 0, vaddr & 0xFFFFFFFFL, vport, false);
    }

    /** As {@link #connectIpv4} for IPv6 services, addresses as upper and lower 64 bits. */
    public int connectIpv6(int serviceId, int protocol, long cHigh, long cLow, int cport, long vHigh, long vLow,
            int vport) {
        Svc s = svc(serviceId);
        checkFlow(protocol, cport, vport);
        Preconditions.checkArgument(s.v6, "service family", "IPv4", "IPv6 for connectIpv6");
        return connect(s, protocol, cHigh, cLow, cport, vHigh, vLow, vport, true);
    }

    int connect(Svc s, int protocol, long cHi, long cLo, int cport, long vHi, long vLo, int vport, boolean v6) {
        if (used() >= defenseAt) {
            int refused = admit();
            if (refused != 0) {
                return refused;
            }
        }
        DestinationTable table = s.table;
        int handle;
        int template = NONE;
        int destPort;
        long m = meta(protocol, cport, vport, v6, false);
        if (s.persistence > 0) {
            // the connection's index line, read now so its miss overlaps the template's probe
            touched += slots[slotBase(homeSlot(hash(m & HASH_BITS, cHi, cLo), slotMask))];
            long snHi;
            long snLo;
            if (v6) {
                int p = s.netmask;
                snHi = p >= 64 ? cHi : (p == 0 ? 0 : cHi & (-1L << (64 - p)));
                snLo = p <= 64 ? 0 : (p >= 128 ? cLo : cLo & (-1L << (128 - p)));
            } else {
                snHi = 0;
                snLo = cLo & (s.netmask & 0xFFFFFFFFL);
            }
            int tProto;
            long tvHi;
            long tvLo;
            int tvPort;
            boolean samePort = vport == s.port;
            if (samePort) {
                tProto = protocol;
                tvHi = vHi;
                tvLo = vLo;
                tvPort = s.port != 21 ? vport : 0;
            } else if (s.fwmark) {
                tProto = 0;
                tvHi = 0;
                tvLo = s.mark;
                tvPort = 0;
            } else {
                tProto = protocol;
                tvHi = vHi;
                tvLo = vLo;
                tvPort = 0;
            }
            long tm = meta(tProto, 0, tvPort, v6, true);
            int r = probe(tm, snHi, snLo, tvHi, tvLo, v6);
            if (r >= 0 && !templateValid(s, r)) {
                unhash(r);
                setFlags(r, flagsOf(r) | F_INVALID);
                r = probe(tm, snHi, snLo, tvHi, tvLo, v6); // the run shifted: find the free slot again
            }
            if (r < 0) {
                // room for the template and, unless it is a one-packet connection, the connection
                if (used() + (s.onePacket && protocol == Protocol.UDP.number() ? 1 : 2) > maxEntries) {
                    fullDrops++;
                    return FULL;
                }
                handle = v6 ? s.scheduler.pickIpv6(cHi, cLo, cport, vHi, vLo, vport)
                        : s.scheduler.pickIpv4((int) cLo, cport, (int) vLo, vport);
                if (handle == ServiceScheduler.NONE) {
                    return NONE;
                }
                int tdport = samePort && s.port != 21 ? table.port(handle) : 0;
                template = insertAt(~r, s, tm, snHi, snLo, tvHi, tvLo, handle, tdport, F_TEMPLATE);
            } else {
                template = r;
                handle = e[entryBase(template) + E_DEST];
            }
            scheduleAt(template, now + s.persistence);
            destPort = samePort && table.port(handle) != 0 ? table.port(handle) : vport;
        } else {
            handle = v6 ? s.scheduler.pickIpv6(cHi, cLo, cport, vHi, vLo, vport)
                    : s.scheduler.pickIpv4((int) cLo, cport, (int) vLo, vport);
            if (handle == ServiceScheduler.NONE) {
                return NONE;
            }
            int p = table.port(handle);
            destPort = p != 0 ? p : vport;
        }
        int f = F_INACTIVE | (s.forwarding(handle) != Forwarding.MASQ.kernelValue() ? F_NOOUTPUT : 0);
        if (s.onePacket && protocol == Protocol.UDP.number()) {
            table.bind(handle, false);
            table.unbind(handle, false);
            fill(TRANSIENT, s, m, cHi, cLo, vHi, vLo, handle, destPort, f);
            return TRANSIENT;
        }
        int r = probe(m, cHi, cLo, vHi, vLo, v6);
        if (r >= 0) {
            return r; // already there
        }
        int id = insertAt(~r, s, m, cHi, cLo, vHi, vLo, handle, destPort, f);
        table.bind(handle, false);
        if (template != NONE) {
            e[entryBase(id) + E_CONTROL] = template;
            e[entryBase(template) + E_NCONTROL]++;
        }
        scheduleAt(id, now + (used() >= defenseAt ? Math.min(initialTicks, halfOpenTicks) : initialTicks));
        return id;
    }

    /** Entry ids in use: hashed entries and invalidated templates that still await their timer. */
    private int used() {
        return highWater - 1 - freeCount;
    }

    /**
     * A new connection with the table at or past its defence threshold: {@link #FULL} at the
     * limit; else {@link #EARLY_DROP} with a probability that rises linearly from 0 at the
     * threshold to 1 at the limit (the kernel's {@code drop_packet} drops one new connection in
     * {@code amemthresh / (amemthresh - free memory)} the same way); else 0, admitted.
     */
    private int admit() {
        int used = used();
        if (used >= maxEntries) {
            fullDrops++;
            return FULL;
        }
        if (defenceDrops(used)) {
            earlyDrops++;
            return EARLY_DROP;
        }
        return 0;
    }

    /**
     * The flood defence's draw at a fill of {@code used} (at or past the threshold): true at the
     * limit, else with a probability that rises linearly from 0 at the threshold to 1 at the limit.
     */
    private boolean defenceDrops(int used) {
        return used >= maxEntries || random.nextInt(maxEntries - defenseAt) < used - defenseAt;
    }

    private boolean templateValid(Svc s, int template) {
        int h = e[entryBase(template) + E_DEST];
        if (!s.table.listed(h)) {
            return false;
        }
        return !(expireQuiescentTemplate && s.table.weight(h) == 0);
    }

    /** Makes an entry and hashes it into the empty slot its probe ended at. */
    private int insertAt(int slot, Svc s, long m, long cHi, long cLo, long vHi, long vLo, int handle, int dport,
            int f) {
        if (live >= growAt && slotMask + 1 >= MAX_SLOTS) {
            throw new IllegalStateException(Preconditions.message("connection table size", live,
                    "fewer than " + growAt + " entries"));
        }
        int id = allocate();
        fill(id, s, m, cHi, cLo, vHi, vLo, handle, dport, f);
        e[entryBase(id) + E_BORN] = ++births;
        place(slot, id);
        live++;
        if ((m & 2) != 0) {
            templates++;
        }
        if (live > growAt) {
            grow();
        }
        return id;
    }

    /** Writes an entry's slot words from its key record, and keeps its hash for unhashing. */
    private void place(int slot, int id) {
        long[] k = keys;
        int kb = keyBase(id);
        long m = k[kb + K_META];
        long[] s = slots;
        int b = slotBase(slot);
        long h = hash(m & HASH_BITS, k[kb + K_C_HI], k[kb + K_C_LO]);
        e[entryBase(id) + E_HASH] = (int) h;
        if ((m & 1) == 0) {
            s[b + S_ADDRS] = k[kb + K_C_LO] << 32 | k[kb + K_V_LO];
            s[b + S_OUT] = (e[entryBase(id) + E_FLAGS] & F_DEST_V6) != 0 ? S_NO_OUT
                    : k[kb + K_D_LO] << 32 | (k[kb + K_DPORT] >>> 48) << 16;
        } else {
            s[b + S_ADDRS] = h;
            s[b + S_OUT] = S_NO_OUT;
        }
        s[b + S_ID] = id;
        s[b + S_META] = m | S_PRESENT;
    }

    /** The home slot of an occupied slot's entry, from the slot alone. */
    private int home(long[] s, int b, int mask) {
        long m = s[b + S_META];
        long h = (m & 1) == 0 ? hash(m & HASH_BITS, 0, s[b + S_ADDRS] >>> 32) : s[b + S_ADDRS];
        return homeSlot(h, mask);
    }

    private void fill(int id, Svc s, long m, long cHi, long cLo, long vHi, long vLo, int handle, int dport, int f) {
        long[] k = keys;
        int b = keyBase(id);
        k[b + K_META] = m;
        k[b + K_C_HI] = cHi;
        k[b + K_C_LO] = cLo;
        k[b + K_V_HI] = vHi;
        k[b + K_V_LO] = vLo;
        DestinationTable t = s.table;
        boolean d6 = t.ipv6(handle);
        if (d6) {
            k[b + K_D_HI] = (long) t.addressWord(handle, 0) << 32 | (t.addressWord(handle, 1) & 0xFFFFFFFFL);
            k[b + K_D_LO] = (long) t.addressWord(handle, 2) << 32 | (t.addressWord(handle, 3) & 0xFFFFFFFFL);
        } else {
            k[b + K_D_HI] = 0;
            k[b + K_D_LO] = t.addressWord(handle, 0) & 0xFFFFFFFFL;
        }
        k[b + K_DPORT] = (long) dport << 48;
        e[entryBase(id) + E_SERVICE] = s.id;
        e[entryBase(id) + E_DEST] = handle;
        e[entryBase(id) + E_CONTROL] = NONE;
        e[entryBase(id) + E_NCONTROL] = 0;
        e[entryBase(id) + E_FLAGS] = f | F_LIVE | ((m & 1) != 0 ? F_V6 : 0) | (d6 ? F_DEST_V6 : 0);
        e[entryBase(id) + E_STATE] = 0;
    }

    private int allocate() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (highWater == capacity) {
            // never past the limit: ids 1..maxEntries, and 0 for TRANSIENT
            int n = (int) Math.min(maxEntries + 1L, capacity * 2L);
            if (n == capacity) {
                throw new IllegalStateException(Preconditions.message("connection table size", capacity,
                        "fewer entries than " + capacity));
            }
            keys = Arrays.copyOf(keys, ALIGN + K * n);
            e = Arrays.copyOf(e, E_ALIGN + E * n);
            free = Arrays.copyOf(free, n);
            capacity = n;
        }
        return highWater++;
    }

    private void release(int id) {
        e[entryBase(id) + E_FLAGS] = 0;
        free[freeCount++] = id; // never full: it is as long as the entry arrays
    }

    /** Removes an entry from the index (nothing if it is not there: an invalidated template). */
    private void unhash(int id) {
        long[] s = slots;
        int mask = slotMask;
        for (int i = homeSlot(e[entryBase(id) + E_HASH], mask); ; i = (i + 1) & mask) {
            int b = slotBase(i);
            long sm = s[b + S_META];
            if (sm == 0) {
                return;
            }
            if ((int) s[b + S_ID] == id) {
                delete(i);
                live--;
                if ((e[entryBase(id) + E_FLAGS] & F_TEMPLATE) != 0) {
                    templates--;
                }
                return;
            }
        }
    }

    /**
     * Empties a slot and moves later entries of its run back (linear probing's deletion without
     * tombstones): an entry moves into the hole when its home is not between the hole and itself.
     */
    private void delete(int hole) {
        long[] s = slots;
        int mask = slotMask;
        for (int j = (hole + 1) & mask; ; j = (j + 1) & mask) {
            int b = slotBase(j);
            if (s[b + S_META] == 0) {
                break;
            }
            int home = home(s, b, mask);
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                int hb = slotBase(hole);
                s[hb + S_ADDRS] = s[b + S_ADDRS];
                s[hb + S_META] = s[b + S_META];
                s[hb + S_OUT] = s[b + S_OUT];
                s[hb + S_ID] = s[b + S_ID];
                hole = j;
            }
        }
        int hb = slotBase(hole);
        s[hb + S_META] = 0;
        s[hb + S_ADDRS] = 0;
        s[hb + S_OUT] = 0;
        s[hb + S_ID] = 0;
    }

    /** Doubles the index (the table outgrew its expected size). */
    private void grow() {
        int cap = slotMask + 1;
        if (cap >= MAX_SLOTS) {
            return; // insertAt refuses entries beyond growAt
        }
        long[] old = slots;
        int oldMask = slotMask;
        allocateSlots(cap * 2);
        long[] s = slots;
        int mask = slotMask;
        for (int i = 0; i <= oldMask; i++) {
            int ob = slotBase(i);
            if (old[ob + S_META] != 0) {
                int j = home(old, ob, mask);
                while (s[slotBase(j) + S_META] != 0) {
                    j = (j + 1) & mask;
                }
                int b = slotBase(j);
                s[b + S_ADDRS] = old[ob + S_ADDRS];
                s[b + S_META] = old[ob + S_META];
                s[b + S_OUT] = old[ob + S_OUT];
                s[b + S_ID] = old[ob + S_ID];
            }
        }
    }

    // ------------------------------------------------------------------ packets

    /** The verdict of {@link #inbound}: forward the packet. */
    public static final int FORWARD = 0;
    /** The verdict of {@link #inbound}: drop it (its destination is gone). */
    public static final int DROP = 1;

    /**
     * A client packet of a connection: checks its destination ({@code expire_nodest_conn}),
     * applies the protocol state machine and restarts the timeout.
     *
     * @param tcpFlagsOrChunk the TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10), or the
     *     SCTP chunk type that decides the event; ignored for UDP
     * @return {@link #FORWARD} or {@link #DROP}
     */
    public int inbound(int id, int tcpFlagsOrChunk) {
        checkConnection(id);
        return inboundU(id, tcpFlagsOrChunk);
    }

    int inboundU(int id, int tcpFlagsOrChunk) {
        Svc s = services[e[entryBase(id) + E_SERVICE]];
        int h = e[entryBase(id) + E_DEST];
        if (!s.table.listed(h)) {
            if (expireNodestConn && id != TRANSIENT) {
                expireNow(id);
            }
            return DROP;
        }
        int dir = (e[entryBase(id) + E_FLAGS] & F_NOOUTPUT) != 0 ? StateTables.DIR_INPUT_ONLY : StateTables.DIR_INPUT;
        transition(id, s, dir, tcpFlagsOrChunk);
        return FORWARD;
    }

    /**
     * The kernel's {@code conn_reuse_mode} for a client packet that found connection {@code id}:
     * when the packet opens a connection (TCP with SYN, SCTP with an INIT chunk) and the kernel
     * would schedule it afresh, expires the old connection at once and returns {@code true}; the
     * caller then schedules the packet as a new connection ({@link #connectIpv4}). The kernel
     * reschedules when the mode is not 0 and either {@code expire_nodest_conn} is on and the
     * connection's destination has weight 0, or the connection is not controlled by a persistence
     * template and is a TCP connection in TIME_WAIT or CLOSE (with bit 2 of the mode, also in
     * FIN_WAIT while it has seen no server packet, as with direct routing), or an SCTP one in
     * CLOSED. Otherwise returns {@code false} and changes nothing: the packet follows the old
     * connection. Conntrack, which makes the kernel drop such a SYN instead, is not modelled.
     *
     * @param tcpFlagsOrChunk as for {@link #inbound}
     */
    public boolean reuse(int id, int tcpFlagsOrChunk) {
        checkConnection(id);
        return reuseU(id, tcpFlagsOrChunk);
    }

    boolean reuseU(int id, int tcpFlagsOrChunk) {
        if (connReuseMode == 0 || id == TRANSIENT) {
            return false;
        }
        int proto = (int) (keys[keyBase(id) + K_META] >>> 56);
        if (proto == 6 ? (tcpFlagsOrChunk & 0x02) == 0 : proto != 132 || (tcpFlagsOrChunk & 0xFF) != 1) {
            return false;
        }
        Svc s = services[e[entryBase(id) + E_SERVICE]];
        int h = e[entryBase(id) + E_DEST];
        boolean again;
        if (expireNodestConn && s.table.listed(h) && s.table.weight(h) == 0) {
            again = true;
        } else if (e[entryBase(id) + E_CONTROL] != NONE) {
            again = false;
        } else if (proto == 6) {
            int st = e[entryBase(id) + E_STATE];
            again = st == TcpState.TIME_WAIT.ordinal() || st == TcpState.CLOSE.ordinal()
                    || (connReuseMode & 2) != 0 && st == TcpState.FIN_WAIT.ordinal() && (e[entryBase(id) + E_FLAGS] & F_NOOUTPUT) != 0;
        } else {
            again = e[entryBase(id) + E_STATE] == SctpState.CLOSED.ordinal();
        }
        if (again) {
            expireNow(id);
        }
        return again;
    }

    /**
     * Marks a connection just made by {@link #connectIpv4}/{@link #connectIpv6} for a packet that
     * does not open one (a sloppy mode, as the kernel's {@code sloppy_tcp}/{@code sloppy_sctp}): call
     * it before the packet's {@link #inbound}. The kernel's state tables then take the connection
     * to CLOSE (TCP ACK or FIN) or ESTABLISHED (SCTP DATA); for the flood defence it stays half-open
     * whatever its state until the real server sends a packet of it that is not a TCP RST or SCTP
     * ABORT ({@link #outbound}): past the threshold it waits at most the half-open timeout for its
     * next packet and the sweep may drop it, so a flood of spoofed mid-flow packets is held off like
     * a SYN flood. A direct-routing or tunnelling connection (whose replies bypass the director)
     * stays marked. Its admission ({@link #FULL}, {@link #EARLY_DROP}) was that of any new entry.
     */
    public void markSloppy(int id) {
        checkConnection(id);
        if (id != TRANSIENT) {
            e[entryBase(id) + E_FLAGS] |= F_SLOPPY;
        }
    }

    /** Whether a connection was made by a mid-flow packet and the real server has not answered it ({@link #markSloppy}). */
    public boolean sloppy(int id) {
        checkConnection(id);
        return (flagsOf(id) & F_SLOPPY) != 0;
    }

    /** A real server's packet of a connection: applies the state machine, restarts the timeout. */
    public void outbound(int id, int tcpFlagsOrChunk) {
        checkConnection(id);
        outboundU(id, tcpFlagsOrChunk);
    }

    void outboundU(int id, int tcpFlagsOrChunk) {
        int b = entryBase(id) + E_FLAGS;
        int f = e[b] & ~F_NOOUTPUT;
        if ((f & F_SLOPPY) != 0) {
            int proto = (int) (keys[keyBase(id) + K_META] >>> 56);
            if (proto == 6 ? (tcpFlagsOrChunk & 0x04) == 0 : (tcpFlagsOrChunk & 0xFF) != 6) {
                f &= ~F_SLOPPY; // the real server answered: a real flow
            }
        }
        e[b] = f;
        transition(id, services[e[entryBase(id) + E_SERVICE]], StateTables.DIR_OUTPUT, tcpFlagsOrChunk);
    }

    private void transition(int id, Svc s, int dir, int arg) {
        int proto = (int) (keys[keyBase(id) + K_META] >>> 56);
        int old = (int) e[entryBase(id) + E_STATE];
        int next;
        int timeout;
        boolean established;
        if (proto == 6) {
            int ev = StateTables.tcpEvent(arg);
            next = ev < 0 ? TcpState.CLOSE.ordinal() : StateTables.TCP[dir][ev][old];
            timeout = tcpTicks[next];
            established = next == TcpState.ESTABLISHED.ordinal();
        } else if (proto == 132) {
            next = StateTables.SCTP[dir][StateTables.sctpEvent(arg & 0xFF)][old];
            timeout = sctpTicks[next];
            established = next == SctpState.ESTABLISHED.ordinal();
        } else {
            next = 0;
            timeout = udpTicks;
            established = false;
            old = 0;
        }
        if (timeout > halfOpenTicks && used() >= defenseAt
                && (halfOpen(proto, next) || (e[entryBase(id) + E_FLAGS] & F_SLOPPY) != 0)) {
            timeout = halfOpenTicks; // under pressure a half-open connection waits less
        }
        if (next != old) {
            int f = e[entryBase(id) + E_FLAGS];
            int h = e[entryBase(id) + E_DEST];
            if ((f & F_INACTIVE) == 0 && !established) {
                s.table.deactivate(h);
                e[entryBase(id) + E_FLAGS] = f | F_INACTIVE;
            } else if ((f & F_INACTIVE) != 0 && established) {
                s.table.activate(h);
                e[entryBase(id) + E_FLAGS] = f & ~F_INACTIVE;
            }
            e[entryBase(id) + E_STATE] = (byte) next;
        }
        if (id != TRANSIENT) {
            scheduleAt(id, now + timeout);
        }
    }

    private int flagsOf(int id) {
        return e[entryBase(id) + E_FLAGS];
    }

    private void setFlags(int id, int f) {
        e[entryBase(id) + E_FLAGS] = f;
    }

    private void checkConnection(int id) {
        if (id < 0 || id >= highWater || (flagsOf(id) & (F_LIVE | F_TEMPLATE)) != F_LIVE) {
            throw new IllegalArgumentException(Preconditions.message("connection", id, "a live connection id"));
        }
    }

    private void checkEntry(int id) {
        if (id < 0 || id >= highWater || (flagsOf(id) & F_LIVE) == 0) {
            throw new IllegalArgumentException(Preconditions.message("entry", id, "a live connection or template id"));
        }
    }

    // ------------------------------------------------------------------ timers

    private void scheduleAt(int id, long deadline) {
        setLong(id, E_DEADLINE, deadline);
        if ((e[entryBase(id) + E_FLAGS] & F_LIVE) == 0) {
            return;
        }
        long linked = getLong(id, E_LINKED);
        boolean isLinked = linked != 0;
        if (!isLinked || deadline < linked) {
            if (isLinked) {
                unlink(id);
            }
            link(id, Math.max(deadline, swept + 1));
        }
    }

    private void link(int id, long at) {
        int slot = (int) (at & WHEEL_MASK);
        int head = wheel[slot];
        e[entryBase(id) + E_TNEXT] = head;
        e[entryBase(id) + E_TPREV] = -1;
        if (head != NONE) {
            e[entryBase(head) + E_TPREV] = id;
        }
        wheel[slot] = id;
        setLong(id, E_LINKED, at);
    }

    private void unlink(int id) {
        int p = e[entryBase(id) + E_TPREV];
        int n = e[entryBase(id) + E_TNEXT];
        if (p == -1) {
            wheel[(int) (getLong(id, E_LINKED) & WHEEL_MASK)] = n;
        } else {
            e[entryBase(p) + E_TNEXT] = n;
        }
        if (n != NONE) {
            e[entryBase(n) + E_TPREV] = p;
        }
        setLong(id, E_LINKED, 0);
    }

    private long deadline(int id) {
        return getLong(id, E_DEADLINE);
    }

    /**
     * Reads the ticker, moves the table's clock to it and expires what is due: connections are
     * unbound from their destinations and removed; templates go once they control no connection
     * (until then their timer restarts). Returns how many entries were removed.
     */
    public int advance() {
        long nanos = ticker.nanos() - epoch;
        long target = Math.floorDiv(nanos, TICK_NANOS) + 1; // keep tick 0 for "unlinked"
        if (target <= now) {
            return 0;
        }
        long elapsed = target - now;
        now = target;
        int removed = 0;
        long from = swept + 1;
        long to = target;
        if (to - from >= WHEEL) {
            from = to - WHEEL + 1;
        }
        for (long t = from; t <= to; t++) {
            int slot = (int) (t & WHEEL_MASK);
            current = t;
            int id = wheel[slot];
            while (id != NONE) {
                int next = e[entryBase(id) + E_TNEXT];
                long d = deadline(id);
                if (d <= now) {
                    unlink(id);
                    removed += expire(id);
                } else if ((d & WHEEL_MASK) != slot) {
                    unlink(id);
                    link(id, d);
                }
                id = next;
            }
        }
        swept = to;
        current = now;
        if (used() >= defenseAt) {
            removed += sweep(elapsed);
        }
        return removed;
    }

    /**
     * The kernel's {@code drop_entry} under pressure: examines the next {@link #SWEEP_DIVISOR}th of
     * the index for each tick that passed (so all of it in 32 s) and drops each half-open connection
     * found there (TCP before ESTABLISHED, SCTP before ESTABLISHED; not UDP, not templates) with
     * the probability of {@link #defenceDrops}, stopping once the table is back under its
     * threshold. Established connections are never dropped. Returns how many entries went.
     */
    private int sweep(long ticks) {
        int size = slotMask + 1;
        long budget = Math.min(size, ticks * ((size + SWEEP_DIVISOR - 1) / SWEEP_DIVISOR));
        long[] s = slots;
        int removed = 0;
        int i = sweepCursor & slotMask;
        for (long k = 0; k < budget; ) { // counts the slots passed: each drop takes an entry away, so it ends
            int used = used();
            if (used < defenseAt) {
                break;
            }
            int b = slotBase(i);
            long sm = s[b + S_META];
            if (sm != 0 && (sm & 2) == 0) { // a connection, not a template
                int id = (int) s[b + S_ID];
                if (halfOpen(id) && defenceDrops(used)) {
                    removed += expireNow(id);
                    evictions++;
                    continue; // the deletion may have moved a later entry into this slot: look again
                }
            }
            i = (i + 1) & slotMask;
            k++;
        }
        sweepCursor = i;
        return removed;
    }

    /** Whether a connection is TCP or SCTP and has not reached ESTABLISHED (or has left it for NONE). */
    private boolean halfOpen(int id) {
        return (e[entryBase(id) + E_FLAGS] & F_SLOPPY) != 0
                || halfOpen((int) (keys[keyBase(id) + K_META] >>> 56), e[entryBase(id) + E_STATE]);
    }

    /** Whether {@code state} (an ordinal) of a {@code proto} connection is before ESTABLISHED (TCP, SCTP). */
    private static boolean halfOpen(int proto, int state) {
        return proto == 6 ? (HALF_OPEN_TCP >>> state & 1) != 0 : proto == 132 && (HALF_OPEN_SCTP >>> state & 1) != 0;
    }

    /**
     * Removes an entry whose time has come; returns how many entries went (a connection can take
     * its dormant template along), 0 if it stays.
     *
     * <p>A template whose timer fires while it controls connections stays, as in the kernel, whose
     * timer then fires again every persistence timeout until the template controls none. Rather
     * than waking it every period, the table takes it off the wheel ("dormant", its deadline kept
     * as the phase of that period) and, when its last connection goes, puts it back at the first
     * period boundary from then: the same tick the kernel's periodic timer would find it idle.
     */
    private int expire(int id) {
        int f = e[entryBase(id) + E_FLAGS];
        Svc s = services[e[entryBase(id) + E_SERVICE]];
        if ((f & F_TEMPLATE) != 0) {
            if (e[entryBase(id) + E_NCONTROL] > 0) {
                return 0; // dormant: unlinked, deadline kept
            }
            removeTemplate(id, f);
            return 1;
        }
        unhash(id);
        int removed = 1;
        int t = e[entryBase(id) + E_CONTROL];
        if (t != NONE && --e[entryBase(t) + E_NCONTROL] == 0 && getLong(t, E_LINKED) == 0) {
            long next = nextPeriod(t, current);
            if (next <= current) {
                removeTemplate(t, e[entryBase(t) + E_FLAGS]);
                removed++;
            } else {
                scheduleAt(t, next);
            }
        }
        s.table.unbind(e[entryBase(id) + E_DEST], (f & F_INACTIVE) == 0);
        release(id);
        return removed;
    }

    private void removeTemplate(int id, int f) {
        if ((f & F_INVALID) == 0) {
            unhash(id);
        }
        release(id);
    }

    /** A dormant template's first period boundary at or after a tick (its deadline is the phase). */
    private long nextPeriod(int template, long tick) {
        long d = deadline(template);
        long p = services[e[entryBase(template) + E_SERVICE]].persistence;
        return tick <= d ? d : d + Math.floorDiv(tick - d + p - 1, p) * p;
    }

    private int expireNow(int id) {
        if (getLong(id, E_LINKED) != 0) {
            unlink(id);
        }
        return expire(id);
    }

    // ------------------------------------------------------------------ accessors

    /** Connections and templates in the table (hashed). */
    public int size() {
        return live;
    }

    /** Persistence templates in the table (hashed). */
    public int templateCount() {
        return templates;
    }

    /** The most entries (connections and templates) the table holds: {@link Builder#maxConnections}. */
    public int maxConnections() {
        return maxEntries;
    }

    /** The fill at which the flood defence starts: {@link Builder#defenseThreshold}. */
    public int defenseThreshold() {
        return defenseAt;
    }

    /**
     * Whether the flood defence is on: the table holds at least {@link #defenseThreshold()}
     * entries (invalidated templates that still await their timer included).
     */
    public boolean underPressure() {
        return used() >= defenseAt;
    }

    /** New connections refused with {@link #FULL} since the table was built. */
    public long fullDrops() {
        return fullDrops;
    }

    /** New connections refused with {@link #EARLY_DROP} since the table was built. */
    public long earlyDrops() {
        return earlyDrops;
    }

    /** Half-open connections the defence dropped from the table under pressure since it was built. */
    public long halfOpenEvictions() {
        return evictions;
    }

    /**
     * The bytes of the table's arrays (entry lines, key records, free list, index, timer wheel,
     * with their headers): nearly all of its memory. It grows with the table, at most to about 217
     * bytes an entry of {@link #maxConnections()}.
     */
    public long memoryBytes() {
        return 5 * 16L + 8L * keys.length + 4L * e.length + 4L * free.length + 8L * slots.length + 4L * wheel.length;
    }

    /** Entries the arrays have room for before they grow (for tests of the limit). */
    int entryCapacity() {
        return capacity - 1;
    }

    /** Whether the id is a persistence template. */
    public boolean isTemplate(int id) {
        checkEntry(id);
        return (flagsOf(id) & F_TEMPLATE) != 0;
    }

    /** The service id of an entry. */
    public int service(int id) {
        checkEntry(id);
        return e[entryBase(id) + E_SERVICE];
    }

    /** The destination handle (in the service's {@link DestinationTable}) of an entry. */
    public int destination(int id) {
        checkEntry(id);
        return e[entryBase(id) + E_DEST];
    }

    /** The template controlling a connection, or {@link #NONE}. */
    public int template(int id) {
        checkConnection(id);
        return e[entryBase(id) + E_CONTROL];
    }

    /** How many connections a template controls. */
    public int controlled(int id) {
        checkEntry(id);
        return e[entryBase(id) + E_NCONTROL];
    }

    /** Whether the connection counts as active on its destination. */
    public boolean active(int id) {
        checkConnection(id);
        return (flagsOf(id) & F_INACTIVE) == 0;
    }

    /** The connection's protocol number. */
    public int protocol(int id) {
        checkEntry(id);
        return (int) (keys[keyBase(id) + K_META] >>> 56);
    }

    /** The TCP state of a TCP connection. */
    public TcpState tcpState(int id) {
        checkConnection(id);
        Preconditions.checkState(protocol(id) == 6, "connection protocol", protocol(id), "6 (TCP)");
        return TcpState.of(e[entryBase(id) + E_STATE]);
    }

    /** The SCTP state of an SCTP connection. */
    public SctpState sctpState(int id) {
        checkConnection(id);
        Preconditions.checkState(protocol(id) == 132, "connection protocol", protocol(id), "132 (SCTP)");
        return SctpState.of(e[entryBase(id) + E_STATE]);
    }

    /** The time left before the entry expires, from the table's clock (the last advance). */
    public Duration remaining(int id) {
        checkEntry(id);
        long d = (flagsOf(id) & F_TEMPLATE) != 0 && getLong(id, E_LINKED) == 0 ? nextPeriod(id, now) : deadline(id);
        return Duration.ofMillis(Math.max(0, d - now) * TICK_MILLIS);
    }

    /** The client port of an entry (0 for templates). */
    public int clientPort(int id) {
        checkEntry(id);
        return (int) (keys[keyBase(id) + K_META] >>> 40) & 0xFFFF;
    }

    /** The virtual port of an entry. */
    public int virtualPort(int id) {
        checkEntry(id);
        return virtualPortU(id);
    }

    /** The destination port of an entry (the real server's port, or the packet's). */
    public int destinationPort(int id) {
        checkEntry(id);
        return destinationPortU(id);
    }

    int destinationPortU(int id) {
        return (int) (keys[keyBase(id) + K_DPORT] >>> 48);
    }

    /** Whether the entry's destination address is IPv6 (tunnels may cross families). */
    public boolean destinationIsIpv6(int id) {
        checkEntry(id);
        return (flagsOf(id) & F_DEST_V6) != 0;
    }

    /** The destination address of an IPv4 entry, host order. */
    public int destinationIpv4(int id) {
        checkEntry(id);
        return (int) keys[keyBase(id) + K_D_LO];
    }

    /** The upper 64 bits of an IPv6 destination address. */
    public long destinationHigh(int id) {
        checkEntry(id);
        return keys[keyBase(id) + K_D_HI];
    }

    /** The lower 64 bits of an IPv6 destination address (IPv4: the address, zero-extended). */
    public long destinationLow(int id) {
        checkEntry(id);
        return keys[keyBase(id) + K_D_LO];
    }

    long destinationHighU(int id) {
        return keys[keyBase(id) + K_D_HI];
    }

    long destinationLowU(int id) {
        return keys[keyBase(id) + K_D_LO];
    }

    /** The forwarding method's kernel value (0 masq, 2 tunnel, 3 route) for a connection. */
    public int forwardingOf(int id) {
        checkEntry(id);
        return forwardingOfU(id);
    }

    int forwardingOfU(int id) {
        return services[e[entryBase(id) + E_SERVICE]].forwarding(e[entryBase(id) + E_DEST]);
    }

    /** The client address of an IPv4 entry, host order (templates: under the netmask). */
    public int clientIpv4(int id) {
        checkEntry(id);
        return (int) keys[keyBase(id) + K_C_LO];
    }

    /** The virtual address of an IPv4 entry, host order (fwmark templates: the mark). */
    public int virtualIpv4(int id) {
        checkEntry(id);
        return (int) keys[keyBase(id) + K_V_LO];
    }

    /** Virtual address words of an IPv6 entry, upper 64 bits. */
    public long virtualHigh(int id) {
        checkEntry(id);
        return keys[keyBase(id) + K_V_HI];
    }

    /** Virtual address words of an IPv6 entry, lower 64 bits. */
    public long virtualLow(int id) {
        checkEntry(id);
        return keys[keyBase(id) + K_V_LO];
    }

    long virtualHighU(int id) {
        return keys[keyBase(id) + K_V_HI];
    }

    long virtualLowU(int id) {
        return keys[keyBase(id) + K_V_LO];
    }

    int virtualPortU(int id) {
        return (int) (keys[keyBase(id) + K_META] >>> 24) & 0xFFFF;
    }

    /** Index slots (for tests of growth). */
    int indexCapacity() {
        return slotMask + 1;
    }

    /**
     * Checks the index against the entries (for tests): every occupied slot holds a live entry
     * whose slot words match its key record, no empty slot lies between a slot and its entry's
     * home, and the occupied slots are exactly the hashed entries. Returns a description of the
     * first problem, or {@code null}.
     */
    String checkIndex() {
        long[] s = slots;
        int mask = slotMask;
        int occupied = 0;
        int tmpl = 0;
        boolean[] seen = new boolean[highWater];
        for (int i = 0; i <= mask; i++) {
            int b = slotBase(i);
            long sm = s[b + S_META];
            if (sm == 0) {
                if (s[b + S_ADDRS] != 0 || s[b + S_OUT] != 0 || s[b + S_ID] != 0) {
                    return "slot " + i + ": empty but not cleared";
                }
                continue;
            }
            occupied++;
            int id = (int) s[b + S_ID];
            if (id <= 0 || id >= highWater || (flagsOf(id) & F_LIVE) == 0) {
                return "slot " + i + ": id " + id + " is not a live entry";
            }
            if (seen[id]) {
                return "slot " + i + ": id " + id + " hashed twice";
            }
            seen[id] = true;
            if ((flagsOf(id) & F_TEMPLATE) != 0) {
                tmpl++;
            }
            if (homeSlot(e[entryBase(id) + E_HASH], mask) != home(s, b, mask)) {
                return "slot " + i + ": entry " + id + " keeps another home";
            }
            long[] saved = {s[b], s[b + 1], s[b + 2], s[b + 3]};
            place(i, id);
            for (int w = 0; w < 4; w++) {
                if (s[b + w] != saved[w]) {
                    s[b + w] = saved[w];
                    return "slot " + i + ": word " + w + " does not match entry " + id;
                }
            }
            for (int j = home(s, b, mask); j != i; j = (j + 1) & mask) {
                if (s[slotBase(j) + S_META] == 0) {
                    return "slot " + i + ": empty slot " + j + " between it and its home";
                }
            }
        }
        if (occupied != live || tmpl != templates) {
            return "occupied " + occupied + " (templates " + tmpl + "), counted " + live + " (" + templates + ")";
        }
        return null;
    }

    @Override
    public String toString() {
        return "ConnectionTable{entries=" + live + ", templates=" + templates + ", services=" + services.length + '}';
    }

    // ------------------------------------------------------------------ service record

    static final class Svc {
        final int id;
        final DestinationTable table;
        final ServiceScheduler scheduler;
        final int protocol;
        final int port;
        final boolean fwmark;
        final long mark;
        final boolean v6;
        final long addrHi;
        final long addrLo;
        final int persistence; // ticks
        final int netmask;
        final boolean onePacket;
        byte[] fwd = new byte[8];
        boolean removed;

        Svc(VirtualService vs, ServiceScheduler scheduler, int id) {
            this.id = id;
            this.table = scheduler.table();
            this.scheduler = scheduler;
            ServiceKey key = vs.key();
            this.fwmark = key.isFwmark();
            this.mark = fwmark ? key.fwmark() : 0;
            this.protocol = fwmark ? 0 : key.protocol().number();
            this.port = fwmark ? 0 : key.port();
            this.v6 = vs.family() == AddressFamily.INET6;
            long hi = 0;
            long lo = 0;
            if (!fwmark) {
                InetAddress a = key.address();
                byte[] b = a.getAddress();
                for (int i = 0; i < b.length; i++) {
                    if (b.length == 16 && i < 8) {
                        hi = hi << 8 | (b[i] & 0xFF);
                    } else {
                        lo = lo << 8 | (b[i] & 0xFF);
                    }
                }
            }
            this.addrHi = hi;
            this.addrLo = lo;
            this.persistence = ticks(vs.persistenceSeconds());
            this.netmask = vs.persistenceNetmask();
            this.onePacket = vs.onePacket();
        }

        void setForwarding(int handle, Forwarding f) {
            if (handle >= fwd.length) {
                fwd = Arrays.copyOf(fwd, Math.max(handle + 1, fwd.length * 2));
            }
            fwd[handle] = (byte) f.kernelValue();
        }

        int forwarding(int handle) {
            return handle < fwd.length ? fwd[handle] : 0;
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link ConnectionTable}; every timeout defaults to the kernel's. */
    public static final class Builder {
        private Ticker ticker = Ticker.system();
        private int expected = 1024;
        private boolean expireNodestConn;
        private boolean expireQuiescentTemplate;
        private int connReuseMode = 1;
        private long seed = new SplittableRandom().nextLong();
        private final int[] tcp = new int[TcpState.values().length];
        private final int[] sctp = new int[SctpState.values().length];
        private int udp = 300;
        private boolean expectedSet;
        private int maxSet = -1;
        private int thresholdSet = -1;
        private int halfOpenTicks = ticks(5);
        private RandomGenerator random = new SplittableRandom();
        // resolved by build()
        private int max;
        private int threshold;

        Builder() {
            for (TcpState s : TcpState.values()) {
                tcp[s.ordinal()] = (int) s.defaultTimeout().getSeconds();
            }
            for (SctpState s : SctpState.values()) {
                sctp[s.ordinal()] = (int) s.defaultTimeout().getSeconds();
            }
        }

        /** The clock {@link #advance()} reads (default {@link Ticker#system()}; a {@code VirtualClock} in tests). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Preconditions.checkNotNull(ticker, "ticker");
            return this;
        }

        /**
         * Connections to size the arrays for up front, 0..{@link #MAX_CONNECTIONS} (default 1024,
         * or {@link #maxConnections} if that is less); at most {@link #maxConnections}.
         */
        public Builder expectedConnections(int n) {
            this.expected = Preconditions.checkInRange(n, 0, MAX_CONNECTIONS, "expected connections");
            this.expectedSet = true;
            return this;
        }

        /**
         * The most entries (connections and persistence templates) the table holds,
         * 1..{@link #MAX_CONNECTIONS}; default four times {@link #expectedConnections}, at least
         * 65,536. The arrays are sized for the expected connections up front and double as the
         * table fills, but never past this limit (about 217 bytes an entry at most, and half as much
         * again while an array is being copied), so a flood of new flows cannot exhaust the heap:
         * at the limit a new connection is refused ({@link #FULL}) and counted
         * ({@link ConnectionTable#fullDrops()}); established connections go on. With
         * {@code expectedConnections} equal to it, everything is allocated up front.
         */
        public Builder maxConnections(int n) {
            this.maxSet = Preconditions.checkInRange(n, 1, MAX_CONNECTIONS, "max connections");
            return this;
        }

        /**
         * The fill (entries) at which the flood defence starts, in the spirit of the kernel's
         * {@code amemthresh} with {@code drop_packet}, {@code drop_entry} and {@code secure_tcp} in
         * their automatic modes; 1..{@link #maxConnections}, default three quarters of it. From
         * there on: a new connection is dropped ({@link #EARLY_DROP}) with a probability rising
         * linearly from 0 at the threshold to 1 at the limit; half-open TCP and SCTP connections
         * (not yet ESTABLISHED) get at most the {@link #halfOpenTimeout} on each packet; and
         * {@link ConnectionTable#advance()} drops half-open connections found by a sweep of the
         * index (a 32nd of it a second) with the same probability. Established connections, UDP
         * connections and templates are never dropped. Equal to the limit: only the limit applies.
         */
        public Builder defenseThreshold(int entries) {
            this.thresholdSet = Preconditions.checkInRange(entries, 1, MAX_CONNECTIONS, "defense threshold");
            return this;
        }

        /**
         * The longest a half-open connection (TCP NONE, SYN_SENT, SYN_RECV, SYNACK; SCTP before
         * ESTABLISHED) waits for its next packet while the table is past its
         * {@link #defenseThreshold}, 100 ms..31 days in steps of the table's {@value #TICK_MILLIS} ms
         * tick (rounded up); default 5 s (SYN_RECV's own timeout is 60 s). A state's own timeout, if
         * shorter, stays.
         */
        public Builder halfOpenTimeout(Duration timeout) {
            Preconditions.checkNotNull(timeout, "half-open timeout");
            Preconditions.checkArgument(timeout.compareTo(Duration.ofMillis(TICK_MILLIS)) >= 0
                    && timeout.getSeconds() <= VirtualService.MAX_TIMEOUT_SECONDS, "half-open timeout", timeout,
                    TICK_MILLIS + " ms.." + VirtualService.MAX_TIMEOUT_SECONDS + " s");
            this.halfOpenTicks = (int) ((timeout.toMillis() + TICK_MILLIS - 1) / TICK_MILLIS);
            return this;
        }

        /**
         * The random numbers of the early drop and of the sweep (default a {@link SplittableRandom}
         * seeded at random); a generator with a fixed seed makes the defence repeatable.
         */
        public Builder random(RandomGenerator random) {
            this.random = Preconditions.checkNotNull(random, "random");
            return this;
        }

        /** The kernel's {@code expire_nodest_conn} sysctl (default off). */
        public Builder expireNodestConn(boolean on) {
            this.expireNodestConn = on;
            return this;
        }

        /** The kernel's {@code expire_quiescent_template} sysctl (default off). */
        public Builder expireQuiescentTemplate(boolean on) {
            this.expireQuiescentTemplate = on;
            return this;
        }

        /**
         * The kernel's {@code conn_reuse_mode} sysctl, 0..3 (default 1): 0 lets a new connection from
         * a client port still in the table follow the old one; bit 1 reschedules it when the old one
         * is closing ({@link ConnectionTable#reuse}); bit 2 also in FIN_WAIT without server packets.
         */
        public Builder connReuseMode(int mode) {
            this.connReuseMode = Preconditions.checkInRange(mode, 0, 3, "conn_reuse_mode");
            return this;
        }

        /** The hash seed (default random, so clients cannot aim at one probe sequence). */
        public Builder hashSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The timeout of a TCP state, whole seconds 1..31 days. */
        public Builder tcpTimeout(TcpState state, Duration timeout) {
            Preconditions.checkNotNull(state, "tcp state");
            tcp[state.ordinal()] = seconds(timeout, "tcp " + state + " timeout");
            return this;
        }

        /** The timeout of an SCTP state, whole seconds 1..31 days. */
        public Builder sctpTimeout(SctpState state, Duration timeout) {
            Preconditions.checkNotNull(state, "sctp state");
            sctp[state.ordinal()] = seconds(timeout, "sctp " + state + " timeout");
            return this;
        }

        /** The UDP timeout, whole seconds 1..31 days (default 300 s). */
        public Builder udpTimeout(Duration timeout) {
            udp = seconds(timeout, "udp timeout");
            return this;
        }

        /**
         * Applies {@code ipvsadm --set tcp tcpfin udp}: ESTABLISHED, FIN_WAIT and UDP; a zero leaves
         * the value as it is.
         */
        public Builder timeouts(Timeouts t) {
            Preconditions.checkNotNull(t, "timeouts");
            if (t.tcpSeconds() != 0) {
                tcp[TcpState.ESTABLISHED.ordinal()] = t.tcpSeconds();
            }
            if (t.tcpFinSeconds() != 0) {
                tcp[TcpState.FIN_WAIT.ordinal()] = t.tcpFinSeconds();
            }
            if (t.udpSeconds() != 0) {
                udp = t.udpSeconds();
            }
            return this;
        }

        private static int seconds(Duration d, String name) {
            Preconditions.checkNotNull(d, name);
            Preconditions.checkArgument(d.getNano() == 0 && d.getSeconds() >= 1
                    && d.getSeconds() <= VirtualService.MAX_TIMEOUT_SECONDS, name, d,
                    "whole seconds, 1.." + VirtualService.MAX_TIMEOUT_SECONDS + " s");
            return (int) d.getSeconds();
        }

        /**
         * Builds the table. Fails if {@link #expectedConnections} or {@link #defenseThreshold}, both
         * given, exceed {@link #maxConnections}.
         */
        public ConnectionTable build() {
            int m = maxSet >= 0 ? maxSet : defaultLimit(expected);
            if (maxSet >= 0 && expectedSet) {
                Preconditions.checkArgument(expected <= m, "expected connections", expected,
                        "at most max connections, " + m);
            }
            int t = thresholdSet >= 0 ? thresholdSet : Math.max(1, (int) (m * 3L / 4));
            Preconditions.checkArgument(t <= m, "defense threshold", t, "at most max connections, " + m);
            int e = expected;
            expected = Math.min(expected, m);
            max = m;
            threshold = t;
            try {
                return new ConnectionTable(this);
            } finally {
                expected = e;
            }
        }

        /** The default limit for that many expected connections. */
        static int defaultLimit(int expected) {
            return (int) Math.min(MAX_CONNECTIONS, Math.max(MIN_DEFAULT_LIMIT, 4L * expected));
        }
    }
}
