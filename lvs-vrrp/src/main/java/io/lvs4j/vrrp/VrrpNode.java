package io.lvs4j.vrrp;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.internal.ScriptLauncher;
import io.lvs4j.internal.ScriptRunner;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.time.Scheduler;
import io.lvs4j.time.ThreadScheduler;
import io.lvs4j.vrrp.linux.LinuxNetwork;
import io.lvs4j.vrrp.spi.VrrpNetwork;
import io.lvs4j.vrrp.spi.VrrpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VRRP instances running together on one host: a {@link VrrpRouter} per {@link VrrpInstance}, the
 * interfaces and {@link VrrpScript}s they track, their notify commands, their
 * {@link VrrpSyncGroup}s, all on one {@link Scheduler}. The same code runs over any
 * {@link VrrpNetwork}: raw sockets and rtnetlink on Linux ({@link LinuxNetwork}, the default), or
 * a simulated link on a virtual clock ({@link io.lvs4j.vrrp.memory.InMemoryNetwork#node}).
 * {@link #close()} stops gracefully: masters send priority 0 and give up their addresses.
 *
 * <pre>{@code
 * VrrpInstance vi1 = VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51)
 *         .virtualAddress("192.0.2.10/24").virtualAddress("192.0.2.11/24")
 *         .trackScript("chk_nginx").notifyMaster("/usr/local/bin/master.sh").build();
 * VrrpScript chk = VrrpScript.builder("chk_nginx").command("/usr/bin/pgrep -x nginx").weight(-50).build();
 *
 * try (VrrpNode node = VrrpNode.builder().instance(vi1).script(chk).start()) { ... }   // on this host
 *
 * VirtualClock clock = new VirtualClock();                                             // or simulated
 * InMemoryNetwork link = new InMemoryNetwork(clock);
 * VrrpNode a = VrrpNode.builder(link.node("a", InetAddress.getByName("192.0.2.1"))).instance(vi1).script(chk).start();
 * clock.advance(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>What the node does for each instance: it takes the interface's address when the instance
 * gives no source address, tracks the instance's own interface (unless
 * {@link VrrpInstance#dontTrackPrimary()}) and its tracked interfaces through the host's link
 * state, runs each tracked script (one runner per script, shared by the instances tracking it; a
 * tracked script no {@link VrrpScript} defines is ignored with a warning, as keepalived does),
 * carries out the master's address changes through the host, runs the notify commands, and joins
 * sync group members, which also track the group's interfaces and scripts. Routers are
 * single-threaded: read them with {@link #call}.
 */
public final class VrrpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpNode.class);

    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final VrrpNetwork.Host<?> host;
    private final Map<String, VrrpRouter> routers = new LinkedHashMap<>();
    private final Map<String, InterfaceTracker> interfaces = new HashMap<>();
    private final ScriptRunner runner;
    private Scripts scripts;
    private Map<String, ScriptTracker> trackersToStart; // between build and start
    private Map<String, VrrpScript> scriptsToStart;
    private Map<String, ScriptRunner.Prepared> preparedToStart;
    private boolean started;
    private boolean closed;

    private VrrpNode(Scheduler scheduler, boolean ownsScheduler, VrrpNetwork.Host<?> host, ScriptPolicy policy) {
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.host = host;
        // commands run on the node's host (e.g. in its namespace), as the policy's user there
        this.runner = ScriptRunner.create(policy, ScriptLauncher.onHost(host::command));
    }

    /** A node on this Linux host, in the JVM's network namespace ({@link LinuxNetwork#host()}). */
    public static Builder<InterfaceException> builder() {
        return builder(LinuxNetwork.host());
    }

    /** A node on {@code network}: {@link LinuxNetwork} or {@link io.lvs4j.vrrp.memory.InMemoryNetwork#node}. */
    public static <X extends Exception> Builder<X> builder(VrrpNetwork<X> network) {
        return new Builder<>(Preconditions.checkNotNull(network, "network"));
    }

    /** The routers by instance name, in the order given. Read their state with {@link #call}. */
    public Map<String, VrrpRouter> routers() {
        return Collections.unmodifiableMap(routers);
    }

    public VrrpRouter router(String instance) {
        VrrpRouter r = routers.get(instance);
        Preconditions.checkArgument(r != null, "vrrp_instance", instance, "one of " + routers.keySet());
        return r;
    }

    /** The scheduler the routers run on. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Runs {@code body} on the scheduler's thread (routers are single-threaded) and returns its
     * result; on a virtual clock, at once on the caller's thread.
     */
    public <T> T call(Supplier<T> body) {
        if (scheduler.inSchedulerThread()) {
            return body.get();
        }
        try {
            if (scheduler instanceof ThreadScheduler t) {
                return t.call(body::get);
            }
            CompletableFuture<T> f = new CompletableFuture<>();
            scheduler.execute(() -> {
                try {
                    f.complete(body.get());
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Adds a listener to every router (events arrive on the scheduler's thread). */
    public void addListener(VrrpListener listener) {
        Preconditions.checkNotNull(listener, "listener");
        call(() -> {
            routers.values().forEach(r -> r.addListener(listener));
            return null;
        });
    }

    /**
     * Dies as {@code kill -9} would: no priority 0 advertisement, addresses left as they are,
     * nothing announced; then releases everything. For failover tests.
     */
    void abort() {
        call(() -> {
            host.abort();
            return null;
        });
        close();
    }

    /**
     * Stops the scripts, then the routers (priority 0 from masters, addresses removed), then
     * releases the host's resources and the scheduler it made. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scripts != null) {
            scripts.close();
        }
        try {
            call(() -> {
                routers.values().forEach(VrrpRouter::stop);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("stopping the routers: {}", e.toString());
        }
        try {
            call(() -> {
                host.close();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("closing the network: {}", e.toString());
            host.close();
        }
        if (ownsScheduler && scheduler instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing the scheduler: {}", e.toString());
            }
        }
        // after the routers stopped: their STOP notifies are queued and get two seconds, as before;
        // then the runner kills what still runs, with its process group
        runner.close(Duration.ofSeconds(2));
    }

    /**
     * Takes a new script policy (a reload's {@code script_user}, {@code enable_script_security}):
     * each vrrp_script and notify command run from now on is checked again under it, once, and runs
     * as it says; runs in flight finish as they are. A script refused at start stays refused.
     */
    public void scriptPolicy(ScriptPolicy policy) {
        runner.policy(Preconditions.checkNotNull(policy, "script policy"));
    }

    @Override
    public String toString() {
        return "VrrpNode" + routers.keySet();
    }

    /**
     * The instances, scripts and sync groups of a node, its listeners and its scheduler.
     *
     * @param <X> what {@link #start()} throws when the host's resources cannot be had
     */
    public static final class Builder<X extends Exception> {
        private final VrrpNetwork<X> network;
        private final Map<String, VrrpInstance> instances = new LinkedHashMap<>();
        private final Map<String, VrrpScript> scripts = new LinkedHashMap<>();
        private final Map<String, VrrpSyncGroup> groups = new LinkedHashMap<>();
        private final List<VrrpListener> listeners = new ArrayList<>();
        private Scheduler scheduler;
        private ScriptPolicy scriptPolicy = ScriptPolicy.defaults();

        private Builder(VrrpNetwork<X> network) {
            this.network = network;
        }

        /**
         * How vrrp_scripts and notify commands run: the user a script without its own runs as and
         * script security ({@link ScriptPolicy}); keepalived's defaults unless given.
         */
        public Builder<X> scriptPolicy(ScriptPolicy policy) {
            this.scriptPolicy = Preconditions.checkNotNull(policy, "script policy");
            return this;
        }

        /** Adds an instance; names are unique. */
        public Builder<X> instance(VrrpInstance instance) {
            Preconditions.checkNotNull(instance, "vrrp_instance");
            Preconditions.checkArgument(!instances.containsKey(instance.name()), "vrrp_instance", instance.name(),
                    "each name once");
            instances.put(instance.name(), instance);
            return this;
        }

        /** Adds instances, in order. */
        public Builder<X> instances(List<VrrpInstance> instances) {
            Preconditions.checkNotNull(instances, "vrrp_instance");
            instances.forEach(this::instance);
            return this;
        }

        /** Adds a script instances and groups may track by name; names are unique. */
        public Builder<X> script(VrrpScript script) {
            Preconditions.checkNotNull(script, "vrrp_script");
            Preconditions.checkArgument(!scripts.containsKey(script.name()), "vrrp_script", script.name(),
                    "each name once");
            scripts.put(script.name(), script);
            return this;
        }

        public Builder<X> scripts(List<VrrpScript> scripts) {
            Preconditions.checkNotNull(scripts, "vrrp_script");
            scripts.forEach(this::script);
            return this;
        }

        /** Adds a sync group of instances of this node; names are unique. */
        public Builder<X> syncGroup(VrrpSyncGroup group) {
            Preconditions.checkNotNull(group, "vrrp_sync_group");
            Preconditions.checkArgument(!groups.containsKey(group.name()), "vrrp_sync_group", group.name(),
                    "each name once");
            groups.put(group.name(), group);
            return this;
        }

        public Builder<X> syncGroups(List<VrrpSyncGroup> groups) {
            Preconditions.checkNotNull(groups, "vrrp_sync_group");
            groups.forEach(this::syncGroup);
            return this;
        }

        /**
         * A listener added to every router before the routers start, so it also sees what happens
         * at start (e.g. {@code InitialState.MASTER} becoming master and adding its addresses),
         * which {@link VrrpNode#addListener} after {@link #start()} would miss. Events arrive on the
         * scheduler's thread, after the host's own actions on them.
         */
        public Builder<X> listener(VrrpListener listener) {
            listeners.add(Preconditions.checkNotNull(listener, "listener"));
            return this;
        }

        /**
         * The scheduler the routers, trackers and scripts run on; by default the network's (a new
         * {@link ThreadScheduler} on Linux, closed with the node; the {@link io.lvs4j.time.VirtualClock}
         * in memory). A scheduler given here is not closed by the node.
         */
        public Builder<X> scheduler(Scheduler scheduler) {
            Preconditions.checkNotNull(scheduler, "scheduler");
            network.checkScheduler(scheduler);
            this.scheduler = scheduler;
            return this;
        }

        /**
         * Opens the host's side, builds and starts the routers and the scripts: {@link #build()},
         * then {@link VrrpNode#start()}.
         *
         * @throws IllegalStateException if the configuration cannot run (a sync group naming an
         *     unknown instance, an instance in two groups, two instances with one {@code use_vmac}
         *     macvlan name, a tracked interface the host does not have, ...); nothing is left
         *     running
         * @throws X when the host's resources cannot be had (an interface is missing, a socket
         *     cannot be opened); nothing is left running
         */
        public VrrpNode start() throws X {
            VrrpNode node = build();
            try {
                node.start();
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
            return node;
        }

        /**
         * Opens the host's side (sockets, link state) and builds the routers, trackers and sync
         * groups without starting them: nothing is sent, no address or script is touched until
         * {@link VrrpNode#start()}; {@link VrrpNode#close()} releases a node never started. What
         * can fail fails here, so a caller replacing a running node (a reload) can build the new
         * one before it stops the old one.
         *
         * @throws IllegalStateException as {@link #start()}; nothing is left open
         * @throws X as {@link #start()}; nothing is left open
         */
        public VrrpNode build() throws X {
            Preconditions.checkState(!instances.isEmpty(), "vrrp_instance", "[]", "at least one instance");
            Set<String> grouped = new HashSet<>();
            for (VrrpSyncGroup g : groups.values()) {
                for (String m : g.members()) {
                    Preconditions.checkState(instances.containsKey(m), "vrrp_sync_group " + g.name() + " group", m,
                            "one of the vrrp_instances " + instances.keySet());
                    Preconditions.checkState(grouped.add(m), "vrrp_sync_group " + g.name() + " group", m,
                            "an instance in no other sync group");
                }
            }
            Map<String, String> vmacOwners = new HashMap<>();
            for (VrrpInstance i : instances.values()) {
                String vmac = i.vmacName().orElse(null);
                String other = vmac == null ? null : vmacOwners.putIfAbsent(vmac, i.name());
                Preconditions.checkState(other == null, "vrrp_instance " + i.name() + " use_vmac", vmac,
                        "a macvlan name no other instance uses (" + other + " does)");
            }
            String threadName = "lvs4j-vrrp-" + instances.keySet().iterator().next();
            Scheduler s = scheduler != null ? scheduler : network.defaultScheduler(threadName);
            boolean owns = scheduler == null;
            VrrpNetwork.Host<X> host;
            try {
                host = network.open(s);
            } catch (Exception e) {
                if (owns && s instanceof AutoCloseable c) {
                    closeQuietly(c);
                }
                throw e;
            }
            VrrpNode node = new VrrpNode(s, owns, host, scriptPolicy);
            try {
                node.build(host, List.copyOf(instances.values()), Map.copyOf(scripts), List.copyOf(groups.values()),
                        List.copyOf(listeners));
            } catch (Exception e) {
                node.close();
                throw e;
            }
            return node;
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing the scheduler: {}", e.toString());
            }
        }
    }

    private <X extends Exception> void build(VrrpNetwork.Host<X> host, List<VrrpInstance> given,
            Map<String, VrrpScript> scriptsByName, List<VrrpSyncGroup> groups, List<VrrpListener> listeners)
            throws X {
        List<VrrpInstance> instances = new ArrayList<>();
        for (VrrpInstance i : given) {
            instances.add(i.sourceAddress().isPresent() ? i
                    : i.toBuilder().sourceAddress(host.sourceAddress(i)).build());
        }
        List<VrrpTransport> transports = new ArrayList<>();
        for (VrrpInstance i : instances) {
            Set<Integer> siblings = new HashSet<>();
            for (VrrpInstance o : instances) {
                if (o != i && o.interfaceName().equals(i.interfaceName()) && o.ipv6() == i.ipv6()
                        && o.virtualRouterId() != i.virtualRouterId()) {
                    siblings.add(o.virtualRouterId());
                }
            }
            transports.add(host.open(i, Set.copyOf(siblings)));
        }
        Map<String, ScriptTracker> trackers = new LinkedHashMap<>();
        Map<String, ScriptRunner.Prepared> prepared = new HashMap<>();
        Set<String> disabled = new HashSet<>();
        for (VrrpScript s : scriptsByName.values()) {
            ScriptRunner.Prepared p = Scripts.prepare(runner, s);
            prepared.put(s.name(), p);
            if (p.refused()) {
                disabled.add(s.name());
            }
        }
        call(() -> {
            for (int n = 0; n < instances.size(); n++) {
                VrrpInstance i = instances.get(n);
                VrrpRouter r = VrrpRouter.create(i, transports.get(n), scheduler);
                r.addListener(host.addressActions(i));
                if (!i.notifyCommands().isEmpty()) {
                    r.addListener(new NotifyCommands(runner, "INSTANCE", i.name(), i.notifyCommands(),
                            i.priority()));
                }
                if (!i.dontTrackPrimary()) {
                    r.track(interfaceTracker(i.interfaceName()), 0, false);
                }
                track(r, "vrrp_instance " + i.name(), i.trackedInterfaces(), i.trackedScripts(), scriptsByName,
                        disabled, trackers);
                listeners.forEach(r::addListener);
                routers.put(i.name(), r);
            }
            for (VrrpSyncGroup g : groups) {
                List<VrrpRouter> members = new ArrayList<>();
                for (String m : g.members()) {
                    members.add(routers.get(m));
                }
                SyncGroup.of(g.name(), members);
                for (VrrpRouter m : members) {
                    track(m, "vrrp_sync_group " + g.name(), g.trackedInterfaces(), g.trackedScripts(),
                            scriptsByName, disabled, trackers);
                }
                if (!g.notifyCommands().isEmpty()) {
                    members.get(0).addListener(new NotifyCommands(runner, "GROUP", g.name(),
                            g.notifyCommands(), 0));
                }
            }
            return null;
        });
        // link changes before start() only update the routers' trackers (a router in INIT sends nothing)
        host.watchLinks((name, up) -> {
            InterfaceTracker t = interfaces.get(name);
            if (t != null) {
                t.linkUp(up);
            }
        });
        this.scriptsToStart = scriptsByName;
        this.trackersToStart = trackers;
        this.preparedToStart = prepared;
    }

    /**
     * Starts a node made by {@link Builder#build()}: starts the routers (an
     * instance starting as master sends and adds its addresses now) and the scripts.
     *
     * @throws IllegalStateException if the node was started or closed already
     */
    public synchronized void start() {
        Preconditions.checkState(!started && !closed, "vrrp node", closed ? "closed" : "started",
                "built, not yet started");
        started = true;
        Map<String, ScriptTracker> trackers = trackersToStart;
        Map<String, VrrpScript> scriptsByName = scriptsToStart;
        trackersToStart = null;
        scriptsToStart = null;
        Map<String, ScriptRunner.Prepared> prepared = preparedToStart;
        preparedToStart = null;
        call(() -> {
            routers.values().forEach(VrrpRouter::start);
            if (!trackers.isEmpty()) {
                scripts = new Scripts(scheduler, runner);
                trackers.forEach((name, tracker) -> scripts.start(scriptsByName.get(name), prepared.get(name), tracker));
            }
            return null;
        });
    }

    /**
     * Makes {@code r} track the interfaces and scripts given (by an instance or its sync group), as
     * keepalived does: a script's tracker is made on first use and shared; a script no
     * {@link VrrpScript} defines is ignored with a warning.
     */
    private void track(VrrpRouter r, String owner, List<Track> trackedInterfaces, List<Track> trackedScripts,
            Map<String, VrrpScript> scriptsByName, Set<String> disabled, Map<String, ScriptTracker> trackers) {
        for (Track t : trackedInterfaces) {
            track(r, interfaceTracker(t.name()), t);
        }
        for (Track t : trackedScripts) {
            if (disabled.contains(t.name())) {
                continue; // refused at start (said so): keepalived stops tracking it
            }
            VrrpScript s = scriptsByName.get(t.name());
            if (s == null) {
                LOG.warn("{} - ignored, as keepalived does", Preconditions.message(owner + " track_script", t.name(),
                        "a vrrp_script defined in the configuration"));
                continue;
            }
            track(r, trackers.computeIfAbsent(t.name(), n -> ScriptTracker.of(s)), t);
        }
    }

    /** With the weight given, or the tracker's own (the script's weight and reverse; 0 for an interface). */
    private static void track(VrrpRouter r, Tracker tracker, Track t) {
        if (t.weight().isPresent()) {
            r.track(tracker, t.weight().getAsInt(), t.reverse());
        } else {
            r.track(tracker);
        }
    }

    private InterfaceTracker interfaceTracker(String name) {
        return interfaces.computeIfAbsent(name, n -> new InterfaceTracker(n, host.linkUp(n)));
    }
}
