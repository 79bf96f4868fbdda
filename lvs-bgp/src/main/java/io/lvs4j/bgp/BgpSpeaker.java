package io.lvs4j.bgp;

import io.lvs4j.bgp.internal.Bgp;
import io.lvs4j.bgp.internal.Connection;
import io.lvs4j.bgp.internal.Encoder;
import io.lvs4j.bgp.internal.NettyTransport;
import io.lvs4j.bgp.internal.TcpMd5;
import io.lvs4j.bgp.internal.Transport;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.time.Scheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An announce-only BGP speaker: sessions with several neighbours (routers), over which it announces
 * host routes (IPv4 /32, IPv6 /128) and withdraws them. Routes received from the neighbours are
 * read and ignored. Every route goes out with the same path attributes (ORIGIN IGP, an AS_PATH of
 * the local AS alone, the session's own address as next hop, MED only when configured), so
 * routers that hear the same address from several speakers can use them all (ECMP).
 *
 * <pre>{@code
 * BgpSpeaker speaker = BgpSpeaker.builder()
 *         .routerId("192.0.2.11")
 *         .localAs(65001)
 *         .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(65000).holdTime(Duration.ofSeconds(3)).build())
 *         .build();
 * speaker.start();
 * speaker.announce(InetAddress.getByName("198.51.100.10"));
 * ...
 * speaker.shutdown(Duration.ofSeconds(5)).join(); // GRACEFUL_SHUTDOWN, drain, withdraw, close
 * }</pre>
 *
 * <p>Thread-safe: {@link #announce}, {@link #withdraw}, {@link #sessions()} and the rest may be
 * called from any thread; the sessions run on the speaker's {@link Scheduler} (its own thread by
 * default, or the one given to the builder), where listeners are called too.
 *
 * <p>{@link #reconfigure} changes the neighbours, router ID and AS of a running speaker: a
 * neighbour whose settings stay keeps its session.
 *
 * <p>It never advertises graceful restart: when the speaker's process dies, the kernel closes its
 * TCP connections and the routers withdraw its routes at once; when its host dies, within the hold
 * time.
 */
public final class BgpSpeaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BgpSpeaker.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    /** Where a speaker is in its life. */
    private enum Phase { NEW, RUNNING, SHUTTING_DOWN, CLOSED }

    // the settings {@link #reconfigure} may change
    private volatile Inet4Address routerId;
    private volatile long localAs;
    private volatile List<BgpNeighbor> neighbors;
    private volatile Duration connectRetry;
    private volatile Duration connectRetryMax;
    private final boolean listen;
    private final InetAddress listenAddress;
    private final int listenPort;
    private final Scheduler givenScheduler;
    private final String networkNamespace;
    private final List<BgpListener> listeners;
    /** Tests put a transport and a random source here; null: Netty, and jitter. */
    private final Transport givenTransport;
    private final DoubleSupplier givenRandom;

    private final Object lock = new Object();
    /** Held by {@link #reconfigure} (one at a time). */
    private final Object reconfigureLock = new Object();
    private final LinkedHashSet<InetAddress> routes = new LinkedHashSet<>();
    private boolean gracefulShutdown;
    private volatile Phase phase = Phase.NEW;
    private final AtomicBoolean syncPending = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Scheduler scheduler;
    private volatile Transport transport;
    private volatile Map<InetAddress, Session> sessions = Map.of();
    private volatile Core core;

    private BgpSpeaker(Builder b, Transport transport, DoubleSupplier random) {
        this.routerId = b.routerId;
        this.localAs = b.localAs;
        this.neighbors = List.copyOf(b.neighbors.values());
        this.listen = b.listen;
        this.listenAddress = b.listenAddress;  // null: every address
        this.listenPort = b.listenPort;
        this.connectRetry = b.connectRetry;
        this.connectRetryMax = b.connectRetryMax;
        this.givenScheduler = b.scheduler;
        this.networkNamespace = b.networkNamespace;
        this.listeners = List.copyOf(b.listeners);
        this.givenTransport = transport;
        this.givenRandom = random;
    }

    /** A builder with nothing set; router ID, local AS and at least one neighbour are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** For tests: a speaker on this transport and random source (0..1; jitter is x(0.75 + 0.25 r)). */
    static BgpSpeaker create(Builder b, Transport transport, DoubleSupplier random) {
        b.validate();
        return new BgpSpeaker(b, transport, random);
    }

    /** Whether TCP MD5 ({@link BgpNeighbor.Builder#password}) works on this kernel. */
    public static boolean isTcpMd5Available() {
        return TcpMd5.isAvailable();
    }

    /** Why TCP MD5 does not work here, when it does not. */
    public static Optional<String> tcpMd5UnavailabilityCause() {
        return Optional.ofNullable(TcpMd5.unavailabilityCause());
    }

    public Inet4Address routerId() {
        return routerId;
    }

    public long localAs() {
        return localAs;
    }

    public List<BgpNeighbor> neighbors() {
        return neighbors;
    }

    /** A builder with this speaker's settings (neighbours, listeners and scheduler included), for a new speaker. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.routerId = routerId;
        b.localAs = localAs;
        b.neighbors(neighbors);
        b.listen = listen;
        b.listenAddress = listenAddress;
        b.listenPort = listenPort;
        b.connectRetry = connectRetry;
        b.connectRetryMax = connectRetryMax;
        b.scheduler = givenScheduler;
        b.networkNamespace = networkNamespace;
        b.listeners.addAll(listeners);
        return b;
    }

    /**
     * Starts: listens for the neighbours' connections (unless {@code listen(false)}), dials those
     * that are not passive, and announces the routes given so far once sessions are up.
     *
     * @throws InterfaceException when the listener cannot be bound (port in use, no permission for
     *     port 179), a TCP MD5 key is refused, or the network namespace cannot be entered
     * @throws IllegalStateException when started before
     */
    public void start() throws InterfaceException {
        synchronized (lock) {
            Preconditions.checkState(phase == Phase.NEW, "speaker", phase.toString().toLowerCase(java.util.Locale.ROOT),
                    "new (start once)");
            phase = Phase.RUNNING;
        }
        Transport t = givenTransport;
        Scheduler s = givenScheduler;
        if (t == null) {
            NettyTransport nt = new NettyTransport(networkNamespace);
            t = nt;
            if (s == null) {
                s = nt.scheduler();
            }
        }
        Preconditions.checkState(s != null, "scheduler", null, "set when a transport is given");
        DoubleSupplier random = givenRandom != null ? givenRandom : new SplittableRandom()::nextDouble;
        Core core = new Core(Addresses.toInt(routerId), localAs, s, t, connectRetry.toNanos(), connectRetryMax.toNanos(),
                random, listeners);
        Map<InetAddress, Session> m = new LinkedHashMap<>();
        Map<InetAddress, byte[]> keys = new LinkedHashMap<>();
        for (BgpNeighbor n : neighbors) {
            m.put(n.address(), new Session(n, core));
            if (n.hasPassword()) {
                keys.put(n.address(), n.passwordBytes());
            }
        }
        this.scheduler = s;
        this.transport = t;
        this.core = core;
        this.sessions = m;
        try {
            InetSocketAddress at = !listen ? null : listenAddress == null ? new InetSocketAddress(listenPort)
                    : new InetSocketAddress(listenAddress, listenPort);
            t.start(new Events(), at, keys);
        } catch (InterfaceException | RuntimeException e) {
            phase = Phase.CLOSED;
            t.close();
            closed.complete(null);
            throw e;
        }
        LOG.info("BGP speaker {} AS {} started with {} neighbor(s)", Addresses.format(routerId), localAs, m.size());
        onScheduler(() -> {
            pushRoutes(core);
            for (Session session : m.values()) {
                session.start();
            }
        });
    }

    /**
     * Whether {@link #reconfigure} can bring this speaker to {@code settings}: the same listener
     * (whether it listens, its address and port), network namespace and scheduler. Anything else
     * a new speaker must change.
     */
    public boolean reconfigurable(BgpSpeaker settings) {
        Preconditions.checkNotNull(settings, "settings");
        return listen == settings.listen && java.util.Objects.equals(listenAddress, settings.listenAddress)
                && listenPort == settings.listenPort && java.util.Objects.equals(networkNamespace, settings.networkNamespace)
                && givenScheduler == settings.givenScheduler;
    }

    /**
     * Brings this speaker to the router ID, local AS, neighbours and connect retry of
     * {@code settings} (a speaker built for the purpose and never started) without disturbing
     * what stays: a neighbour whose settings are equal keeps its session (no flap); a neighbour
     * that is gone gets a Cease NOTIFICATION (RFC 4486 Peer De-configured) and its connection
     * closes; a new neighbour's session starts; a neighbour whose settings changed (remote AS,
     * hold time, password, port, local address, ...) is restarted (Cease, Other Configuration
     * Change). A new router ID, local AS or connect retry restarts every session. The routes
     * announced stay announced, to each session once it is up. The listeners are this speaker's.
     * Works before {@link #start()} too (the settings are then the ones it starts with). The
     * sessions change on the speaker's scheduler, after this returns.
     *
     * @throws IllegalArgumentException when {@code settings} are not {@link #reconfigurable} (a
     *     new speaker must change those); nothing changed then
     * @throws InterfaceException when the TCP MD5 key of a new or changed neighbour is refused on
     *     the listening socket; nothing changed then
     * @throws IllegalStateException after {@link #shutdown} or {@link #close()}
     */
    public void reconfigure(BgpSpeaker settings) throws InterfaceException {
        Preconditions.checkNotNull(settings, "settings");
        Preconditions.checkArgument(reconfigurable(settings), "settings", settings,
                "the same listener, network namespace and scheduler (a new speaker otherwise)");
        synchronized (reconfigureLock) {
            Map<InetAddress, BgpNeighbor> before = new LinkedHashMap<>();
            for (BgpNeighbor n : neighbors) {
                before.put(n.address(), n);
            }
            boolean restartAll = !routerId.equals(settings.routerId) || localAs != settings.localAs
                    || !connectRetry.equals(settings.connectRetry) || !connectRetryMax.equals(settings.connectRetryMax);
            List<InetAddress> restart = new ArrayList<>();
            List<InetAddress> added = new ArrayList<>();
            for (BgpNeighbor n : settings.neighbors) {
                BgpNeighbor was = before.get(n.address());
                if (was == null) {
                    added.add(n.address());
                } else if (restartAll || !was.equals(n)) {
                    restart.add(n.address());
                }
            }
            List<InetAddress> removed = new ArrayList<>();
            for (InetAddress a : before.keySet()) {
                if (settings.neighbors.stream().noneMatch(n -> n.address().equals(a))) {
                    removed.add(a);
                }
            }
            Phase p;
            synchronized (lock) {
                checkOpen();
                p = phase;
            }
            if (p == Phase.RUNNING) {
                setKeys(settings, before, added, restart);
            }
            routerId = settings.routerId;
            localAs = settings.localAs;
            connectRetry = settings.connectRetry;
            connectRetryMax = settings.connectRetryMax;
            neighbors = settings.neighbors;
            if (p != Phase.RUNNING) {
                return;
            }
            for (InetAddress a : removed) {
                if (before.get(a).hasPassword()) {
                    try {
                        transport.md5Key(a, null);
                    } catch (InterfaceException | RuntimeException e) {
                        LOG.warn("BGP: TCP MD5 key of removed neighbor {} left on the listener: {}", Addresses.format(a),
                                e.getMessage());
                    }
                }
            }
            LOG.info("BGP speaker {} AS {} reconfigured: neighbors kept {}, added {}, restarted {}, removed {}",
                    Addresses.format(routerId), localAs, settings.neighbors.size() - added.size() - restart.size(),
                    format(added), format(restart), format(removed));
            List<BgpNeighbor> next = settings.neighbors;
            Inet4Address id = settings.routerId;
            long as = settings.localAs;
            onScheduler(() -> swapSessions(next, id, as, restartAll, removed, restart));
        }
    }

    /**
     * The TCP MD5 keys of new and changed neighbours on the listening socket, before any session
     * changes; on a refusal those set are undone and nothing else changes.
     */
    private void setKeys(BgpSpeaker settings, Map<InetAddress, BgpNeighbor> before, List<InetAddress> added,
            List<InetAddress> restart) throws InterfaceException {
        if (!listen) {
            return;
        }
        List<InetAddress> done = new ArrayList<>();
        try {
            for (BgpNeighbor n : settings.neighbors) {
                if (!added.contains(n.address()) && !restart.contains(n.address())) {
                    continue;
                }
                BgpNeighbor was = before.get(n.address());
                if (n.hasPassword()) {
                    transport.md5Key(n.address(), n.passwordBytes());
                    done.add(n.address());
                } else if (was != null && was.hasPassword()) {
                    transport.md5Key(n.address(), null);
                    done.add(n.address());
                }
            }
        } catch (InterfaceException | RuntimeException e) {
            for (InetAddress a : done) {
                BgpNeighbor was = before.get(a);
                try {
                    transport.md5Key(a, was != null && was.hasPassword() ? was.passwordBytes() : null);
                } catch (InterfaceException | RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
    }

    /** On the scheduler: the sessions of the neighbours that go or change stop, the new ones start. */
    private void swapSessions(List<BgpNeighbor> next, Inet4Address id, long as, boolean restartAll,
            List<InetAddress> removed, List<InetAddress> restart) {
        if (closed.isDone() || phase != Phase.RUNNING) {
            return;
        }
        Map<InetAddress, Session> old = sessions;
        Core c = core;
        if (restartAll) {
            c = new Core(Addresses.toInt(id), as, c.scheduler, c.transport, connectRetry.toNanos(),
                    connectRetryMax.toNanos(), c.random, listeners);
            pushRoutes(c);
        }
        for (InetAddress a : removed) {
            old.get(a).stop(Bgp.PEER_DECONFIGURED);
        }
        for (InetAddress a : restart) {
            old.get(a).stop(Bgp.OTHER_CONFIGURATION_CHANGE);
        }
        Map<InetAddress, Session> m = new LinkedHashMap<>();
        List<Session> start = new ArrayList<>();
        for (BgpNeighbor n : next) {
            Session s = old.get(n.address());
            if (s == null || restart.contains(n.address())) {
                s = new Session(n, c);
                start.add(s);
            }
            m.put(n.address(), s);
        }
        core = c;
        sessions = m;
        for (Session s : start) {
            s.start();
        }
    }

    private static List<String> format(List<InetAddress> as) {
        List<String> out = new ArrayList<>();
        for (InetAddress a : as) {
            out.add(Addresses.format(a));
        }
        return out;
    }

    /**
     * Announces a host route for {@code address} (IPv4 /32, IPv6 /128) to every neighbour, now or
     * when its session comes up. Whether it was not announced already.
     *
     * @throws IllegalStateException after {@link #shutdown} or {@link #close()}
     */
    public boolean announce(InetAddress address) {
        InetAddress a = checkPrefix(address);
        boolean changed;
        synchronized (lock) {
            checkOpen();
            changed = routes.add(a);
        }
        if (changed) {
            requestSync();
        }
        return changed;
    }

    /** Withdraws the host route for {@code address} from every neighbour. Whether it was announced. */
    public boolean withdraw(InetAddress address) {
        InetAddress a = checkPrefix(address);
        boolean changed;
        synchronized (lock) {
            checkOpen();
            changed = routes.remove(a);
        }
        if (changed) {
            requestSync();
        }
        return changed;
    }

    /** The addresses announced (or to be, when sessions come up), in the order given. */
    public List<InetAddress> announced() {
        synchronized (lock) {
            return List.copyOf(routes);
        }
    }

    private static InetAddress checkPrefix(InetAddress address) {
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkArgument(!address.isAnyLocalAddress() && !address.isMulticastAddress()
                && !address.isLoopbackAddress(), "address", Addresses.format(address),
                "a unicast address, not loopback");
        return Addresses.of(address.getAddress());
    }

    private void checkOpen() {
        Preconditions.checkState(phase == Phase.NEW || phase == Phase.RUNNING, "speaker",
                phase.toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), "new or running");
    }

    /**
     * A snapshot of each neighbour's session, in the order the neighbours were given. Before
     * {@link #start()} every session is IDLE.
     */
    public List<BgpSession> sessions() {
        Map<InetAddress, Session> m = sessions;
        List<BgpSession> out = new ArrayList<>(neighbors.size());
        for (BgpNeighbor n : neighbors) {
            Session s = m.get(n.address());
            out.add(s != null ? s.snapshot() : idle(n));
        }
        return out;
    }

    private static BgpSession idle(BgpNeighbor n) {
        return new BgpSession(n, SessionState.IDLE, Duration.ZERO, null, null, null, null, false,
                java.util.Set.of(), List.of(), false, new long[5], null, null);
    }

    /**
     * A planned stop (RFC 8326): re-announces every route with the GRACEFUL_SHUTDOWN community (a
     * router configured for it moves traffic to other paths), waits {@code drain}, withdraws every
     * route, ends each session with a Cease (Administrative Shutdown) and closes. The future
     * completes when the speaker is closed. Calling it again returns the same future.
     */
    public CompletableFuture<Void> shutdown(Duration drain) {
        Preconditions.checkNotNull(drain, "drain");
        Preconditions.checkArgument(!drain.isNegative(), "drain", drain, ">= 0");
        synchronized (lock) {
            if (phase == Phase.NEW) {
                phase = Phase.CLOSED;
                closed.complete(null);
                return closed;
            }
            if (phase != Phase.RUNNING) {
                return closed;
            }
            phase = Phase.SHUTTING_DOWN;
            gracefulShutdown = true;
        }
        LOG.info("BGP speaker shutting down: GRACEFUL_SHUTDOWN for {}, then withdrawing", drain);
        onScheduler(() -> {
            syncNow();
            scheduler.schedule(drain, () -> {
                synchronized (lock) {
                    routes.clear();
                }
                syncNow();
                finish();
            });
        });
        return closed;
    }

    /**
     * Stops at once: each session ends with a Cease (Administrative Shutdown), connections and
     * threads close. Waits up to 5 s for that unless called on the speaker's own thread. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (phase == Phase.NEW) {
                phase = Phase.CLOSED;
                closed.complete(null);
                return;
            }
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
        }
        onScheduler(this::finish);
        if (!scheduler.inSchedulerThread()) {
            try {
                closed.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("BGP speaker did not close within {} s", CLOSE_WAIT_SECONDS);
            }
        }
    }

    /** On the scheduler: stops every session, closes the transport, completes {@link #closed}. */
    private void finish() {
        if (closed.isDone()) {
            return;
        }
        phase = Phase.CLOSED;
        for (Session s : sessions.values()) {
            s.stop();
        }
        transport.close().whenComplete((v, e) -> closed.complete(null));
        LOG.info("BGP speaker {} closed", Addresses.format(routerId));
    }

    // ---- routes to sessions -------------------------------------------------------------------------

    /** Queues one sync on the scheduler for however many changes come before it runs (they go out together). */
    private void requestSync() {
        if (phase != Phase.NEW && syncPending.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                syncPending.set(false);
                syncNow();
            });
        }
    }

    /** On the scheduler: hands the routes to the sessions and lets each bring its neighbour up to date. */
    private void syncNow() {
        Map<InetAddress, Session> m = sessions;
        if (m.isEmpty() || closed.isDone()) {
            return;
        }
        pushRoutes(core);
        for (Session s : m.values()) {
            s.sync(false);
        }
    }

    private void pushRoutes(Core core) {
        synchronized (lock) {
            core.setRoutes(new ArrayList<>(routes), gracefulShutdown);
        }
    }

    private void onScheduler(Runnable task) {
        if (scheduler.inSchedulerThread()) {
            task.run();
        } else {
            scheduler.execute(task);
        }
    }

    @Override
    public String toString() {
        return "BgpSpeaker[" + Addresses.format(routerId) + " AS" + localAs + " " + phase.toString().toLowerCase(
                java.util.Locale.ROOT) + " neighbors=" + neighbors.size() + "]";
    }

    /** The transport's events, handed to the sessions on the scheduler. */
    private final class Events implements Transport.Events {
        @Override
        public void accepted(Connection c) {
            Session s = sessions.get(Addresses.of(c.remote().getAddress().getAddress()));
            if (s == null) {
                LOG.info("BGP connection from {} refused: not a neighbor",
                        Addresses.endpoint(c.remote().getAddress(), c.remote().getPort()));
                ByteBuf out = Unpooled.buffer(21);
                Encoder.writeNotification(out, Bgp.CEASE, Bgp.CONNECTION_REJECTED, new byte[0]);
                c.send(out);
                c.close();
                return;
            }
            c.attach(s);
            scheduler.execute(() -> s.accepted(c));
        }

        @Override
        public void connected(Connection c) {
            if (c.attachment() instanceof Session s) {
                scheduler.execute(() -> s.connected(c));
            }
        }

        @Override
        public void connectFailed(Connection c, String cause) {
            if (c.attachment() instanceof Session s) {
                scheduler.execute(() -> s.connectFailed(c, cause));
            }
        }

        @Override
        public void received(Connection c, ByteBuf message) {
            if (c.attachment() instanceof Session s) {
                scheduler.execute(() -> s.received(c, message));
            }
        }

        @Override
        public void closed(Connection c, String cause) {
            if (c.attachment() instanceof Session s) {
                scheduler.execute(() -> s.closed(c, cause));
            }
        }
    }

    /**
     * Settings of a {@link BgpSpeaker}; each setter checks its argument at once, {@link #build()}
     * the combination.
     */
    public static final class Builder {
        private Inet4Address routerId;
        private long localAs = -1;
        private final Map<InetAddress, BgpNeighbor> neighbors = new LinkedHashMap<>();
        private boolean listen = true;
        private InetAddress listenAddress;
        private int listenPort = BgpNeighbor.DEFAULT_PORT;
        private Duration connectRetry = Duration.ofSeconds(1);
        private Duration connectRetryMax = Duration.ofSeconds(30);
        private Scheduler scheduler;
        private String networkNamespace;
        private final List<BgpListener> listeners = new ArrayList<>();

        private Builder() {}

        /** The BGP identifier: a non-zero IPv4 address, customarily one of the host's. Required. */
        public Builder routerId(InetAddress routerId) {
            Preconditions.checkNotNull(routerId, "routerId");
            Preconditions.checkArgument(routerId instanceof Inet4Address && !routerId.isAnyLocalAddress(), "routerId",
                    Addresses.format(routerId), "a non-zero IPv4 address");
            this.routerId = (Inet4Address) routerId;
            return this;
        }

        /** {@link #routerId(InetAddress)} of an IPv4 literal. */
        public Builder routerId(String routerId) {
            Preconditions.checkNotNull(routerId, "routerId");
            return routerId(Addresses.parse4(routerId, "routerId"));
        }

        /** The speaker's AS number: 1..4294967295, not 23456 (AS_TRANS). Required. */
        public Builder localAs(long localAs) {
            this.localAs = BgpNeighbor.checkAs(localAs, "localAs");
            return this;
        }

        /** Adds a neighbour; each address once. */
        public Builder neighbor(BgpNeighbor neighbor) {
            Preconditions.checkNotNull(neighbor, "neighbor");
            Preconditions.checkArgument(!neighbors.containsKey(neighbor.address()), "neighbor",
                    Addresses.format(neighbor.address()), "each neighbor address once");
            neighbors.put(neighbor.address(), neighbor);
            return this;
        }

        /** Adds these neighbours (no null, each address once); on a refusal none is added. */
        public Builder neighbors(List<BgpNeighbor> neighbors) {
            Preconditions.checkNotNull(neighbors, "neighbors");
            Map<InetAddress, BgpNeighbor> all = new LinkedHashMap<>(this.neighbors);
            for (BgpNeighbor n : neighbors) {
                Preconditions.checkNotNull(n, "neighbor");
                Preconditions.checkArgument(all.put(n.address(), n) == null, "neighbor", Addresses.format(n.address()),
                        "each neighbor address once");
            }
            this.neighbors.putAll(all);
            return this;
        }

        /** Whether to accept the neighbours' connections (true unless set); passive neighbours need it. */
        public Builder listen(boolean listen) {
            this.listen = listen;
            return this;
        }

        /** The address to listen on (every address unless set). */
        public Builder listenAddress(InetAddress listenAddress) {
            Preconditions.checkNotNull(listenAddress, "listenAddress");
            Preconditions.checkArgument(!listenAddress.isMulticastAddress(), "listenAddress",
                    Addresses.format(listenAddress), "a unicast or wildcard address");
            this.listenAddress = Addresses.of(listenAddress.getAddress());
            return this;
        }

        public Builder listenAddress(String listenAddress) {
            return listenAddress(Addresses.parse(listenAddress, "listenAddress"));
        }

        /** The port to listen on, 1..65535 (179 unless set). */
        public Builder listenPort(int listenPort) {
            this.listenPort = Preconditions.checkInRange(listenPort, 1, 65535, "listenPort");
            return this;
        }

        /**
         * The connect retry time: the first wait before dialling again after a failure, doubled
         * after each further failure up to {@code max} (1 s and 30 s unless set); both 10 ms..1 h.
         */
        public Builder connectRetry(Duration initial, Duration max) {
            Preconditions.checkNotNull(initial, "connectRetry");
            Preconditions.checkNotNull(max, "connectRetry max");
            checkRetry(initial, "connectRetry");
            checkRetry(max, "connectRetry max");
            Preconditions.checkArgument(max.compareTo(initial) >= 0, "connectRetry max", max,
                    ">= the initial " + initial);
            this.connectRetry = initial;
            this.connectRetryMax = max;
            return this;
        }

        private static void checkRetry(Duration d, String name) {
            Preconditions.checkArgument(d.compareTo(Duration.ofMillis(10)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0,
                    name, d, "10 ms..1 h");
        }

        /**
         * The scheduler the sessions run on (their timers, their events, the listeners). Unless
         * set, the speaker's own network thread.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Preconditions.checkNotNull(scheduler, "scheduler");
            return this;
        }

        /** The network namespace ({@code /run/netns/NAME}) to work in; this process's unless set. */
        public Builder networkNamespace(String networkNamespace) {
            Preconditions.checkNotNull(networkNamespace, "networkNamespace");
            Preconditions.checkArgument(!networkNamespace.isEmpty() && !networkNamespace.contains("/")
                    && !networkNamespace.equals(".") && !networkNamespace.equals(".."), "networkNamespace",
                    networkNamespace, "a name under /run/netns, without '/'");
            this.networkNamespace = networkNamespace;
            return this;
        }

        /** Adds a listener for the sessions' events (called in order on the scheduler's thread). */
        public Builder listener(BgpListener listener) {
            listeners.add(Preconditions.checkNotNull(listener, "listener"));
            return this;
        }

        /** The speaker, not started; checks that router ID, local AS and a neighbour are set and fit together. */
        public BgpSpeaker build() {
            validate();
            return new BgpSpeaker(this, null, null);
        }

        void validate() {
            Preconditions.checkState(routerId != null, "routerId", null, "set");
            Preconditions.checkState(localAs > 0, "localAs", null, "set");
            Preconditions.checkState(!neighbors.isEmpty(), "neighbors", "none", "at least one");
            for (BgpNeighbor n : neighbors.values()) {
                String name = "neighbor " + Addresses.format(n.address()) + " ";
                Preconditions.checkState(!n.passive() || listen, name + "passive", true,
                        "a speaker that listens (listen(true))");
                boolean internal = n.remoteAs() == localAs;
                Preconditions.checkState(internal || !n.localPreferenceSet(), name + "localPreference",
                        n.localPreference(), "only for an internal neighbor (remoteAs " + localAs + ")");
                if (listenAddress != null && !listenAddress.isAnyLocalAddress() && n.passive()) {
                    Preconditions.checkState((listenAddress instanceof Inet6Address) == (n.address() instanceof Inet6Address),
                            name + "passive", true, "a listen address of the neighbor's family");
                }
            }
        }
    }
}
