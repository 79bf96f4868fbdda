package io.lvs4j.director;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.vrrp.InterfaceTracker;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.ScriptTracker;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpRouter;
import io.lvs4j.vrrp.VrrpSyncGroup;
import io.lvs4j.vrrp.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.config.VrrpScriptConfig;
import io.lvs4j.vrrp.config.VrrpSyncGroupConfig;
import io.lvs4j.vrrp.linux.ScriptRunner;
import io.lvs4j.vrrp.linux.VrrpNode;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.time.Scheduler;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VRRP instances that start and stop together: one {@code vrrp_sync_group} with its members,
 * or one instance in no group. A reload restarts only the units whose configuration changed.
 * Runs on raw sockets ({@link VrrpNode}, its own thread) or on an in-memory network.
 */
abstract class VrrpUnit implements AutoCloseable {
    /** What a unit is made of; equal specs mean the unit is unchanged by a reload. */
    record Spec(String name, List<VrrpInstanceConfig> instances, VrrpSyncGroupConfig group,
            List<VrrpScriptConfig> scripts) {
        List<String> instanceNames() {
            List<String> out = new ArrayList<>();
            for (VrrpInstanceConfig c : instances) {
                out.add(c.name());
            }
            return out;
        }
    }

    /** Where a unit runs. */
    interface Transport {
        VrrpUnit start(Spec spec, VrrpListener listener) throws InterfaceException;
    }

    final Spec spec;

    VrrpUnit(Spec spec) {
        this.spec = spec;
    }

    /** The routers' states now: name to {state, priority, effective priority}. */
    abstract Map<String, int[]> states();

    /** Graceful: masters send priority 0 and give up their VIPs. Idempotent. */
    @Override
    public abstract void close();

    /** Splits the VRRP part of a configuration into units, in configuration order. */
    static List<Spec> specs(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups,
            List<VrrpScriptConfig> scripts) {
        Map<String, VrrpInstanceConfig> byName = new LinkedHashMap<>();
        for (VrrpInstanceConfig c : instances) {
            byName.put(c.name(), c);
        }
        List<Spec> out = new ArrayList<>();
        java.util.Set<String> grouped = new java.util.HashSet<>();
        for (VrrpSyncGroupConfig g : groups) {
            List<VrrpInstanceConfig> members = new ArrayList<>();
            for (String m : g.instances()) {
                VrrpInstanceConfig c = byName.get(m);
                Preconditions.checkArgument(c != null, "vrrp_sync_group " + g.name() + " group", m,
                        "one of the vrrp_instances " + byName.keySet());
                members.add(c);
                grouped.add(m);
            }
            out.add(new Spec("group " + g.name(), members, g, scriptsOf(members, scripts)));
        }
        for (VrrpInstanceConfig c : instances) {
            if (!grouped.contains(c.name())) {
                out.add(new Spec(c.name(), List.of(c), null, scriptsOf(List.of(c), scripts)));
            }
        }
        return out;
    }

    private static List<VrrpScriptConfig> scriptsOf(List<VrrpInstanceConfig> members, List<VrrpScriptConfig> scripts) {
        List<VrrpScriptConfig> out = new ArrayList<>();
        for (VrrpScriptConfig s : scripts) {
            boolean used = members.stream().anyMatch(c -> c.trackScripts().stream().anyMatch(t -> t.name().equals(s.name())));
            if (used) {
                out.add(s);
            }
        }
        return out;
    }

    static int[] state(VrrpRouter r) {
        return new int[] {r.state().ordinal(), r.instance().priority(), r.effectivePriority()};
    }

    static RouterState stateOf(int[] s) {
        return RouterState.values()[s[0]];
    }

    /** Raw sockets and rtnetlink in a namespace (or the current one): one {@link VrrpNode} per unit. */
    static Transport linux(String netns, io.lvs4j.vrrp.spi.AddressDelegate delegate) {
        return (spec, listener) -> {
            // the listener is attached before the routers start: a state MASTER instance becomes
            // master (and adds its VIPs) during start()
            VrrpNode.Builder b = VrrpNode.builder().instances(spec.instances()).scripts(spec.scripts())
                    .syncGroups(spec.group() == null ? List.of() : List.of(spec.group())).listener(listener);
            if (netns != null) {
                b.namespace(netns);
            }
            if (delegate != null) {
                b.addressDelegate(delegate);
            }
            VrrpNode node = b.start();
            return new VrrpUnit(spec) {
                @Override
                Map<String, int[]> states() {
                    return node.call(() -> {
                        Map<String, int[]> out = new LinkedHashMap<>();
                        node.routers().forEach((n, r) -> out.put(n, state(r)));
                        return out;
                    });
                }

                @Override
                public void close() {
                    node.close();
                }
            };
        };
    }

