package io.lvs4j.vrrp.linux;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.ThreadScheduler;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Link;
import io.lvs4j.netlink.LinkMonitor;
import io.lvs4j.netlink.NeighbourAnnouncer;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.vrrp.InterfaceTracker;
import io.lvs4j.vrrp.ScriptTracker;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpRouter;
import io.lvs4j.vrrp.VrrpSyncGroup;
import io.lvs4j.vrrp.config.TrackedObject;
import io.lvs4j.vrrp.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.config.VrrpScriptConfig;
import io.lvs4j.vrrp.config.VrrpSyncGroupConfig;
import io.lvs4j.vrrp.spi.AddressDelegate;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VRRP part of a keepalived.conf running for real on Linux: one {@link VrrpRouter} per
 * {@code vrrp_instance} on a raw socket ({@link RawVrrpTransport}), VIPs added and removed through
 * rtnetlink, gratuitous ARP / neighbour advertisements, interfaces tracked through link events
 * ({@link LinkMonitor}), {@code vrrp_script}s run, notify commands, {@code vrrp_sync_group}s. All
 * routers share one {@link ThreadScheduler}. {@link #close()} stops gracefully: masters send
 * priority 0 and remove their VIPs.
 *
 * <pre>{@code
 * try (VrrpNode node = VrrpNode.builder().instances(cfg.vrrpInstances()).scripts(cfg.vrrpScripts())
 *         .syncGroups(cfg.vrrpSyncGroups()).start()) { ... }
 * }</pre>
 */
public final class VrrpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpNode.class);

    private final ThreadScheduler scheduler;
    private final Rtnetlink rtnetlink;
    private final Map<String, VrrpRouter> routers = new LinkedHashMap<>();
    private final Map<String, InterfaceTracker> interfaces = new HashMap<>();
    private final Map<String, NeighbourAnnouncer> announcers = new HashMap<>();
    private final ExecutorService notifyExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lvs4j-vrrp-notify");
        t.setDaemon(true);
        return t;
    });
    private final List<AddressActions> addressActions = new ArrayList<>();
    private final List<RawVrrpTransport> transports = new ArrayList<>();
    private ScriptRunner scripts;
    private LinkMonitor links;
    private boolean closed;

    private VrrpNode(ThreadScheduler scheduler, Rtnetlink rtnetlink) {
        this.scheduler = scheduler;
        this.rtnetlink = rtnetlink;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The routers by instance name, in configuration order. Read their state with {@link #call}. */
    public Map<String, VrrpRouter> routers() {
        return java.util.Collections.unmodifiableMap(routers);
    }

    public VrrpRouter router(String instance) {
        VrrpRouter r = routers.get(instance);
        Preconditions.checkArgument(r != null, "vrrp_instance", instance, "one of " + routers.keySet());
        return r;
    }

    /** Runs {@code body} on the VRRP thread (routers are single-threaded) and returns its result. */
    public <T> T call(Supplier<T> body) {
        try {
            return scheduler.call(body::get);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Adds a listener to every router (events arrive on the VRRP thread). */
    public void addListener(VrrpListener listener) {
        call(() -> {
            routers.values().forEach(r -> r.addListener(listener));
            return null;
        });
    }

    /**
     * Dies as {@code kill -9} would: no priority 0 advertisement, VIPs left on the interfaces,
     * nothing announced; then releases everything. For failover tests.
     */
    void abort() {
        call(() -> {
            addressActions.forEach(AddressActions::freeze);
            transports.forEach(RawVrrpTransport::close);
            return null;
        });
        close();
    }

    /**
     * Stops the routers (priority 0 from masters, VIPs removed), the script runner, link events and
     * the thread. Idempotent.
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
        if (links != null) {
            links.close();
        }
        try {
            call(() -> {
                routers.values().forEach(VrrpRouter::stop);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("stopping the routers: {}", e.toString());
        }
        call(() -> {
            transports.forEach(RawVrrpTransport::close);
            announcers.values().forEach(NeighbourAnnouncer::close);
            return null;
        });
        scheduler.close();
        notifyExecutor.shutdown();
        try {
            notifyExecutor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rtnetlink.close();
    }

    /** Builder: the configuration blocks and the network namespace. */
    public static final class Builder {
        private String netns;
        private List<VrrpInstanceConfig> instances = List.of();
        private List<VrrpScriptConfig> scripts = List.of();
        private List<VrrpSyncGroupConfig> syncGroups = List.of();
        private final List<VrrpListener> listeners = new ArrayList<>();
        private AddressDelegate delegate;

        private Builder() {}

        /**
         * Hands the master's actions on the virtual addresses that {@code delegate}
         * {@linkplain AddressDelegate#handles handles} to it instead of putting them on their
         * interface and announcing them there (they are still advertised; the state machine is the
         * same). For a data plane that answers for them itself, e.g. the userspace forwarder.
         */
        public Builder addressDelegate(AddressDelegate delegate) {
            this.delegate = Preconditions.checkNotNull(delegate, "address delegate");
            return this;
        }

        /**
         * A listener added to every router before the routers start, so it also sees what happens
         * at start (e.g. {@code state MASTER} becoming master and adding its VIPs), which
         * {@link VrrpNode#addListener} after {@link #start()} would miss. Events arrive on the VRRP thread.
         */
        public Builder listener(VrrpListener listener) {
            listeners.add(Preconditions.checkNotNull(listener, "listener"));
            return this;
        }

        /** Runs in {@code /run/netns/NAME} (sockets are created there; commands run with {@code ip netns exec}). */
        public Builder namespace(String netns) {
            this.netns = Preconditions.checkNotNull(netns, "network namespace");
            return this;
        }

        public Builder instances(List<VrrpInstanceConfig> instances) {
            this.instances = List.copyOf(Preconditions.checkNotNull(instances, "vrrp_instance"));
            return this;
        }

        public Builder scripts(List<VrrpScriptConfig> scripts) {
            this.scripts = List.copyOf(Preconditions.checkNotNull(scripts, "vrrp_script"));
            return this;
        }

        public Builder syncGroups(List<VrrpSyncGroupConfig> groups) {
            this.syncGroups = List.copyOf(Preconditions.checkNotNull(groups, "vrrp_sync_group"));
            return this;
        }

        /**
         * Opens everything and starts the routers.
         *
         * @throws InterfaceException when an interface is missing or a socket cannot be opened
         *     (nothing is left running)
         */
        public VrrpNode start() throws InterfaceException {
            Preconditions.checkState(!instances.isEmpty(), "vrrp_instance", "[]", "at least one instance");
            Map<String, VrrpScriptConfig> scriptConfigs = new LinkedHashMap<>();
            for (VrrpScriptConfig s : scripts) {
                scriptConfigs.put(s.name(), s);
            }
            ThreadScheduler scheduler = new ThreadScheduler("lvs4j-vrrp" + (netns == null ? "" : "-" + netns));
            Rtnetlink rt;
            try {
                rt = Rtnetlink.open(netns);
            } catch (InterfaceException e) {
                scheduler.close();
                throw e;
            }
            VrrpNode node = new VrrpNode(scheduler, rt);
            try {
                node.build(netns, instances, scriptConfigs, syncGroups, List.copyOf(listeners), delegate);
            } catch (InterfaceException | RuntimeException e) {
                node.close();
                throw e;
            }
            return node;
        }
    }

    private void build(String netns, List<VrrpInstanceConfig> instances, Map<String, VrrpScriptConfig> scriptConfigs,
            List<VrrpSyncGroupConfig> groups, List<VrrpListener> listeners, AddressDelegate delegate)
            throws InterfaceException {
        List<Link> allLinks = rtnetlink.links();
        List<InterfaceAddress> addresses = rtnetlink.addresses();
        Map<String, ScriptTracker> scriptTrackers = new LinkedHashMap<>();
        List<Object[]> built = new ArrayList<>();
        for (VrrpInstanceConfig c : instances) {
            Preconditions.checkState(c.interfaceName() != null, "vrrp_instance " + c.name() + " interface", null,
                    "an interface name");
            Link link = find(allLinks, c.interfaceName());
            VrrpInstance.Builder b = VrrpInstance.fromConfig(c);
            InetAddress source = c.unicastSourceIp() != null ? c.unicastSourceIp() : c.multicastSourceIp();
            if (source == null) {
                boolean v6 = !c.virtualIpAddresses().isEmpty()
                        && c.virtualIpAddresses().get(0).address() instanceof Inet6Address;
                source = primaryAddress(addresses, link, v6);
                b.primaryAddress(source);
            }
            VrrpInstance instance = b.build();
            RawVrrpTransport transport = RawVrrpTransport.open(netns, c.interfaceName(), instance, scheduler::execute);
            transports.add(transport);
            built.add(new Object[] {c, instance, transport});
        }
        for (Object[] o : built) {
            VrrpInstanceConfig c = (VrrpInstanceConfig) o[0];
            VrrpInstance instance = (VrrpInstance) o[1];
            java.util.BitSet siblings = new java.util.BitSet(256);
            for (Object[] other : built) {
                VrrpInstance oi = (VrrpInstance) other[1];
                if (other != o && ((VrrpInstanceConfig) other[0]).interfaceName().equals(c.interfaceName())
                        && oi.ipv6() == instance.ipv6() && oi.virtualRouterId() != instance.virtualRouterId()) {
                    siblings.set(oi.virtualRouterId());
                }
            }
            ((RawVrrpTransport) o[2]).ignoreVrids(siblings);
        }
        call(() -> {
            for (Object[] o : built) {
                VrrpInstanceConfig c = (VrrpInstanceConfig) o[0];
                VrrpInstance instance = (VrrpInstance) o[1];
                VrrpRouter r = VrrpRouter.create(instance, (RawVrrpTransport) o[2], scheduler);
                AddressActions actions = new AddressActions(netns, rtnetlink, scheduler, c.interfaceName(),
                        c.garp().masterRefresh(), c.garp().masterRefreshRepeat() == null ? 1
                                : c.garp().masterRefreshRepeat(), announcers, delegate);
                addressActions.add(actions);
                r.addListener(actions);
                if (!c.notifyScripts().isEmpty()) {
                    r.addListener(new NotifyCommands(netns, "INSTANCE", c.name(), c.notifyScripts(), instance.priority(),
                            notifyExecutor));
                }
                for (String missing : track(r, c, n -> interfaceTracker(allLinks, n), scriptConfigs, scriptTrackers)) {
                    LOG.warn("{}", Preconditions.message("vrrp_instance " + c.name() + " track_script", missing,
                            "a vrrp_script defined in the configuration") + " - ignored, as keepalived does");
                }
                listeners.forEach(r::addListener);
                routers.put(c.name(), r);
            }
            for (VrrpSyncGroupConfig g : groups) {
                List<VrrpRouter> members = new ArrayList<>();
                for (String m : g.instances()) {
                    VrrpRouter r = routers.get(m);
                    Preconditions.checkState(r != null, "vrrp_sync_group " + g.name() + " group", m,
                            "one of the vrrp_instances " + routers.keySet());
                    members.add(r);
                }
                VrrpSyncGroup.of(g.name(), members);
                if (!g.notifyScripts().isEmpty()) {
                    NotifyCommands n = new NotifyCommands(netns, "GROUP", g.name(), g.notifyScripts(), 0, notifyExecutor);
                    members.get(0).addListener(n);
                }
            }
            return null;
        });
        links = LinkMonitor.open(netns, link -> scheduler.execute(() -> {
            InterfaceTracker t = interfaces.get(link.name());
            if (t != null) {
                t.linkUp(link.operational());
            }
        }));
        call(() -> {
            routers.values().forEach(VrrpRouter::start);
            return null;
        });
        if (!scriptTrackers.isEmpty()) {
            scripts = new ScriptRunner(netns, scheduler::execute, scriptTrackers.size());
            scriptTrackers.forEach((name, tracker) -> scripts.start(scriptConfigs.get(name), tracker));
        }
    }

    /**
     * Makes router {@code r} track what instance {@code c} names, as keepalived does: its own
     * interface (unless {@code dont_track_primary}), each {@code track_interface}, and each
     * {@code track_script} through the tracker of that {@code vrrp_script} (one per script, shared
     * by the instances, made in {@code trackers} on first use). A {@code track_script} naming no
     * {@code vrrp_script} is ignored, as keepalived does; returns those names so the caller can say
     * so. Used by the raw-socket node and by the in-memory VRRP of a director alike.
     */
    public static List<String> track(VrrpRouter r, VrrpInstanceConfig c, Function<String, InterfaceTracker> interfaces,
            Map<String, VrrpScriptConfig> scripts, Map<String, ScriptTracker> trackers) {
        if (c.interfaceName() != null && !c.dontTrackPrimary()) {
            r.track(interfaces.apply(c.interfaceName()), 0, false);
        }
        for (TrackedObject t : c.trackInterfaces()) {
            r.track(interfaces.apply(t.name()), t.weight(), t.reverse());
        }
        List<String> missing = new ArrayList<>();
        for (TrackedObject t : c.trackScripts()) {
            VrrpScriptConfig sc = scripts.get(t.name());
            if (sc == null) {
                missing.add(t.name());
                continue;
            }
            r.track(trackers.computeIfAbsent(t.name(), n -> ScriptTracker.fromConfig(sc)), t.weight(), t.reverse());
        }
        return missing;
    }

    private InterfaceTracker interfaceTracker(List<Link> allLinks, String name) {
        return interfaces.computeIfAbsent(name, n -> {
            Link l = allLinks.stream().filter(x -> n.equals(x.name())).findFirst().orElse(null);
            Preconditions.checkState(l != null, "track_interface", n, "an existing interface");
            return new InterfaceTracker(n, l.operational());
        });
    }

    private static Link find(List<Link> links, String name) throws InterfaceException {
        for (Link l : links) {
            if (name.equals(l.name())) {
                return l;
            }
        }
        throw new InterfaceException("RTM_GETLINK", "interface " + name, 19, "No such device", null);
    }

    /** keepalived's choice: the interface's first IPv4 address, or its IPv6 link-local address. */
    private static InetAddress primaryAddress(List<InterfaceAddress> addresses, Link link, boolean v6)
            throws InterfaceException {
        for (InterfaceAddress a : addresses) {
            if (a.interfaceIndex() != link.index()) {
                continue;
            }
            if (!v6 && a.address() instanceof Inet4Address) {
                return a.address();
            }
            if (v6 && a.address() instanceof Inet6Address && a.address().isLinkLocalAddress()) {
                return a.address();
            }
        }
        throw new InterfaceException("RTM_GETADDR", "interface " + link.name(), 99, "Cannot assign requested address",
                "no " + (v6 ? "IPv6 link-local" : "IPv4") + " address to send VRRP from");
    }
}
