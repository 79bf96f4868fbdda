package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckListener;
import io.lvs4j.health.CheckRuntime;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.HealthView;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.IpvsException;
import io.lvs4j.netlink.NetworkNamespace;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux Virtual Server director in the JVM: what keepalived does with LVS, composed from VRRP
 * instances (and sync groups), a {@link HealthMonitor} and an IPVS table (the kernel's, optionally
 * in a named network namespace, the userspace forwarder's ({@code Forwarder.table()} in
 * lvs-dataplane) where the kernel has no IPVS, or an
 * {@link io.lvs4j.table.InMemoryIpvs}).
 *
 * <p><b>With the userspace forwarder</b> ({@code Builder.ipvs(f.table())}, what
 * {@code lvs4j run --userspace} does) services, real servers, weights, health-check removals and
 * reloads reach the forwarder as they reach the kernel, and {@link #state()} shows its connection
 * counts. What it refuses (firewall-mark services, sync daemons, other timeouts) is a
 * {@link DirectorEvent.Failure} like any refused change. The caller opens and closes the
 * forwarder (after the director). A VRRP instance whose VIP is a virtual service's address needs
 * {@code Builder.addressDelegate}: otherwise VRRP puts the VIP on an interface, where the kernel
 * resets the connections the forwarder should take; {@code lvs4j run --userspace} delegates such
 * VIPs to the forwarder, which answers for them only while master.
 *
 * <pre>{@code
 * try (Director d = Director.builder()
 *         .service(ServiceHealth.builder(web).check(rs, TcpChecker.of(...), CheckPolicy.DEFAULT).build())
 *         .vrrpInstance(vi1)
 *         .start()) {
 *     d.weight(web.key(), rs.address(), rs.port(), 5);     // one SET, connections untouched
 *     d.state().services();                                // configured, health, kernel counters
 * }
 * // or from a keepalived.conf, mapped by its reader:
 * Director d = Director.builder().config(KeepalivedConfig.read(path).config().toDirectorConfig()).start();
 * }</pre>
 *
 * <p><b>keepalived's semantics.</b> The IPVS rules are installed on master and backup alike; the
 * VIPs only on the master (the VRRP engine adds and removes them). Real servers follow their
 * checks: removed when down, or kept at weight 0 with {@code inhibit_on_failure}, restored to
 * their configured (or checker-set dynamic) weight when up; quorum with hysteresis switches the
 * sorry server. {@code lvs_timeouts} and {@code lvs_sync_daemon} come from {@code global_defs}:
 * the sync daemon runs as master while its VRRP instance is master, as backup otherwise.
 *
 * <p><b>One thread.</b> Every change (a check result, a VRRP transition, an API call, a reload)
 * runs on the director's thread, in order. The kernel's desired state is the configured services
 * overlaid with the health view; every change reconciles through {@link Reconciler}: the smallest
 * change, weight changes as SET (connections live on), removed real servers drained for
 * {@link Builder#drainTimeout} when they still have connections. Services in the table that the
 * director never managed are left as they are (also on close). A change diffs only the services
 * whose configuration or health changed against the table as the director last read it plus what
 * it applied since, and reads nothing (a one-weight reload is one request); the periodic repair
 * ({@link Builder#repairInterval}) reads the whole table and repairs drift. A change the kernel
 * refuses is followed by a full read and reconcile in the same call; if that is refused too it is
 * reported (the {@link ReconcileException} names what was applied and what failed, and a
 * {@link DirectorEvent.Failure} is emitted), the director re-reads the table, so its state shows
 * the kernel as it is, and its next change reads the table again.
 *
 * <p><b>One director per network namespace, and crash recovery.</b> A director on the kernel
 * first takes its namespace's lock under {@code /run/lvs4j} (a second one fails with a
 * {@link DirectorLockException} naming the holder's PID, having changed nothing) and records what
 * it owns there; after a crash the next start removes the stale VIPs and the services no longer
 * configured, and adopts the rest without a flush ({@link Builder#exclusive}).
 *
 * <p><b>Deterministic tests.</b> With {@link Builder#virtualClock} everything runs on the test's
 * thread when the test advances the clock; with {@link Builder#inMemoryVrrp} the VRRP instances
 * talk over an {@link InMemoryNetwork}.
 */
public final class Director implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    private final Loop loop;
    private final IpvsTable table;
    private final Ipvs ownedIpvs;
    private final ReconcileCycle cycle;
    private final HealthMonitor monitor;
    private final Events events;
    /** The table as last read. */
    private final LastRead read;
    private final StatePublisher publisher = new StatePublisher();
    private final boolean keepRulesOnClose;
    private final boolean flushOnClose;
    private final long refreshNanos;
    private final long repairNanos; // 0: no periodic repair
    private final List<VrrpInstance> startInstances;
    private final List<VrrpSyncGroup> startGroups;
    private final List<VrrpScript> startScripts;
    /** The namespace's lock and ownership record, and the recovery after a crash. */
    private final Ownership ownership;
    private final StrictFirewall firewall; // vrrp_strict's rules (StrictFirewall)
    /** Route health injection (without settings no BGP speaker runs; a reload may add them). */
    private final RouteInjector injector;

    // ---- on the director's thread ----
    private final ConfiguredServices services;
    /** The check runtime the director made for its namespace (null: the monitor's own, or the builder's). */
    private final CheckRuntime ownedChecks;
    /** quorum_up/down and real servers' notify_up/down: run as the policy says, in order per service. */
    private final ServiceCommands commands;
    /** apply(): the keepalived.conf as last mapped and the script policy. */
    private final Reload reload;
    private final VrrpUnits vrrp;
    private final SyncFollower syncDaemon;
    private boolean closing;

    private volatile boolean closed;
    private final LoopHeartbeat heartbeat = new LoopHeartbeat(); // issue 13: liveness for systemd's watchdog

    private Director(Builder b, DirectorConfig config, Loop loop, IpvsTable table, Ipvs ownedIpvs,
            RunDirectory runDir) {
        this.loop = loop;
        this.events = new Events(loop, b.listeners);
        AddressRemover addressRemover = b.addressRemover != null ? b.addressRemover
                : b.network != null ? AddressRemover.NONE : AddressRemover.linux(b.netns);
        this.firewall = b.network != null ? StrictFirewall.NONE : StrictFirewall.linux(b.netns, events::failure);
        firewall.configure(config.strictFirewall());
        this.table = table;
        this.ownedIpvs = ownedIpvs;
        this.keepRulesOnClose = b.keepRulesOnClose;
        this.flushOnClose = config.flushOnClose();
        this.startInstances = config.vrrpInstances();
        this.startGroups = config.vrrpSyncGroups();
        this.startScripts = config.vrrpScripts();
        this.refreshNanos = b.refreshInterval.toNanos();
        this.repairNanos = b.repairInterval.toNanos();
        Reconciler reconciler = Reconciler.builder(table).drainTimeout(b.drainTimeout).ticker(loop).build();
        // the desired table and the known one: a change diffs only what changed
        TableSync tables = new TableSync(table, reconciler, !b.drainTimeout.isZero());
        this.read = new LastRead(tables, table, loop, events);
        this.commands = new ServiceCommands(config.scriptPolicy(), b.netns);
        commands.commands(config.commands());
        HealthMonitor.Builder mb = HealthMonitor.builder().scheduler(loop).listener(this::onHealth)
                .checkListener(events::onCheck).scriptPolicy(config.scriptPolicy());
        if (b.netns != null) {
            mb.namespace(b.netns); // MISC_CHECK programs and PING_CHECK sockets: in the director's namespace
        }
        if (b.checkRuntime != null) {
            mb.runtime(b.checkRuntime);
            this.ownedChecks = null;
        } else if (b.netns != null && b.clock == null) {
            // checks' sockets and processes belong to the director's namespace: the runtime's
            // threads enter it before they run anything (checks connect on those threads)
            String ns = b.netns;
            this.ownedChecks = CheckRuntime.create(1, () -> enterOrStop(ns));
            mb.runtime(ownedChecks);
        } else {
            this.ownedChecks = null;
        }
        if (b.clock != null) {
            mb.random(new SplittableRandom(0)::nextDouble);
        }
        Map<ServiceKey, ServiceHealth> initial = new LinkedHashMap<>();
        for (ServiceHealth sh : config.services()) { // each once: DirectorConfig checked it
            mb.service(sh);
            initial.put(sh.service().key(), sh);
        }
        this.monitor = mb.build();
        this.services = new ConfiguredServices(monitor, initial);
        Map<ServiceKey, ServiceHealth> configured = services.map();
        java.util.Set<ServiceKey> owned = services.owned();
        Hooks hooks = new Hooks();
        this.cycle = new ReconcileCycle(loop, table, reconciler, tables, config.timeouts(),
                monitor, configured, owned, read, events, hooks, () -> closing);
        this.vrrp = new VrrpUnits(b.network != null
                ? VrrpUnit.inMemory(b.network, b.node, b.nodeAddress)
                : VrrpUnit.linux(b.netns, b.addressDelegate), loop, events, firewall, hooks);
        this.syncDaemon = new SyncFollower(config.sync(), table, read, events, vrrp::isMaster, hooks::recordOwnership,
                () -> closing);
        this.injector = new RouteInjector(config.routeHealthInjection().orElse(null), table instanceof Ipvs, b.netns,
                loop, this::routes,
                new RouteInjector.Sink() {
                    @Override
                    public void routes(List<InetAddress> announced, List<InetAddress> withdrawn) {
                        long seq = events.next();
                        events.emit(new DirectorEvent.Routes(seq, loop.nanos(), announced, withdrawn));
                    }

                    @Override
                    public void failure(String operation, Exception e) {
                        events.failure(operation, e);
                    }
                });
        this.ownership = new Ownership(runDir, addressRemover, b.addressDelegate, b.netns, table, events, vrrp,
                syncDaemon, configured, owned, injector, firewall, () -> closing);
        this.reload = new Reload(loop, events, vrrp, services, cycle, commands, monitor, syncDaemon, firewall, injector,
                () -> closed, config.scriptPolicy());
    }

    /** What the parts call back into: the ownership record, the state, the routes, the sync daemon. */
    private final class Hooks implements ReconcileCycle.Hooks, VrrpUnits.Hooks {
        @Override
        public void recordOwnership() {
            ownership.record();
        }

        @Override
        public void publish() {
            Director.this.publish();
        }

        @Override
        public void routes() {
            Director.this.routes();
        }

        @Override
        public void stateChanged(String instance) {
            syncDaemon.stateChanged(instance);
        }
    }

    /** Moves a health-check thread into the director's namespace; a thread that cannot runs nothing. */
    private static void enterOrStop(String netns) {
        try {
            NetworkNamespace.enter(netns);
        } catch (InterfaceException e) {
            LOG.error("health check thread {} cannot enter network namespace {}: {}; it runs no checks",
                    Thread.currentThread().getName(), netns, e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Fails as {@link Builder#start()} would when another director holds the lock of the calling
     * thread's network namespace in {@code runDirectory} (see {@link Builder#exclusive}); holds
     * nothing afterwards. For callers that must set something up before the director starts (the
     * CLI's userspace forwarder) and must not when another one runs.
     *
     * @throws DirectorLockException naming the holder's PID, or why the directory cannot be used
     */
    public static void checkNotRunning(java.nio.file.Path runDirectory) throws DirectorLockException {
        Preconditions.checkNotNull(runDirectory, "run directory");
        RunDirectory.open(runDirectory.toAbsolutePath(), null).close();
    }

    /** As {@link #checkNotRunning(java.nio.file.Path)}, for the network namespace {@code /run/netns/NETNS}. */
    public static void checkNotRunning(java.nio.file.Path runDirectory, String netns) throws DirectorLockException {
        Preconditions.checkNotNull(runDirectory, "run directory");
        Preconditions.checkNotNull(netns, "netns");
        RunDirectory.open(runDirectory.toAbsolutePath(), netns).close();
    }

    /** A builder with nothing configured: the kernel's IPVS table in the current namespace, VRRP on raw sockets. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- API ---------------------------------------------------------------------------------

    /** The last published state: cheap to poll (no netlink round trip); counters are as of {@link DirectorState#refreshedNanos()}. */
    public DirectorState state() {
        return publisher.state();
    }

    /**
     * Liveness for a watchdog (issue 13): counts that go up about every 200 ms while the
     * director's loop and its health checks' event loop take tasks, from the end of
     * {@link Builder#start()} until {@link #close()}; a stuck loop stops its count. Cheap (two
     * volatile reads), from any thread.
     */
    public Heartbeat heartbeat() {
        return new Heartbeat(heartbeat.count(), monitor.heartbeat());
    }

    /**
     * How many reconciles of the IPVS table the director has run (at start, after each change
     * of configuration or health) and the time they took in total, by the director's clock:
     * reading the table, computing and applying the changes. Refused ones count too. Cheap (one
     * volatile read), from any thread; for a timer such as {@code lvs_reconcile_seconds}.
     *
     * @param count the reconciles run
     * @param nanos their time in total
     */
    public record Reconciles(long count, long nanos) {}

    /**
     * The VRRP engines' packet counters by instance name (adverts sent and accepted, drops by
     * reason), copied when the director publishes its state ({@link #state()}: after every
     * change and at every refresh interval). Cheap (one volatile read), from any thread.
     */
    public Map<String, io.lvs4j.vrrp.VrrpStatistics> vrrpStatistics() {
        return publisher.vrrpStatistics();
    }

    /** The reconciles run so far and their total time; see {@link Reconciles}. */
    public Reconciles reconciles() {
        return cycle.reconciles();
    }

    /** Reads the IPVS table now and returns the state with fresh counters. */
    public DirectorState refresh() {
        if (closed) {
            return publisher.state();
        }
        loop.run(() -> {
            read.refresh();
            publish();
            return null;
        });
        return publisher.state();
    }

    /**
     * The BGP sessions of {@link Builder#routeHealthInjection route health injection}, one per
     * neighbour (state, uptime, what is announced to it); empty without it.
     */
    public List<io.lvs4j.bgp.BgpSession> bgpSessions() {
        RouteInjector i = injector;
        return i == null ? List.of() : i.sessions();
    }

    /**
     * The addresses route health injection announces now (to every neighbour whose session is
     * up): those of the services that have quorum. Empty without it.
     */
    public List<InetAddress> announcedAddresses() {
        RouteInjector i = injector;
        return i == null ? List.of() : i.announced();
    }

    public void addListener(DirectorListener listener) {
        events.addListener(listener);
    }

    /**
     * Receives every completed health check's result (its kind, latency and failure reason), on
     * the director's thread; must return quickly and not throw. For meters: the events carry the
     * state changes only.
     */
    public void addCheckListener(CheckListener listener) {
        events.addCheckListener(listener);
    }

    public void removeCheckListener(CheckListener listener) {
        events.removeCheckListener(listener);
    }

    public void removeListener(DirectorListener listener) {
        events.removeListener(listener);
    }

    /**
     * Adds the service with its health settings, or replaces the one with the same key. Real
     * servers whose settings and checks are unchanged keep their health state; the kernel gets the
     * smallest change (a weight change is one SET).
     *
     * @return what the kernel applied
     * @throws ReconcileException if the kernel refused some of it (the state shows what it holds)
     */
    public ReconcileResult putService(ServiceHealth service) throws IpvsException {
        Preconditions.checkNotNull(service, "service");
        return change(() -> {
            services.put(service);
            return cycle.reconcileNow();
        });
    }

    /** Adds or replaces a service; the checks of the real servers it keeps (same address and port) are kept. */
    public ReconcileResult putService(VirtualService service) throws IpvsException {
        Preconditions.checkNotNull(service, "service");
        return change(() -> {
            services.put(service);
            return cycle.reconcileNow();
        });
    }

    /** Removes a service (its real servers first drain if configured); unknown keys change nothing. */
    public ReconcileResult removeService(ServiceKey key) throws IpvsException {
        Preconditions.checkNotNull(key, "service key");
        return change(() -> {
            services.remove(key);
            return cycle.reconcileNow();
        });
    }

    /** Adds a real server to a configured service, or changes the one at its address and port (keeping its checks). */
    public ReconcileResult putRealServer(ServiceKey key, RealServer realServer) throws IpvsException {
        Preconditions.checkNotNull(key, "service key");
        Preconditions.checkNotNull(realServer, "real server");
        return change(() -> {
            services.putRealServer(key, realServer);
            return cycle.reconcileNow();
        });
    }

    /** Removes a real server from a configured service: it drains if it has connections and a drain timeout is set. */
    public ReconcileResult removeRealServer(ServiceKey key, InetAddress address, int port) throws IpvsException {
        Preconditions.checkNotNull(key, "service key");
        Preconditions.checkNotNull(address, "address");
        return change(() -> {
            services.removeRealServer(key, address, port);
            return cycle.reconcileNow();
        });
    }

    /** Sets a real server's configured weight: one SET in the kernel (unless health keeps it out or inhibited). */
    public ReconcileResult weight(ServiceKey key, InetAddress address, int port, int weight) throws IpvsException {
        Preconditions.checkNotNull(key, "service key");
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkInRange(weight, 0, RealServer.MAX_WEIGHT, "weight");
        return change(() -> {
            services.weight(key, address, port, weight);
            return cycle.reconcileNow();
        });
    }

    /**
     * Applies a new configuration, changing only the difference: VRRP units (a sync group with
     * its instances, or a lone instance) whose configuration is unchanged keep running untouched,
     * changed ones restart, new ones start, removed ones stop gracefully; services and real
     * servers change as with {@link #putService}, so unchanged real servers keep their health
     * state; timeouts and the sync daemon follow; routes (route health injection) follow the new
     * services, but a changed {@code bgp_speaker} or {@code announce}/{@code no_announce} takes
     * effect at the next start (reported as a {@link DirectorEvent.Failure}, the rest applied).
     *
     * <p>A service given as the same {@link ServiceHealth} object as before (as keepalived.conf's
     * reader gives the services of unchanged blocks) is compared by identity, others by their
     * settings, so a reload that changes one weight of many services is one kernel request.
     *
     * <p>Nothing is half-applied: the configuration is checked, and every new or
     * changed VRRP unit is built (its sockets opened, its interfaces looked up) before anything
     * running is stopped or changed. If any of that fails, nothing was changed and the exception
     * names the unit. Only then do the old units stop, the new ones start and the IPVS table
     * follow; a kernel refusal there is a {@link ReconcileException} naming what was applied and
     * what failed, and the periodic repair ({@link Builder#repairInterval}) retries the rest.
     *
     * @throws IllegalArgumentException if the configuration cannot run, e.g. a VRRP unit the
     *     network refuses ({@code VRRP VI_1 cannot start: ...}); nothing was changed
     * @throws VrrpUnitException if the host refused a new VRRP unit's socket or interface; nothing
     *     was changed
     * @throws ReconcileException if the kernel refused some IPVS changes (the VRRP part and the
     *     rest were applied; the exception names what was and what was not)
     */
    public ReconcileResult apply(DirectorConfig config) throws IpvsException, InterfaceException {
        Preconditions.checkNotNull(config, "config");
        Preconditions.checkState(!closed, "director", "closed", "running");
        return reload.apply(config);
    }

    /**
     * Stops gracefully: health checks stop; VRRP masters send priority 0 and remove their VIPs; the
     * director's services are removed from the IPVS table unless {@link Builder#keepRulesOnClose}
     * (other services stay); its sync daemons stop. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (injector != null) {
            // a planned stop withdraws first and lets the routers move the traffic away
            try {
                injector.withdrawAndDrain(() -> loop.run(() -> {
                    injector.withdrawAll();
                    return null;
                }));
            } catch (RuntimeException e) {
                LOG.warn("withdrawing the routes: {}", e.toString());
            }
        }
        monitor.close();
        if (ownedChecks != null) {
            ownedChecks.close();
        }
        List<VrrpUnit> stop;
        try {
            stop = loop.run(() -> {
                closing = true;
                return vrrp.takeAll();
            });
        } catch (RuntimeException e) {
            stop = List.of();
        }
        for (VrrpUnit u : stop) {
            try {
                u.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping VRRP {}: {}", u.spec.name(), e.toString());
            }
        }
        try {
            loop.run(() -> {
                if (flushOnClose) {
                    try {
                        table.flush();
                    } catch (IpvsException e) {
                        events.failure("flushing the IPVS table", e);
                    }
                } else if (!keepRulesOnClose) {
                    cycle.removeOwnServices();
                }
                syncDaemon.stop();
                firewall.close();
                read.refresh();
                publish();
                return null;
            });
        } finally {
            if (injector != null) {
                injector.close(); // the sessions end, the addresses leave the device
            }
            loop.shutdown();
            commands.close(Duration.ofSeconds(2)); // then kills what still runs, with its process group
            if (ownedIpvs != null) {
                ownedIpvs.close();
            }
            ownership.close();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    // ---- on the director's thread ---------------------------------------------------------------

    private void start(boolean flush) throws IpvsException, InterfaceException {
        if (injector != null) {
            injector.start(); // the BGP listener and dials; routes follow the first reconcile
        }
        loop.run(() -> {
            ownership.recover();
            if (flush) {
                table.flush();
            }
            monitor.start();
            try {
                cycle.reconcileNow();
            } catch (IpvsException e) {
                // reported; the director runs with what the kernel took
            }
            syncDaemon.follow();
            publish();
            return null;
        });
        for (VrrpUnit.Spec s : VrrpUnit.specs(startInstances, startGroups, startScripts)) {
            try {
                loop.run(() -> {
                    vrrp.start(s, reload.scriptPolicy());
                    return null;
                });
            } catch (RuntimeException e) {
                if (e.getCause() instanceof InterfaceException ie) {
                    throw ie;
                }
                throw e;
            }
        }
        loop.run(() -> {
            syncDaemon.follow();
            publish();
            cycle.startTimers(refreshNanos, repairNanos);
            heartbeat.start(loop); // issue 13
            return null;
        });
    }

    /** Route health injection follows the services and the health view (model, desired, difference, speaker). */
    private void routes() {
        if (injector != null && !closing) {
            injector.update(services.map().keySet(), monitor.view());
        }
    }

    /** A new health view (on the director's thread, the monitor's): its events go out, the table follows the view. */
    private void onHealth(HealthView view, List<HealthEvent> changes) {
        for (HealthEvent e : changes) {
            long seq = events.next();
            events.emit(new DirectorEvent.Health(seq, loop.nanos(), e));
            commands.onHealth(e);
        }
        cycle.markDirty();
    }

    private void publish() {
        Map<String, io.lvs4j.vrrp.VrrpStatistics> counters = new LinkedHashMap<>();
        List<DirectorState.Instance> is = vrrp.publish(counters);
        publisher.publish(is, counters, services.map().values(), read, cycle.drains(), monitor.view());
    }

    /** A change on the director's thread, while it runs. */
    private ReconcileResult change(Callable<ReconcileResult> body) throws IpvsException {
        Preconditions.checkState(!closed, "director", "closed", "running");
        return loop.change(body);
    }

    /** Settings of a {@link Director}; each is checked when set. */
    public static final class Builder {
        private DirectorConfig.Builder config = DirectorConfig.builder();
        private final List<DirectorListener> listeners = new ArrayList<>();
        private String netns;
        private IpvsTable table;
        private InMemoryNetwork network;
        private String node;
        private InetAddress nodeAddress;
        private VirtualClock clock;
        private CheckContext checkRuntime;
        private Duration drainTimeout = Duration.ZERO;
        private Duration refreshInterval = Duration.ofSeconds(2);
        private Duration repairInterval = Duration.ofSeconds(10);
        private boolean keepRulesOnClose;
        private io.lvs4j.vrrp.spi.AddressDelegate addressDelegate;
        private java.nio.file.Path runDirectory = RunDirectory.DEFAULT;
        private Boolean exclusive; // null: when the director touches the kernel
        private AddressRemover addressRemover;

        private Builder() {}

        /**
         * What the director runs (services, VRRP, timeouts, sync daemon, flushing, script policy,
         * route health injection, strict mode's firewall, the services' commands), replacing what
         * the configuration setters below ({@link #service}, {@link #vrrpInstance}, ...) gave so far;
         * they add to it afterwards. keepalived.conf's reader gives one:
         * {@code KeepalivedConfig#toDirectorConfig()}.
         */
        public Builder config(DirectorConfig config) {
            this.config = Preconditions.checkNotNull(config, "config").toBuilder();
            return this;
        }

        /**
         * keepalived's {@code script_user USER}: scripts that name no user of their own (notify,
         * quorum_up/down, MISC_CHECKs and vrrp_scripts without {@code user}) run as {@code user},
         * a user on this host, in its primary group. Without it: {@code keepalived_script} if that
         * user exists, else root, as keepalived does.
         */
        public Builder scriptUser(String user) {
            config.scriptPolicy(config.scriptPolicy().toBuilder().scriptUser(user).build());
            return this;
        }

        /** keepalived's {@code script_user USER GROUP}: as {@link #scriptUser(String)}, in {@code group}. */
        public Builder scriptUser(String user, String group) {
            config.scriptPolicy(config.scriptPolicy().toBuilder().scriptUser(user, group).build());
            return this;
        }

        /**
         * keepalived's {@code enable_script_security}: a script that would run as root and that a
         * non-root user could change (the file, or a directory on its path, owned or writable by
         * another user) is disabled, with the reason logged; without it, such a script runs and is
         * warned about. Off by default.
         */
        public Builder scriptSecurity(boolean enabled) {
            config.scriptPolicy(config.scriptPolicy().toBuilder().scriptSecurity(enabled).build());
            return this;
        }

        /** A service whose real servers are always in (no checks); each service once. */
        public Builder service(VirtualService service) {
            config.service(service);
            return this;
        }

        /** A service with its checks, inhibit, quorum and sorry server; each service once. */
        public Builder service(ServiceHealth service) {
            config.service(service);
            return this;
        }

        /** A VRRP instance (VIPs, priority, tracking, notify commands); names are unique. */
        public Builder vrrpInstance(VrrpInstance instance) {
            config.vrrpInstance(instance);
            return this;
        }

        /** A script VRRP instances and sync groups track by name; names are unique. */
        public Builder vrrpScript(VrrpScript script) {
            config.vrrpScript(script);
            return this;
        }

        /** VRRP instances that change state together; names are unique. */
        public Builder vrrpSyncGroup(VrrpSyncGroup group) {
            config.vrrpSyncGroup(group);
            return this;
        }

        /** The IPVS TCP, TCP FIN and UDP timeouts ({@code lvs_timeouts}); 0 leaves one unchanged. */
        public Builder timeouts(Timeouts timeouts) {
            config.timeouts(timeouts);
            return this;
        }

        /**
         * A sync daemon that follows {@code vrrpInstance} ({@code lvs_sync_daemon}): master while the
         * instance is master, backup otherwise. The daemon's role in {@code daemon} is ignored.
         */
        public Builder syncDaemon(SyncDaemon daemon, String vrrpInstance) {
            config.syncDaemon(daemon, vrrpInstance);
            return this;
        }

        /** A sync daemon as master and backup both, from the start ({@code lvs_sync_daemon} without an instance). */
        public Builder syncDaemon(SyncDaemon daemon) {
            config.syncDaemon(daemon);
            return this;
        }

        /**
         * Runs in the network namespace {@code /run/netns/NAME}: the IPVS table, VRRP sockets and
         * VIPs there, and the health checks (every check's socket, MISC_CHECK's processes, PING_CHECK's
         * socket), whose threads enter the namespace; unless a {@link #checkRuntime} is given, whose
         * threads are used as they are (PING_CHECK's socket and MISC_CHECK's processes follow the
         * namespace in either case).
         */
        public Builder netns(String name) {
            Preconditions.checkNotNull(name, "netns");
            Preconditions.checkArgument(!name.isEmpty() && !name.contains("/"), "netns", name, "a namespace name");
            this.netns = name;
            return this;
        }

        /**
         * The VRRP masters' actions on the virtual addresses {@code delegate} handles go to it
         * instead of onto their interfaces (raw-socket VRRP only): {@code lvs4j run --userspace}
         * hands the VIPs that are virtual services' addresses to the userspace forwarder, which
         * answers for them only while master ({@code Forwarder.standby} in lvs-dataplane).
         */
        public Builder addressDelegate(io.lvs4j.vrrp.spi.AddressDelegate delegate) {
            this.addressDelegate = Preconditions.checkNotNull(delegate, "address delegate");
            return this;
        }

        /** The IPVS table to program instead of the kernel's, e.g. {@code new InMemoryIpvs()}. */
        public Builder ipvs(IpvsTable table) {
            this.table = Preconditions.checkNotNull(table, "ipvs table");
            return this;
        }

        /**
         * Everything on a virtual clock: the director's thread is the one that advances it, and
         * health checks, drains and refreshes run when it does. For deterministic tests and
         * simulations. Real checks (TCP, HTTP, ... against real listeners) work: the clock waits
         * for each (at most its policy's watchdog in real time) and takes its result in at the
         * virtual time it started; one still running then is reported ({@code CHECK_LATE}).
         */
        public Builder virtualClock(VirtualClock clock) {
            this.clock = Preconditions.checkNotNull(clock, "clock");
            return this;
        }

        /**
         * VRRP over an in-memory network (on the {@link #virtualClock}, which must be the
         * network's): the same {@link io.lvs4j.vrrp.VrrpNode} as on Linux, on the host
         * {@link InMemoryNetwork#node node} of the network; each instance sends from its source
         * address, else {@code address}. Tracked interfaces follow the network's simulated links,
         * tracked scripts and notify commands run for real.
         */
        public Builder inMemoryVrrp(InMemoryNetwork network, String node, InetAddress address) {
            inMemoryVrrp(network, node);
            this.nodeAddress = Preconditions.checkNotNull(address, "address");
            return this;
        }

        /**
         * {@link #inMemoryVrrp(InMemoryNetwork, String, InetAddress)} for instances that each give
         * their {@link VrrpInstance.Builder#sourceAddress source address}.
         */
        public Builder inMemoryVrrp(InMemoryNetwork network, String node) {
            this.network = Preconditions.checkNotNull(network, "network");
            this.node = Preconditions.checkNotNull(node, "node");
            this.nodeAddress = null;
            return this;
        }

        /**
         * The runtime (event loop) health checks run on; by default the monitor makes its own (in
         * the {@link #netns} namespace when one is given). Checks create their sockets on its threads.
         */
        public Builder checkRuntime(CheckContext runtime) {
            this.checkRuntime = Preconditions.checkNotNull(runtime, "check runtime");
            return this;
        }

        /**
         * How long a removed real server that still has connections is kept at weight 0 before it is
         * deleted; {@link Duration#ZERO} (the default, keepalived's way) deletes at once. It applies
         * to every removal the director makes: by the API, by a reload, and by a failed health check
         * (then the server is at weight 0, as with {@code inhibit_on_failure}, until its connections end).
         */
        public Builder drainTimeout(Duration timeout) {
            Preconditions.checkNotNull(timeout, "drain timeout");
            Preconditions.checkArgument(!timeout.isNegative() && timeout.compareTo(Duration.ofDays(365)) <= 0,
                    "drain timeout", timeout, "0 to 365 days");
            this.drainTimeout = timeout;
            return this;
        }

        /** How often the table's counters are read for {@link Director#state()} and drains progress (default 2 s). */
        public Builder refreshInterval(Duration interval) {
            Preconditions.checkNotNull(interval, "refresh interval");
            Preconditions.checkArgument(interval.compareTo(Duration.ofMillis(10)) >= 0
                    && interval.compareTo(Duration.ofHours(1)) <= 0, "refresh interval", interval, "10 ms to 1 hour");
            this.refreshInterval = interval;
            return this;
        }

        /**
         * How often the director compares the IPVS table with the one it wants and repairs the
         * difference in the services it owns (default 10 s; {@link Duration#ZERO} turns it off):
         * services or real servers flushed ({@code ipvsadm -C}), removed or changed behind its
         * back come back, and changes the kernel refused are tried again. Each repair is a
         * {@link DirectorEvent.Repaired}. Services the director does not own are never touched.
         * keepalived has no such pass (it re-applies only on its own events).
         */
        public Builder repairInterval(Duration interval) {
            Preconditions.checkNotNull(interval, "repair interval");
            Preconditions.checkArgument(interval.isZero() || interval.compareTo(Duration.ofMillis(100)) >= 0
                    && interval.compareTo(Duration.ofDays(1)) <= 0, "repair interval", interval,
                    "0 (off) or 100 ms to 1 day");
            this.repairInterval = interval;
            return this;
        }

        /** Whether {@link Director#close()} leaves the director's IPVS services in place (default: removes them, as keepalived does). */
        public Builder keepRulesOnClose(boolean keep) {
            this.keepRulesOnClose = keep;
            return this;
        }

        /** Whether {@link Director#close()} flushes the whole IPVS table ({@code lvs_flush_onstop}); wins over {@link #keepRulesOnClose}. */
        public Builder flushOnClose(boolean flush) {
            config.flushOnClose(flush);
            return this;
        }

        /** Whether to flush the whole IPVS table at start ({@code lvs_flush}). */
        public Builder flushOnStart(boolean flush) {
            config.flushOnStart(flush);
            return this;
        }

        public Builder listener(DirectorListener listener) {
            listeners.add(Preconditions.checkNotNull(listener, "listener"));
            return this;
        }

        /**
         * Where the director keeps its namespace's lock and ownership record (default
         * {@code /run/lvs4j}, created 0755 when missing): {@code netns-INODE.lock} and
         * {@code netns-INODE.owned}, INODE being the network namespace's. Setting it implies
         * {@link #exclusive exclusive(true)}.
         */
        public Builder runDirectory(java.nio.file.Path directory) {
            Preconditions.checkNotNull(directory, "run directory");
            this.runDirectory = directory.toAbsolutePath();
            this.exclusive = true;
            return this;
        }

        /**
         * Whether the director is the only one in its network namespace, and cleans up after a
         * predecessor that crashed. When true, {@link #start()} first takes an exclusive lock
         * (flock) on {@code netns-INODE.lock} in the {@link #runDirectory}, so a second director
         * on the same namespace (another process, or this one) fails with a
         * {@link DirectorLockException} naming the holder's PID, having changed nothing; while
         * running, the director records what it owns (the VRRP virtual addresses with their
         * interfaces, the IPVS services it manages, its sync daemon) in {@code netns-INODE.owned},
         * replaced atomically whenever that changes, removed by {@link Director#close()}. A start
         * that finds a record while the lock was free (its writer was killed) first removes the
         * recorded virtual addresses (VRRP adds them back if this director becomes master),
         * deletes the recorded services the configuration no longer has, adopts the rest without
         * a flush, stops a recorded sync daemon the configuration no longer has, removes the nftables
         * tables {@code lvs4j} of {@code vrrp_strict}, and reports it
         * as a {@link DirectorEvent.Recovered}.
         *
         * <p>Default: true when the director works on the kernel (the kernel's IPVS table, or
         * VRRP on raw sockets), false with an {@link #ipvs} table of its own and in-memory VRRP
         * or a {@link #virtualClock}.
         */
        public Builder exclusive(boolean exclusive) {
            this.exclusive = exclusive;
            return this;
        }

        /**
         * Route health injection: announces each virtual service's address over BGP while the
         * service has quorum, withdraws it when quorum is lost and on stop (see
         * {@link RouteHealthInjection}).
         */
        public Builder routeHealthInjection(RouteHealthInjection settings) {
            config.routeHealthInjection(settings);
            return this;
        }

        /** Tests: how a crashed run's virtual addresses are taken off their interfaces. */
        Builder addressRemover(AddressRemover remover) {
            this.addressRemover = Preconditions.checkNotNull(remover, "address remover");
            return this;
        }

        /** Whether start() takes the lock: see {@link #exclusive}. */
        boolean exclusiveNow() {
            if (exclusive != null) {
                return exclusive;
            }
            if (clock != null) {
                return false;
            }
            boolean kernelTable = table == null || table instanceof Ipvs;
            boolean rawVrrp = network == null && config.hasVrrp();
            return kernelTable || rawVrrp;
        }

        /**
         * Opens the IPVS table, installs the services, starts health checks and VRRP.
         *
         * @throws IpvsException if the kernel's IPVS cannot be opened (nothing is left running); a
         *     change the kernel refuses is a {@link DirectorEvent.Failure}, not a reason not to start
         * @throws InterfaceException if a VRRP interface or socket cannot be used (everything is stopped)
         * @throws DirectorLockException if another director runs in the network namespace, or the
         *     {@link #runDirectory} cannot be used ({@link #exclusive}); nothing was changed
         */
        public Director start() throws IpvsException, InterfaceException, DirectorLockException {
            Preconditions.checkState(network == null || clock != null, "inMemoryVrrp", "without virtualClock",
                    "a virtual clock too");
            DirectorConfig cfg = config.build(); // the references between the settings checked
            if (netns != null && clock == null && checkRuntime == null) {
                NetworkNamespace.check(netns); // the health checks' threads will enter it
            }
            // the lock before anything is touched: a second director changes nothing
            RunDirectory runDir = exclusiveNow() ? RunDirectory.open(runDirectory, netns) : null;
            Ipvs owned = null;
            IpvsTable t = table;
            if (t == null) {
                try {
                    owned = netns == null ? Ipvs.open() : Ipvs.open(netns);
                } catch (IpvsException | RuntimeException e) {
                    if (runDir != null) {
                        runDir.close(); // the record (if any) stays for the next start
                    }
                    throw e;
                }
                t = owned;
            }
            Loop loop = clock != null ? Loop.virtual(clock) : Loop.thread("lvs4j-director");
            Director d;
            try {
                d = new Director(this, cfg, loop, t, owned, runDir);
            } catch (RuntimeException e) {
                loop.shutdown();
                if (owned != null) {
                    owned.close();
                }
                if (runDir != null) {
                    runDir.close();
                }
                throw e;
            }
            try {
                d.start(cfg.flushOnStart());
            } catch (InterfaceException | IpvsException | RuntimeException e) {
                d.close();
                throw e;
            }
            return d;
        }
    }
}
