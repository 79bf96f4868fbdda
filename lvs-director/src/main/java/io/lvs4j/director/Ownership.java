package io.lvs4j.director;

import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ServiceState;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.spi.AddressDelegate;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the director owns in its network namespace, written to its run directory whenever it
 * changes (the VIPs with their interfaces, route health injection's addresses, the services, the
 * sync daemons), and the clean-up after a predecessor that crashed. Without a run directory it
 * does nothing. On the director's thread, except {@link #close}.
 */
final class Ownership {
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);
    private static final long PID = ProcessHandle.current().pid();
    private static final String BOOT_ID = RunDirectory.bootId();

    private final RunDirectory runDir; // null: no lock, no record
    private final AddressRemover addressRemover;
    private final AddressDelegate addressDelegate; // null: every VIP goes on an interface
    private final String netns;
    private final IpvsTable table;
    private final Events events;
    private final VrrpUnits vrrp;
    private final SyncFollower syncDaemon;
    private final Map<ServiceKey, ServiceHealth> configured; // the director's, live
    private final Set<ServiceKey> owned; // the director's, live
    private final RouteInjector injector; // route health injection (its settings follow reloads)
    private final StrictFirewall firewall; // vrrp_strict's rules: a crashed run's are removed
    private final BooleanSupplier closing;
    private OwnershipRecord recorded; // the record last written
    private String recordProblem; // the last failure to write it, reported once

    Ownership(RunDirectory runDir, AddressRemover addressRemover, AddressDelegate addressDelegate, String netns,
            IpvsTable table, Events events, VrrpUnits vrrp, SyncFollower syncDaemon,
            Map<ServiceKey, ServiceHealth> configured, Set<ServiceKey> owned, RouteInjector injector,
            StrictFirewall firewall, BooleanSupplier closing) {
        this.runDir = runDir;
        this.addressRemover = addressRemover;
        this.addressDelegate = addressDelegate;
        this.netns = netns;
        this.table = table;
        this.events = events;
        this.vrrp = vrrp;
        this.syncDaemon = syncDaemon;
        this.configured = configured;
        this.owned = owned;
        this.injector = injector;
        this.firewall = firewall;
        this.closing = closing;
    }

    /**
     * At start, before anything else touches the kernel: cleans up after a run that ended without
     * doing so (its record is there, its lock was free). See {@link Recovery}.
     */
    void recover() {
        if (runDir == null) {
            return;
        }
        if (runDir.previousProblem() != null) {
            events.failure("reading the ownership record", new java.io.IOException(runDir.previousProblem()));
        }
        OwnershipRecord crashed = runDir.previous();
        if (crashed == null) {
            record();
            return;
        }
        firewall.recover();
        Set<ServiceKey> inTable = new HashSet<>();
        try {
            for (ServiceState s : table.serviceStates()) {
                inTable.add(s.service().key());
            }
        } catch (IpvsException e) {
            events.failure("reading the IPVS table for the recovery", e);
        }
        Recovery.Plan plan = Recovery.plan(crashed, Set.of(), configured.keySet(), inTable, syncDaemon.configured(),
                new HashSet<>(rhiRoutes()));
        injector.adopt(crashed.routes); // those kept: off the device while not announced
        List<VirtualAddress> removed = new ArrayList<>();
        for (OwnershipRecord.Vip v : plan.removeAddresses()) {
            try {
                if (addressRemover.remove(v)) {
                    removed.add(v.asVirtualAddress());
                }
            } catch (InterfaceException | RuntimeException e) {
                events.failure("removing the stale virtual address " + v.text(), e);
            }
        }
        for (OwnershipRecord.Route r : plan.removeRoutes()) {
            // not announced by this run: nothing would take it off the device (announced ones are adopted)
            OwnershipRecord.Vip v = new OwnershipRecord.Vip("route health injection", r.address(), r.prefixLength(),
                    r.device(), false);
            try {
                if (addressRemover.remove(v)) {
                    removed.add(v.asVirtualAddress());
                }
            } catch (InterfaceException | RuntimeException e) {
                events.failure("removing the stale route health injection address " + r.text(), e);
            }
        }
        addressRemover.close();
        owned.addAll(plan.removeServices()); // not configured: the first reconcile deletes them
        owned.addAll(plan.adoptServices()); // configured: reconciled in place, no flush
        if (!plan.stopDaemons().isEmpty()) {
            try {
                for (SyncDaemon d : table.daemons()) {
                    for (OwnershipRecord.Daemon o : plan.stopDaemons()) {
                        if (o.role() == d.role()) {
                            table.stopDaemon(d.role());
                        }
                    }
                }
            } catch (IpvsException e) {
                events.failure("stopping the crashed run's sync daemon", e);
            }
        }
        long seq = events.next();
        events.emit(new DirectorEvent.Recovered(seq, events.nanos(), crashed.pid, removed,
                new ArrayList<>(plan.removeServices()), new ArrayList<>(plan.adoptServices())));
        record();
    }

    /** Writes what the director owns now to its run directory when it changed. */
    void record() {
        if (runDir == null || closing.getAsBoolean()) {
            return;
        }
        List<OwnershipRecord.Vip> vips = new ArrayList<>();
        for (Map.Entry<String, VrrpUnits.InstanceView> e : vrrp.instances().entrySet()) {
            VrrpUnits.InstanceView v = e.getValue();
            List<VirtualAddress> held = new ArrayList<>(v.config.virtualAddresses());
            held.addAll(v.config.excludedAddresses()); // a master holds those too
            for (VirtualAddress a : held) {
                if (addressDelegate != null && addressDelegate.handles(e.getKey(), a)) {
                    continue; // the forwarder answers for it: never on an interface
                }
                // with use_vmac the addresses are on the macvlan
                String dev = a.device().orElse(v.config.vmacName().orElse(v.config.interfaceName()));
                vips.add(new OwnershipRecord.Vip(e.getKey(), a.address(), a.prefixLength(), dev, v.held));
            }
        }
        Set<ServiceKey> services = new HashSet<>(owned);
        services.addAll(configured.keySet());
        OwnershipRecord r = new OwnershipRecord(PID, BOOT_ID, netns, vips, rhiRoutes(), services, syncDaemon.own());
        if (r.equals(recorded)) {
            return;
        }
        try {
            runDir.write(r);
            recorded = r;
            recordProblem = null;
        } catch (java.io.IOException | RuntimeException e) {
            String problem = e.toString();
            if (!problem.equals(recordProblem)) {
                recordProblem = problem;
                events.failure("writing the ownership record " + runDir.recordFile(), e);
            }
        }
    }

    /**
     * The addresses route health injection may put on its device: every configured service's
     * announced addresses (recorded before any is added, as the VIPs are), none when it puts none there.
     */
    private List<OwnershipRecord.Route> rhiRoutes() {
        RouteHealthInjection rhi = injector.settings();
        if (rhi == null || !injector.onDevice()) {
            return List.of();
        }
        Set<OwnershipRecord.Route> out = new LinkedHashSet<>();
        for (ServiceKey k : configured.keySet()) {
            for (InetAddress a : rhi.addressesOf(k)) {
                out.add(new OwnershipRecord.Route(a, rhi.device()));
            }
        }
        return new ArrayList<>(out);
    }

    /** At the end of a clean stop: nothing is left to recover; the lock is released. */
    void close() {
        addressRemover.close();
        if (runDir != null) {
            try {
                runDir.removeRecord(); // a clean stop: nothing is left to recover
            } catch (java.io.IOException e) {
                LOG.warn("cannot remove the ownership record {}: {}", runDir.recordFile(), e.toString());
            }
            runDir.close();
        }
    }
}
