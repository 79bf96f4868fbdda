package io.lvs4j.director;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.Track;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpNode;
import io.lvs4j.vrrp.VrrpRouter;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import io.lvs4j.vrrp.linux.LinuxNetwork;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.vrrp.spi.AddressDelegate;
import io.lvs4j.vrrp.spi.VrrpNetwork;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The VRRP instances that start and stop together: one sync group with its members, or one
 * instance in no group. A reload restarts only the units whose settings changed. Each unit is a
 * {@link VrrpNode} on the director's {@link VrrpNetwork}: Linux's raw sockets (each node on a
 * thread of its own) or an in-memory network on the virtual clock; the same code either way.
 */
final class VrrpUnit implements AutoCloseable {
    /** What a unit is made of; equal specs mean the unit is unchanged by a reload. */
    record Spec(String name, List<VrrpInstance> instances, VrrpSyncGroup group, List<VrrpScript> scripts) {
        List<String> instanceNames() {
            List<String> out = new ArrayList<>();
            for (VrrpInstance i : instances) {
                out.add(i.name());
            }
            return out;
        }
    }

    final Spec spec;
    private final VrrpNode node;

    /** Scripts run from now on run under {@code policy}. */
    void scriptPolicy(ScriptPolicy policy) {
        node.scriptPolicy(policy);
    }

    private VrrpUnit(Spec spec, VrrpNode node) {
        this.spec = spec;
        this.node = node;
    }

    /**
     * Opens the unit's sockets and builds its routers without starting them (see
     * {@link VrrpNode.Builder#build()}): what can fail fails here, and nothing is sent yet.
     * {@code listener} is attached before {@link #start()} (an instance starting as master becomes
     * master, and adds its VIPs, during start).
     *
     * @throws IllegalStateException if the unit cannot run here
     * @throws InterfaceException if the host refused a socket or an interface
     */
    static VrrpUnit build(VrrpNetwork<?> network, Spec spec, VrrpListener listener, ScriptPolicy policy)
            throws InterfaceException {
        VrrpNode.Builder<?> b = VrrpNode.builder(network).instances(spec.instances()).scripts(spec.scripts())
                .listener(listener).scriptPolicy(policy);
        if (spec.group() != null) {
            b.syncGroup(spec.group());
        }
        return new VrrpUnit(spec, build(b));
    }

    /** Starts a unit made by {@link #build}. */
    void start() {
        node.start();
    }

    private static <X extends Exception> VrrpNode build(VrrpNode.Builder<X> b) throws InterfaceException {
        try {
            return b.build();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof InterfaceException ie) {
                throw ie;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The routers' states now: name to {state, priority, effective priority}. */
    Map<String, int[]> states() {
        return node.call(() -> {
            Map<String, int[]> out = new LinkedHashMap<>();
            node.routers().forEach((n, r) -> out.put(n, state(r)));
            return out;
        });
    }

    /** Graceful: masters send priority 0 and give up their VIPs. Idempotent. */
    @Override
    public void close() {
        node.close();
    }

    /** Raw sockets and rtnetlink in a namespace (null: the JVM's), VIPs handed to {@code delegate} if it takes them. */
    static VrrpNetwork<InterfaceException> linux(String netns, AddressDelegate delegate) {
        LinuxNetwork.Builder b = LinuxNetwork.builder();
        if (netns != null) {
            b.namespace(netns);
        }
        if (delegate != null) {
            b.addressDelegate(delegate);
        }
        return b.build();
    }

    /**
     * An in-memory network on its virtual clock: the director's node is {@code node}, its instances
     * send from their source address, or else {@code address} (null: they must give one).
     */
    static VrrpNetwork<RuntimeException> inMemory(InMemoryNetwork network, String node, InetAddress address) {
        return address == null ? network.node(node) : network.node(node, address);
    }

    /** Splits the VRRP part of a configuration into units, in configuration order. */
    static List<Spec> specs(List<VrrpInstance> instances, List<VrrpSyncGroup> groups, List<VrrpScript> scripts) {
        Map<String, VrrpInstance> byName = new LinkedHashMap<>();
        for (VrrpInstance i : instances) {
            byName.put(i.name(), i);
        }
        List<Spec> out = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (VrrpSyncGroup g : groups) {
            List<VrrpInstance> members = new ArrayList<>();
            for (String m : g.members()) {
                VrrpInstance i = byName.get(m);
                Preconditions.checkArgument(i != null, "vrrp_sync_group " + g.name() + " group", m,
                        "one of the vrrp_instances " + byName.keySet());
                Preconditions.checkArgument(grouped.add(m), "vrrp_sync_group " + g.name() + " group", m,
                        "an instance in no other sync group");
                members.add(i);
            }
            out.add(new Spec("group " + g.name(), members, g, scriptsOf(members, g, scripts)));
        }
        for (VrrpInstance i : instances) {
            if (!grouped.contains(i.name())) {
                out.add(new Spec(i.name(), List.of(i), null, scriptsOf(List.of(i), null, scripts)));
            }
        }
        return out;
    }

    /** The scripts the members (or their group) track. */
    private static List<VrrpScript> scriptsOf(List<VrrpInstance> members, VrrpSyncGroup group,
            List<VrrpScript> scripts) {
        Set<String> tracked = new HashSet<>();
        for (VrrpInstance i : members) {
            i.trackedScripts().forEach(t -> tracked.add(t.name()));
        }
        if (group != null) {
            for (Track t : group.trackedScripts()) {
                tracked.add(t.name());
            }
        }
        List<VrrpScript> out = new ArrayList<>();
        for (VrrpScript s : scripts) {
            if (tracked.contains(s.name())) {
                out.add(s);
            }
        }
        return out;
    }

    /** A copy of each of the unit's routers' packet counters, by instance name (racy reads: see VrrpStatistics). */
    void statistics(Map<String, io.lvs4j.vrrp.VrrpStatistics> into) {
        for (Map.Entry<String, VrrpRouter> e : node.routers().entrySet()) {
            into.put(e.getKey(), e.getValue().statistics().copy());
        }
    }

    /** Each of the unit's routers' tracked scripts and interfaces, by instance name. */
    void tracked(Map<String, List<io.lvs4j.vrrp.TrackedObject>> into) {
        for (Map.Entry<String, VrrpRouter> e : node.routers().entrySet()) {
            into.put(e.getKey(), e.getValue().tracked());
        }
    }

    static int[] state(VrrpRouter r) {
        return new int[] {r.state().ordinal(), r.instance().priority(), r.effectivePriority()};
    }

    static RouterState stateOf(int[] s) {
        return RouterState.values()[s[0]];
    }
}
