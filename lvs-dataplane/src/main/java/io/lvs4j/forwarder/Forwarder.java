package io.lvs4j.forwarder;


import io.lvs4j.table.IpvsTable;

import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Link;
import io.lvs4j.netlink.Rtnetlink;

import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.PacketSocket;
import io.lvs4j.packet.DropReason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A userspace IPVS director that really forwards, for hosts whose kernel has no IPVS: it reads
 * Ethernet frames from the director's interfaces with {@code AF_PACKET} sockets (batches of
 * {@code recvmmsg}), runs them through {@link io.lvs4j.packet.PacketPath} (connection table,
 * schedulers, NAT/DR/tunnel rewrite) and sends the result with {@code sendmmsg}, on one thread,
 * allocating nothing per packet.
 *
 * <pre>{@code
 * try (Forwarder f = Forwarder.builder().netns("lb").interfaces("eth0")
 *         .service(VirtualService.tcp("192.0.2.10", 80)
 *                 .realServer(RealServer.of("198.51.100.11", 80).route()).build())
 *         .open()) {
 *     f.start().awaitResolved(Duration.ofSeconds(2));
 *     ...
 * }
 * }</pre>
 *
 * <h2>What the host must look like</h2>
 * <ul>
 *   <li>Each interface has an address of the real servers' family; every real server is in a
 *       connected subnet of one of them (no gateways between director and real servers). The
 *       forwarder finds the real servers' MACs with ARP or neighbour solicitations itself; a real
 *       server is scheduled only once its MAC is known. It takes a MAC only from ARP that
 *       concerns the interface (a reply or request for one of its addresses, or a gratuitous
 *       ARP), never from ARP between other hosts, and from a neighbour advertisement valid by
 *       RFC 4861 (see {@link NeighbourRefusal}); what it refuses is counted
 *       ({@link ForwarderStats#neighbourRefused()}).</li>
 *   <li>The virtual address should <b>not</b> be on the director's interfaces, and IP forwarding
 *       should be off ({@code net.ipv4.ip_forward=0}, the default). The forwarder answers ARP for the
 *       virtual addresses ({@link Builder#answerArp}); the kernel, which still sees every frame
 *       ({@code AF_PACKET} is a tap), drops the virtual address's packets as not its own without
 *       an answer (no forwarding: no ICMP), and drops NAT replies from real servers to clients the
 *       same way. With the virtual address on an interface the kernel would answer a SYN with a
 *       RST; a firewall drop rule for the virtual address and port in the input hook would then be
 *       needed. IPv6 differs: a packet without a route gets an ICMPv6 "no route" error whether or
 *       not the host forwards, so an IPv6 virtual address outside the connected prefixes needs a
 *       route, e.g. {@code ip -6 route add blackhole VIP/128} (dropped silently).</li>
 *   <li>NAT: the real servers route the clients' addresses via a director's address. Replies go
 *       back to the MAC and interface that the connection's client packets came from.</li>
 *   <li>DR: real servers on the same link with the virtual address on {@code lo} and
 *       {@code arp_ignore=1}, {@code arp_announce=2}, as for the kernel's IPVS.</li>
 *   <li>TUN: the real server's tunnel type, GUE port and checksum option as for the kernel
 *       (ipip, gre, gue; {@code --tun-csum} for gre and gue, {@code --tun-remcsum} sends plain
 *       GUE since the forwarder's packets carry complete checksums); the outer source is the
 *       director's address on the real server's subnet. The real server receives on a tunnel
 *       device carrying the virtual address (/32) with {@code rp_filter=0} on it and on
 *       {@code all}, and {@code arp_ignore=1}, {@code arp_announce=2}: {@code tunl0} for ipip,
 *       {@code gre0} for gre without checksum but a gre device with {@code icsum} for
 *       {@code --tun-csum} (the kernel drops GRE whose checksum flag differs from the device's),
 *       {@code ip fou add port P gue} and an ipip device for gue. It answers the client
 *       directly. IPv4 only for gre and gue; IPv6 real servers get IPv6-in-IPv6
 *       ({@code ip6tnl0} on the real server).</li>
 * </ul>
 * IPv6 works the same way with neighbour discovery in place of ARP (solicitations for real
 * servers, advertisements for the virtual addresses). Frames whose transport checksum a local
 * sender left to offload (veth) are completed before the rewrite. {@link #announce()} sends
 * gratuitous ARP and unsolicited advertisements for the virtual addresses; {@link #standby} stops
 * answering for one (another director holds it: VRRP backup) and takes it back.
 *
 * <h2>As a director's IPVS table</h2>
 * {@link #table()} makes it a table that a {@link io.lvs4j.table.Reconciler} or a
 * director ({@code Director.builder().ipvs(...)} in {@code lvs-director}, {@code lvs4j run
 * --userspace}) programs as it programs the kernel's: services are added, edited (scheduler,
 * flags, persistence, in place: real servers and connections stay) and removed at runtime; real
 * servers added, edited (weight, thresholds, forwarding method) and removed; each change on the
 * forwarder's thread between two batches of frames. It may open with no service at all. Its
 * states report each real server's active and inactive connections from the connection table and
 * its packet and byte counters (IP bytes; the count of connections ever scheduled stays 0, it is
 * not kept). As in the kernel, removing a real server or a service unlinks the
 * destinations: their connections' client packets are dropped (with
 * {@link Builder#expireNodestConn} the connection expires instead), and a removed service's
 * virtual address is no longer answered for unless another service has it. Unlike the kernel,
 * which keeps a removed destination and revives it when it is added back, a real server added
 * back is a new destination: the old connections' packets stay dropped until they expire.
 * Refused with EOPNOTSUPP: firewall-mark services, local delivery, real servers outside the
 * connected subnets, timeouts other than those it opened with ({@link Builder#timeouts}), sync
 * daemons.
 *
 * <h2>Floods and failure</h2>
 * The connection table is bounded ({@link Builder#maxConnections}, default four times the expected
 * connections) and defends itself from {@link Builder#defenseThreshold} on: new connections and
 * half-open ones are dropped at random, more as the table fills, and half-open ones time out after
 * {@link Builder#halfOpenTimeout}; the connections it holds keep flowing. {@link #stats()} counts
 * the refused packets ({@link DropReason#TABLE_FULL}, {@link DropReason#EARLY_DROP}), the half-open
 * connections dropped and the table's fill, and the forwarder logs a warning at most every 10 s
 * while it refuses connections. If its thread dies all the same (an {@link Error} such as an
 * {@link OutOfMemoryError}) the forwarder goes to {@link State#FAILED} and tells its
 * {@link Builder#failureListener FailureListener}s: a director should then give up the virtual
 * addresses, which nobody serves any more.
 *
 * <p>Limits: no firewall-mark services; frames up to 1,984 bytes (GSO/GRO super-packets are
 * counted as truncated and dropped); one thread; tunnelled frames that outgrow the outgoing
 * interface's MTU (20 to 32 bytes of encapsulation) are not sent and no ICMP "fragmentation
 * needed" goes back to the client as the kernel would send (they count as send errors), so
 * full-size client segments need a smaller MTU or MSS towards the virtual address; tunnelling
 * (ipip, gre with and without checksum, gue with and without checksum, IPv6 in IPv6) is tested end
 * to end in User-Mode Linux ({@code ForwarderTunLabIT}); {@code conn_reuse_mode} is modelled (a
 * SYN or INIT from the port of a closing connection is scheduled afresh) with the connection
 * table's default (1), not configurable here; a removed service's slot in the connection table is not reused (each
 * service added takes a new one, a few hundred bytes).
 *
 * <p>Thread-safe: runtime changes and {@link #stats()} run on the forwarder's thread once it
 * started.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** The forwarder logs the connection table's refusals at most this often. */
    private static final long REPORT_NANOS = 10_000_000_000L;

    private final Dataplane plane;
    private final PacketSocket[] sockets;
    private final PacketSocket.Poller poller;
    private final Timeouts timeouts;
    private final String description;
    private final ConcurrentLinkedQueue<FutureTask<?>> commands = new ConcurrentLinkedQueue<>();
    private final List<FailureListener> failureListeners;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile State state = State.OPEN;
    private volatile Throwable death;
    private volatile RuntimeException failure;
    private volatile long loopErrors;
    private final IpvsTable table;

    /** Where a forwarder is in its life; {@link #state()}. */
    public enum State {
        /** Opened, its thread not started: changes apply at once on the caller's thread. */
        OPEN,
        /** Its thread forwards. */
        RUNNING,
        /**
         * Its thread died of an error it could not recover from (e.g. an {@link OutOfMemoryError}):
         * nothing is forwarded any more, and the virtual addresses it holds are black holes. A
         * director should give them up; {@link #failureCause()} says why, and the
         * {@link FailureListener}s were told.
         */
        FAILED,
        /** Closed: its sockets are closed. */
        CLOSED
    }

    /**
     * Told, once, when the forwarder's thread dies ({@link State#FAILED}); called on that thread
     * after the state changed, so it should only hand the news on (e.g. make the VRRP instances give
     * up mastership and the process exit non-zero). What it throws is ignored.
     */
    @FunctionalInterface
    public interface FailureListener {
        void failed(Forwarder forwarder, Throwable cause);
    }

    Forwarder(Dataplane plane, PacketSocket[] sockets, Timeouts timeouts, String description,
            List<FailureListener> failureListeners) throws NetlinkIoException {
        this.plane = plane;
        this.sockets = sockets;
        this.poller = new PacketSocket.Poller(sockets);
        this.timeouts = timeouts;
        this.description = description;
        this.failureListeners = List.copyOf(failureListeners);
        this.table = new ForwarderBackend(this);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether jnr-ffi could bind libc; opening still needs {@code CAP_NET_RAW}. */
    public static boolean isAvailable() {
        return PacketSocket.nativeAvailable();
    }

    /** Why {@link #isAvailable()} is false, or null. */
    public static Throwable unavailabilityCause() {
        return PacketSocket.nativeAvailable() ? null : PacketSocket.bindFailure();
    }

    /** Starts the forwarding thread; returns this. */
    public synchronized Forwarder start() {
        Preconditions.checkState(thread == null, "forwarder", "started", "not started yet");
        Preconditions.checkState(state == State.OPEN, "forwarder", state, "open");
        running = true;
        state = State.RUNNING;
        Thread t = new Thread(this::loop, "lvs4j-forwarder");
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    /** Waits until every real server's MAC is known; returns false if some are still unknown. */
    public boolean awaitResolved(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (call(plane::unresolvedServers) == 0) {
                return true;
            }
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    /** Adds a real server to a service at runtime; it takes connections once its MAC is known. */
    public void addRealServer(ServiceKey service, RealServer server) {
        Preconditions.checkNotNull(server, "real server");
        Preconditions.checkNotNull(service, "service");
        call(() -> {
            plane.addRealServer(index(service), server);
            return null;
        });
    }

    /**
     * Removes a real server at runtime: it takes no new connections, and its connections' client
     * packets are dropped from then on (as the kernel does for a removed destination). Returns
     * false if it was not in the service.
     */
    public boolean removeRealServer(ServiceKey service, InetAddress address, int port) {
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkNotNull(service, "service");
        return call(() -> plane.removeRealServer(index(service), address, port));
    }

    /**
     * Announces the virtual addresses on every interface (gratuitous ARP, unsolicited neighbour
     * advertisements), as a director taking them over should, e.g. when it becomes VRRP master;
     * neighbours that cached another MAC for them update it. Returns how many frames were sent.
     */
    public int announce() {
        return call(plane::announce);
    }

    /**
     * As {@link #announce()} for one virtual address (a VRRP instance's VIP it answers for);
     * nothing when the forwarder does not answer for it. Returns how many frames were sent.
     */
    public int announce(InetAddress address) {
        Preconditions.checkNotNull(address, "address");
        return call(() -> plane.announce(address));
    }

    /**
     * Puts a virtual address in standby, or takes it back, at runtime: for a director that shares
     * the address with others through VRRP ({@code lvs4j run --userspace} does this for a
     * {@code virtual_server} whose address is a VIP). In standby the forwarder does not answer ARP
     * or neighbour solicitations for it, leaves it out of {@link #announce()}, and drops frames to
     * it (counted as not for us); its services, real servers and connections stay. Taken back, it
     * is answered for again; call {@link #announce()} so neighbours learn this director's MAC. An
     * address may be put in standby before any service has it (before the services are added,
     * so that a backup never answers for it). Returns whether the state changed.
     */
    public boolean standby(InetAddress address, boolean on) {
        Preconditions.checkNotNull(address, "address");
        return call(() -> plane.standby(address, on));
    }

    /**
     * Sets a real server's weight at runtime (0 quiesces it: it takes no new connections, its
     * connections go on), as a health checker inhibiting it would. Returns false if it was not in
     * the service.
     */
    public boolean weight(ServiceKey service, InetAddress address, int port, int weight) {
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkInRange(weight, 0, RealServer.MAX_WEIGHT, "weight");
        Preconditions.checkNotNull(service, "service");
        return call(() -> plane.weight(index(service), address, port, weight));
    }

    /** On the forwarder's thread: the index of a service it has. */
    private int index(ServiceKey key) {
        int i = plane.serviceIndex(key);
        if (i < 0) {
            List<ServiceKey> keys = new ArrayList<>();
            for (VirtualService v : plane.services()) {
                if (v != null) {
                    keys.add(v.key());
                }
            }
            throw new IllegalArgumentException(Preconditions.message("service", key, "one of " + keys));
        }
        return i;
    }

    /** The connection table's timeouts, fixed when the forwarder opened. */
    Timeouts timeouts() {
        return timeouts;
    }

    /**
     * Runs {@code body} on the forwarder's thread (or under its lock before it started), so that
     * it sees and changes the data plane between two batches of frames.
     */
    <T> T onThread(Callable<T> body) {
        return call(body);
    }

    /** The data plane, for {@link ForwarderBackend}; only to be used through {@link #onThread}. */
    Dataplane plane() {
        return plane;
    }

    /**
     * This forwarder's tables as an IPVS table, for a {@link io.lvs4j.table.Reconciler} or a
     * director: changes are applied on its thread between two batches of frames;
     * {@link IpvsTable#serviceStates()} reports its connection table's active and inactive
     * connections and packet and byte counters per real server (the count of connections ever
     * scheduled stays 0). Firewall-mark services, local delivery, sync daemons and timeouts other
     * than the forwarder's are refused with EOPNOTSUPP. The forwarder stays the caller's to close
     * (after the director using it).
     */
    public IpvsTable table() {
        return table;
    }

    /** The counters, drop reasons included, and the connection table's fill. */
    public ForwarderStats stats() {
        return call(() -> {
            long[] c = plane.counters();
            Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
            drops.putAll(plane.path().drops().snapshot());
            ConnectionTable t = plane.connectionTable();
            return new ForwarderStats(c, drops, plane.unresolvedServers(), t.size(), t.maxConnections(),
                    t.halfOpenEvictions(), plane.neighbourRefused());
        });
    }

    /** Where the forwarder is in its life. */
    public State state() {
        return state;
    }

    /** What killed the forwarder's thread ({@link State#FAILED}), or null. */
    public Throwable failureCause() {
        return death;
    }

    /** The forwarding thread's id, or -1 before {@link #start()} (for tests measuring its allocation). */
    long threadId() {
        Thread t = thread;
        return t == null ? -1 : t.getId();
    }

    /**
     * The last unexpected exception of the forwarding loop (it kept running), or null; see
     * {@link #failureCause()} for what ended it.
     */
    public RuntimeException lastFailure() {
        return failure;
    }

    private <T> T call(Callable<T> body) {
        Thread t = thread;
        if (t == null || !running) {
            synchronized (this) {
                return callHere(body);
            }
        }
        if (Thread.currentThread() == t) {
            return callHere(body);
        }
        FutureTask<T> task = new FutureTask<>(body);
        commands.add(task);
        if (!running && commands.remove(task)) { // the thread ended meanwhile: nobody else will run it
            synchronized (this) {
                return callHere(body);
            }
        }
        try {
            return task.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            throw new IllegalStateException(Preconditions.message("forwarder thread", state,
                    "a running forwarder"), death != null ? death : e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the forwarder thread", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(Preconditions.message("forwarder thread", "no answer after "
                    + COMMAND_TIMEOUT.toSeconds() + " s", "a running forwarder"), e);
        }
    }

    /** Runs {@code body} in this thread; a checked exception comes back wrapped as unchecked. */
    static <T> T callHere(Callable<T> body) {
        try {
            return body.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        long lastTimers = 0;
        long lastReport = System.nanoTime();
        long refusedBefore = 0;
        try {
            while (running) {
                try {
                    if (poller.await(10) > 0) {
                        for (int k = 0; k < sockets.length; k++) {
                            if (poller.ready(k)) {
                                plane.poll(k, 16);
                            }
                        }
                    }
                    FutureTask<?> c;
                    while ((c = commands.poll()) != null) {
                        c.run();
                    }
                    long now = System.nanoTime();
                    if (now - lastTimers >= 10_000_000L) {
                        lastTimers = now;
                        plane.timers(now);
                    }
                    if (now - lastReport >= REPORT_NANOS) {
                        lastReport = now;
                        refusedBefore = reportPressure(refusedBefore);
                    }
                } catch (RuntimeException e) {
                    failure = e;
                    if (loopErrors++ < 10) {
                        LOG.warn("forwarder on {}: {}", description, e.toString(), e);
                    }
                }
            }
        } catch (Throwable t) { // an Error (OutOfMemoryError, StackOverflowError, ...): the thread ends
            died(t);
        } finally {
            FutureTask<?> c;
            while ((c = commands.poll()) != null) {
                c.cancel(false);
            }
        }
    }

    /** At most every {@link #REPORT_NANOS}: a warning if the connection table refused connections. */
    private long reportPressure(long before) {
        ConnectionTable t = plane.connectionTable();
        long refused = t.fullDrops() + t.earlyDrops();
        if (refused != before) {
            LOG.warn("forwarder on {}: connection table at {} of {} entries (defence from {}): {} new connections"
                    + " refused ({} at the limit, {} by early drop), {} half-open dropped, since it opened",
                    description, t.size(), t.maxConnections(), t.defenseThreshold(), refused, t.fullDrops(),
                    t.earlyDrops(), t.halfOpenEvictions());
        }
        return refused;
    }

    private void died(Throwable t) {
        running = false;
        death = t;
        state = State.FAILED;
        try {
            LOG.error("forwarder on {}: its thread died, nothing is forwarded any more: {}", description, t.toString(),
                    t);
        } catch (Throwable ignored) { // logging may need the memory that ran out
        }
        for (FailureListener l : failureListeners) {
            try {
                l.failed(this, t);
            } catch (Throwable ignored) { // a listener's failure must not hide the others
            }
        }
    }

    /** Stops the thread and closes the sockets. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            plane.close();
            state = State.CLOSED;
        }
    }

    @Override
    public String toString() {
        return "Forwarder[" + description + "]";
    }

    /** Settings of a {@link Forwarder}; {@link #open()} opens the sockets. */
    public static final class Builder {
        private String netns;
        private final Set<String> interfaces = new LinkedHashSet<>();
        private final List<VirtualService> services = new ArrayList<>();
        private Timeouts timeouts;
        private boolean answerArp = true;
        private int batch = 64;
        private int expectedConnections = 65_536;
        private boolean expectedSet;
        private int maxConnections = -1;
        private int defenseThreshold = -1;
        private Duration halfOpenTimeout;
        private int receiveBuffer = 4 << 20;
        private boolean expireNodestConn;
        private boolean sloppyTcp;
        private boolean sloppySctp;
        private final List<FailureListener> failureListeners = new ArrayList<>();

        private Builder() {}

        /** The network namespace ({@code /run/netns/NAME}) of the interfaces; default the caller's. */
        public Builder netns(String name) {
            this.netns = name == null ? null : io.lvs4j.netlink.internal.Netns.checkName(name);
            return this;
        }

        /** The director's interfaces to forward on (at least one). */
        public Builder interfaces(String... names) {
            for (String n : names) {
                Preconditions.checkArgument(n != null && !n.isEmpty() && n.length() <= 15, "interface", n,
                        "a name of 1..15 characters");
                Preconditions.checkArgument(interfaces.add(n), "interface", n, "listed once");
            }
            return this;
        }

        /** A virtual service (IPv4 or IPv6 address and port) with its real servers. */
        public Builder service(VirtualService service) {
            Preconditions.checkNotNull(service, "virtual service");
            for (VirtualService s : services) {
                Preconditions.checkArgument(!s.key().equals(service.key()), "virtual service", service.key(),
                        "listed once");
            }
            services.add(service);
            return this;
        }

        /** Every service of a director configuration, and its timeouts. */
        public Builder config(DirectorConfig config) {
            Preconditions.checkNotNull(config, "director config");
            config.services().forEach(this::service);
            this.timeouts = config.timeouts();
            return this;
        }

        /**
         * The connection table's TCP, TCP FIN and UDP timeouts (0 keeps the kernel's default);
         * fixed once the forwarder is open.
         */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Preconditions.checkNotNull(timeouts, "timeouts");
            return this;
        }

        /**
         * The kernel's {@code expire_nodest_conn} (default off): a client packet of a connection
         * whose real server was removed expires the connection at once instead of being dropped
         * while the connection waits for its timeout.
         */
        public Builder expireNodestConn(boolean on) {
            this.expireNodestConn = on;
            return this;
        }

        /**
         * The kernel's {@code net.ipv4.vs.sloppy_tcp} (default off), for several active directors
         * behind routers' ECMP: a TCP packet of a flow this forwarder does not know that is not a
         * SYN (never a RST) is scheduled as a new connection instead of dropped, so a flow that
         * moves here from another director mid-way goes on, and with {@code mh} (the same real
         * servers in the same order on every director) to the same real server. Such connections
         * are admitted and defended against floods like any new one ({@link
         * io.lvs4j.packet.PacketPath#sloppyTcp}); what is still dropped counts as {@link
         * DropReason#NOT_INITIAL}.
         */
        public Builder sloppyTcp(boolean on) {
            this.sloppyTcp = on;
            return this;
        }

        /** The kernel's {@code net.ipv4.vs.sloppy_sctp} (default off): as {@link #sloppyTcp} for SCTP (never an ABORT). */
        public Builder sloppySctp(boolean on) {
            this.sloppySctp = on;
            return this;
        }

        /** Whether to answer ARP requests for the virtual addresses (default true). */
        public Builder answerArp(boolean on) {
            this.answerArp = on;
            return this;
        }

        /** Frames per {@code recvmmsg}/{@code sendmmsg} batch (default 64). */
        public Builder batchSize(int frames) {
            this.batch = Preconditions.checkInRange(frames, 1, 1024, "batch size");
            return this;
        }

        /** Connections the table is sized for up front (default 65,536); at most {@link #maxConnections}. */
        public Builder expectedConnections(int n) {
            this.expectedConnections = Preconditions.checkInRange(n, 1, 1 << 24, "expected connections");
            this.expectedSet = true;
            return this;
        }

        /**
         * The most entries (connections and persistence templates) the connection table holds,
         * 1..{@value ConnectionTable#MAX_CONNECTIONS}; default four times
         * {@link #expectedConnections} (262,144 with its default), at least 65,536. The table's
         * memory is bounded by about 217 bytes an entry of this limit (half as much again while it
         * grows from the expected size), so a flood of new flows cannot run the heap out: at the
         * limit a new connection's packet is dropped ({@link DropReason#TABLE_FULL}) and the
         * connections the table holds go on. Size the heap for it. See
         * {@link ConnectionTable.Builder#maxConnections(int)}.
         */
        public Builder maxConnections(int n) {
            this.maxConnections = Preconditions.checkInRange(n, 1, ConnectionTable.MAX_CONNECTIONS, "max connections");
            return this;
        }

        /**
         * The connection table's fill at which its flood defence starts (default three quarters of
         * {@link #maxConnections}): random early drop of new connections
         * ({@link DropReason#EARLY_DROP}) and of half-open ones, rising to certainty at the limit,
         * and the {@link #halfOpenTimeout} for half-open connections. See
         * {@link ConnectionTable.Builder#defenseThreshold(int)}.
         */
        public Builder defenseThreshold(int entries) {
            this.defenseThreshold = Preconditions.checkInRange(entries, 1, ConnectionTable.MAX_CONNECTIONS,
                    "defense threshold");
            return this;
        }

        /**
         * The longest a half-open connection waits for its next packet while the table is past its
         * {@link #defenseThreshold} (default 5 s; 100 ms..31 days). See
         * {@link ConnectionTable.Builder#halfOpenTimeout(Duration)}.
         */
        public Builder halfOpenTimeout(Duration timeout) {
            ConnectionTable.builder().halfOpenTimeout(timeout); // checks it now
            this.halfOpenTimeout = timeout;
            return this;
        }

        /**
         * Adds a listener told when the forwarder's thread dies ({@link State#FAILED}, e.g. of an
         * {@link OutOfMemoryError}).
         */
        public Builder failureListener(FailureListener listener) {
            failureListeners.add(Preconditions.checkNotNull(listener, "failure listener"));
            return this;
        }

        /** Each socket's receive buffer in bytes (default 4 MiB). */
        public Builder receiveBufferBytes(int bytes) {
            this.receiveBuffer = Preconditions.checkInRange(bytes, 65_536, 1 << 30, "receive buffer");
            return this;
        }

        /**
         * Opens the sockets, reads the interfaces' MACs and IP addresses, and registers the
         * services; their real servers are asked for with ARP once the forwarder {@link #start()}s.
         */
        public Forwarder open() throws InterfaceException {
            Preconditions.checkState(!interfaces.isEmpty(), "interfaces", "none", "at least one");
            for (VirtualService s : services) {
                Preconditions.checkArgument(!s.key().isFwmark(), "virtual service", s.key(),
                        "an address and port (firewall marks are not seen in userspace)");
            }
            ConnectionTable.Builder tb = ConnectionTable.builder().expireNodestConn(expireNodestConn);
            if (maxConnections >= 0) {
                tb.maxConnections(maxConnections);
                // the default expectation yields to a smaller limit; a given one is checked against it
                tb.expectedConnections(expectedSet ? expectedConnections : Math.min(expectedConnections, maxConnections));
            } else {
                tb.expectedConnections(expectedConnections);
            }
            if (defenseThreshold >= 0) {
                tb.defenseThreshold(defenseThreshold);
            }
            if (halfOpenTimeout != null) {
                tb.halfOpenTimeout(halfOpenTimeout);
            }
            if (timeouts != null) {
                tb.timeouts(timeouts);
            }
            ConnectionTable connections = tb.build(); // cross-checks the limit before any socket opens
            String[] names = interfaces.toArray(new String[0]);
            int n = names.length;
            long[] macs = new long[n];
            int[][] addrs = new int[n][];
            int[][] prefixes = new int[n][];
            long[][] hi6 = new long[n][];
            long[][] lo6 = new long[n][];
            int[][] prefixes6 = new int[n][];
            try (Rtnetlink rt = Rtnetlink.open(netns)) {
                for (int i = 0; i < n; i++) {
                    Link link = rt.link(names[i]);
                    byte[] hw = link.hardwareAddress();
                    if (hw == null || hw.length != 6) {
                        throw new IllegalArgumentException(Preconditions.message("interface", names[i],
                                "an Ethernet interface (6-byte hardware address)"));
                    }
                    for (byte b : hw) {
                        macs[i] = macs[i] << 8 | (b & 0xFF);
                    }
                    List<InterfaceAddress> v4 = new ArrayList<>();
                    List<InterfaceAddress> v6 = new ArrayList<>();
                    for (InterfaceAddress a : rt.addresses(link.index())) {
                        (a.address() instanceof Inet4Address ? v4 : v6).add(a);
                    }
                    if (v4.isEmpty() && v6.isEmpty()) {
                        throw new IllegalArgumentException(Preconditions.message("interface", names[i],
                                "an IP address (the source of the forwarder's ARP and neighbour solicitations)"));
                    }
                    hi6[i] = new long[v6.size()];
                    lo6[i] = new long[v6.size()];
                    prefixes6[i] = new int[v6.size()];
                    for (int k = 0; k < v6.size(); k++) {
                        byte[] b = v6.get(k).address().getAddress();
                        for (int j = 0; j < 8; j++) {
                            hi6[i][k] = hi6[i][k] << 8 | (b[j] & 0xFF);
                            lo6[i][k] = lo6[i][k] << 8 | (b[8 + j] & 0xFF);
                        }
                        prefixes6[i][k] = v6.get(k).prefixLength();
                    }
                    addrs[i] = new int[v4.size()];
                    prefixes[i] = new int[v4.size()];
                    for (int k = 0; k < v4.size(); k++) {
                        byte[] b = v4.get(k).address().getAddress();
                        addrs[i][k] = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
                        prefixes[i][k] = v4.get(k).prefixLength();
                    }
                }
            }
            PacketSocket[] sockets = new PacketSocket[n];
            try {
                for (int i = 0; i < n; i++) {
                    sockets[i] = PacketSocket.open(netns, names[i], batch, receiveBuffer);
                }
                Timeouts effective = Timeouts.ofSeconds(900, 120, 300); // the kernel's defaults
                if (timeouts != null) {
                    effective = Timeouts.ofSeconds(
                            timeouts.tcpSeconds() != 0 ? timeouts.tcpSeconds() : effective.tcpSeconds(),
                            timeouts.tcpFinSeconds() != 0 ? timeouts.tcpFinSeconds() : effective.tcpFinSeconds(),
                            timeouts.udpSeconds() != 0 ? timeouts.udpSeconds() : effective.udpSeconds());
                }
                Dataplane plane = new Dataplane(sockets, macs, addrs, prefixes, hi6, lo6, prefixes6, answerArp,
                        connections);
                plane.path().sloppyTcp(sloppyTcp).sloppySctp(sloppySctp);
                for (VirtualService s : services) {
                    plane.addService(s);
                }
                for (int i = 0; i < services.size(); i++) {
                    for (RealServer rs : services.get(i).realServers()) {
                        plane.addRealServer(i, rs);
                    }
                }
                String where = (netns != null ? netns + ":" : "") + String.join(",", names);
                return new Forwarder(plane, sockets, effective, where, failureListeners);
            } catch (NetlinkIoException e) {
                closeAll(sockets);
                InterfaceException ie = new InterfaceException(e.syscall, "AF_PACKET forwarder on "
                        + String.join(",", names) + (netns != null ? " in " + netns : ""), e.errno, e.errnoText, null);
                ie.initCause(e);
                throw ie;
            } catch (RuntimeException e) {
                closeAll(sockets);
                throw e;
            }
        }

        private static void closeAll(PacketSocket[] sockets) {
            for (PacketSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }

        @Override
        public String toString() {
            return "Forwarder.Builder[netns=" + netns + ", interfaces=" + interfaces + ", services="
                    + services.stream().map(s -> Objects.toString(s.key())).toList()
                    + (sloppyTcp ? ", sloppy_tcp" : "") + (sloppySctp ? ", sloppy_sctp" : "") + "]";
        }
    }
}
