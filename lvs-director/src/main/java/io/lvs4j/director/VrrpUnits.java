package io.lvs4j.director;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.TrackedObject;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.VrrpEvent;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpStatistics;
import io.lvs4j.vrrp.spi.VrrpNetwork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The director's running VRRP units (a sync group with its instances, or a lone instance) and
 * what it knows of each instance from their events: built, started, replaced by a reload, stopped.
 * On the director's thread, except {@link #build} (any thread) and closing the units that
 * {@link #detach} and {@link #takeAll} hand out (off the director's thread: a stopping unit posts
 * its last events to it).
 */
final class VrrpUnits {
    /** What follows a VRRP event. */
    interface Hooks {
        /** The virtual addresses held changed, or instances came or went: write the ownership record. */
        void recordOwnership();

        /** {@code instance} changed state (the sync daemon may follow it). */
        void stateChanged(String instance);

        /** Publishes the director's state. */
        void publish();
    }

    /** An instance as its unit's events made it. */
    static final class InstanceView {
        final VrrpInstance config;
        RouterState state = RouterState.INIT;
        int priority;
        int effectivePriority;
        boolean held;

        /** The unit's: events of another unit (a stopped one of the same name) are not this one's. */
        final Object token;

        InstanceView(VrrpInstance config, Object token) {
            this.config = config;
            this.token = token;
            this.priority = config.priority();
            this.effectivePriority = priority;
        }
    }

    /** A VRRP unit built, not yet started, with the token its events carry. */
    record Built(VrrpUnit unit, Object token) {}

    /** What a reload does with the units: the names kept, the specs to build, the units to stop. */
    record Plan(List<String> kept, List<VrrpUnit.Spec> build, List<VrrpUnit> stop) {}

    private final VrrpNetwork<?> network;
    private final Loop loop;
    private final Events events;
    private final StrictFirewall firewall; // vrrp_strict's rules follow the VIPs
    private final Hooks hooks;
    private final Map<String, VrrpUnit> units = new LinkedHashMap<>();
    private final Map<String, InstanceView> instances = new LinkedHashMap<>();

    VrrpUnits(VrrpNetwork<?> network, Loop loop, Events events, StrictFirewall firewall, Hooks hooks) {
        this.network = network;
        this.loop = loop;
        this.events = events;
        this.firewall = firewall;
        this.hooks = hooks;
    }

    /** The instances by name, as their events made them (read only). */
    Map<String, InstanceView> instances() {
        return Collections.unmodifiableMap(instances);
    }

    /** Whether {@code instance} is master now. */
    boolean isMaster(String instance) {
        InstanceView v = instances.get(instance);
        return v != null && v.state == RouterState.MASTER;
    }

    /** Which units a reload keeps (same spec), builds (new or changed) and stops (gone or changed). */
    Plan plan(List<VrrpUnit.Spec> specs) {
        List<String> kept = new ArrayList<>();
        List<VrrpUnit.Spec> toBuild = new ArrayList<>();
        List<VrrpUnit> stop = new ArrayList<>();
        for (VrrpUnit u : units.values()) {
            if (!specs.contains(u.spec)) {
                stop.add(u);
            }
        }
        for (VrrpUnit.Spec s : specs) {
            VrrpUnit u = units.get(s.name());
            if (u != null && u.spec.equals(s)) {
                kept.add(s.name());
            } else {
                toBuild.add(s);
            }
        }
        return new Plan(kept, toBuild, stop);
    }