    /**
     * An in-memory network on a virtual clock: each router attaches as {@code node} with its
     * {@code unicast_src_ip}/{@code mcast_src_ip}, or {@code address} when it has none. Tracking as
     * {@link VrrpNode} does it: the instance's interface (unless {@code dont_track_primary}) and its
     * {@code track_interface}s follow the network's simulated link state of this node's interfaces
     * ({@link InMemoryNetwork#interfaceUp}); {@code track_script}s run for real (the command, as
     * {@link ScriptRunner#runOnce}) on the virtual clock: at start, then every interval.
     */
    static Transport inMemory(InMemoryNetwork network, VirtualClock clock, String node, InetAddress address) {
        return (spec, listener) -> {
            Map<String, VrrpRouter> routers = new LinkedHashMap<>();
            Map<String, InterfaceTracker> interfaces = new HashMap<>();
            Map<String, ScriptTracker> scriptTrackers = new LinkedHashMap<>();
            Map<String, VrrpScriptConfig> scriptConfigs = new HashMap<>();
            spec.scripts().forEach(sc -> scriptConfigs.put(sc.name(), sc));
            java.util.function.Function<String, InterfaceTracker> iface = name -> interfaces.computeIfAbsent(name,
                    n -> new InterfaceTracker(n, network.isInterfaceUp(node, n)));
            for (VrrpInstanceConfig c : spec.instances()) {
                VrrpInstance.Builder b = VrrpInstance.fromConfig(c);
                InetAddress source = c.unicastSourceIp() != null ? c.unicastSourceIp() : c.multicastSourceIp();
                if (source == null) {
                    Preconditions.checkState(address != null, "vrrp_instance " + c.name() + " source address", null,
                            "unicast_src_ip, mcast_src_ip or the in-memory node's address");
                    b.primaryAddress(address);
                    source = address;
                }
                VrrpInstance instance = b.build();
                VrrpRouter r = VrrpRouter.create(instance, network.attach(node, source), clock);
                // a track_script naming no vrrp_script is ignored, as keepalived does (the reader warned)
                VrrpNode.track(r, c, iface, scriptConfigs, scriptTrackers);
                r.addListener(listener);
                routers.put(c.name(), r);
            }
            InMemoryNetwork.InterfaceListener links = (n, name, up) -> {
                InterfaceTracker t = n.equals(node) ? interfaces.get(name) : null;
                if (t != null) {
                    t.linkUp(up);
                }
            };
            network.addInterfaceListener(links);
            if (spec.group() != null) {
                VrrpSyncGroup.of(spec.group().name(), new ArrayList<>(routers.values()));
            }
            routers.values().forEach(VrrpRouter::start);
            Map<String, Scheduler.Timer> timers = new LinkedHashMap<>(); // each script's next run
            boolean[] closed = {false};
            scriptTrackers.forEach((name, tracker) -> {
                VrrpScriptConfig sc = scriptConfigs.get(name);
                long every = ScriptRunner.interval(sc).toNanos();
                timers.put(name, clock.schedule(0, new Runnable() {
                    @Override
                    public void run() {
                        if (!closed[0]) {
                            tracker.recordResult(ScriptRunner.runOnce(sc));
                            timers.put(name, clock.schedule(every, this));
                        }
                    }
                }));
            });
            return new VrrpUnit(spec) {
                @Override
                Map<String, int[]> states() {
                    Map<String, int[]> out = new LinkedHashMap<>();
                    routers.forEach((n, r) -> out.put(n, state(r)));
                    return out;
                }

                @Override
                public void close() {
                    closed[0] = true;
                    timers.values().forEach(Scheduler.Timer::cancel);
                    network.removeInterfaceListener(links);
                    routers.values().forEach(VrrpRouter::stop);
                }
            };
        };
    }
}