    /**
     * Builds {@code s} (not started); its events reach {@link #onVrrp} tagged with its own token, so
     * a stopped unit's late events never touch the view of the unit that replaced it.
     *
     * @throws IllegalArgumentException naming the unit, if it cannot run here
     * @throws VrrpUnitException naming the unit, if the host refused a socket or an interface
     */
    Built build(VrrpUnit.Spec s, ScriptPolicy policy) throws VrrpUnitException {
        Object token = new Object();
        try {
            return new Built(VrrpUnit.build(network, s, e -> loop.execute(() -> onVrrp(token, e)), policy), token);
        } catch (InterfaceException e) {
            throw new VrrpUnitException(s.name(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("VRRP " + s.name() + " cannot start: " + e.getMessage()
                    + "; nothing was changed", e);
        }
    }

    /** Builds and starts {@code s} (at the director's start). */
    void start(VrrpUnit.Spec s, ScriptPolicy policy) throws InterfaceException {
        Object token = new Object();
        start(s, new Built(VrrpUnit.build(network, s, e -> loop.execute(() -> onVrrp(token, e)), policy), token));
    }

    /** Starts a built unit; a unit that fails to start is closed. */
    void start(VrrpUnit.Spec s, Built b) {
        for (VrrpInstance c : s.instances()) {
            instances.put(c.name(), new InstanceView(c, b.token));
        }
        hooks.recordOwnership(); // before VRRP can put a VIP up: a crash from now on leaves it recorded
        VrrpUnit u = b.unit;
        try {
            u.start();
        } catch (RuntimeException e) {
            u.close();
            for (VrrpInstance c : s.instances()) {
                instances.remove(c.name());
            }
            hooks.recordOwnership();
            throw e;
        }
        units.put(s.name(), u);
        for (Map.Entry<String, int[]> e : u.states().entrySet()) {
            InstanceView v = instances.get(e.getKey());
            if (v != null && v.state == RouterState.INIT) {
                v.state = VrrpUnit.stateOf(e.getValue());
                v.priority = e.getValue()[1];
                v.effectivePriority = e.getValue()[2];
            }
        }
    }

    /** Takes {@code stop} out of the running units (the caller closes them, then calls {@link #forget}). */
    void detach(List<VrrpUnit> stop) {
        for (VrrpUnit u : stop) {
            units.remove(u.spec.name());
        }
    }

    /** Forgets the instances of the stopped units (after their last events came in). */
    void forget(List<VrrpUnit> stopped) {
        for (VrrpUnit u : stopped) {
            for (String n : u.spec.instanceNames()) {
                instances.remove(n);
            }
        }
    }

    /** Takes every running unit out, for the caller to close (at close). */
    List<VrrpUnit> takeAll() {
        List<VrrpUnit> out = new ArrayList<>(units.values());
        units.clear();
        return out;
    }

    /** Scripts the running units start from now on run under {@code policy}. */
    void scriptPolicy(ScriptPolicy policy) {
        units.values().forEach(u -> u.scriptPolicy(policy));
    }

    /** The instances as {@link DirectorState} shows them; the engines' counters go into {@code counters}. */
    List<DirectorState.Instance> publish(Map<String, VrrpStatistics> counters) {
        for (VrrpUnit u : units.values()) {
            u.statistics(counters);
        }
        Map<String, List<TrackedObject>> tracked = new HashMap<>();
        for (VrrpUnit u : units.values()) {
            u.tracked(tracked);
        }
        List<DirectorState.Instance> is = new ArrayList<>();
        for (Map.Entry<String, InstanceView> e : instances.entrySet()) {
            InstanceView v = e.getValue();
            DirectorState.Instance.Builder ib = DirectorState.Instance.builder(e.getKey()).state(v.state)
                    .priority(v.priority).effectivePriority(v.effectivePriority)
                    .virtualAddresses(texts(v.config.virtualAddresses())).addressesHeld(v.held);
            tracked.getOrDefault(e.getKey(), List.of()).forEach(ib::tracked);
            is.add(ib.build());
        }
        return is;
    }

    private void onVrrp(Object token, VrrpEvent e) {
        InstanceView v = instances.get(e.instance());
        if (e instanceof VrrpEvent.AddressesRemoved) {
            firewall.removed(e.instance()); // also from a unit a reload stopped
        }
        if (v == null || v.token != token) {
            return; // a unit stopped by a reload (maybe replaced by one of the same name)
        }
        long seq;
        if (e instanceof VrrpEvent.StateChanged s) {
            v.state = s.to();
            seq = events.next();
            events.emit(new DirectorEvent.VrrpTransition(seq, loop.nanos(), s.instance(), s.from(), s.to(), s.reason()));
            hooks.stateChanged(s.instance());
        } else if (e instanceof VrrpEvent.AddressesAdded a) {
            v.held = true;
            firewall.added(a.instance(), v.config.acceptMode(), a.addresses());
            hooks.recordOwnership();
            seq = events.next();
            events.emit(new DirectorEvent.VirtualAddresses(seq, loop.nanos(), a.instance(), true, a.addresses()));
        } else if (e instanceof VrrpEvent.AddressesRemoved a) {
            v.held = false;
            hooks.recordOwnership();
            seq = events.next();
            events.emit(new DirectorEvent.VirtualAddresses(seq, loop.nanos(), a.instance(), false, a.addresses()));
        } else if (e instanceof VrrpEvent.PriorityChanged p) {
            v.effectivePriority = p.to();
        }
        hooks.publish();
    }

    private static List<String> texts(List<VirtualAddress> addresses) {
        List<String> out = new ArrayList<>();
        for (VirtualAddress a : addresses) {
            out.add(Addresses.format(a.address()) + "/" + a.prefixLength());
        }
        return out;
    }
}
