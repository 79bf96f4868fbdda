package io.lvs4j.director;

import io.lvs4j.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a director does at start with the record of a run that ended without cleaning up (killed,
 * crashed): keepalived's way for the addresses (a starting director is master of nothing, so every
 * recorded virtual address that it does not hold as master now goes; VRRP puts it back when this
 * director becomes master), and for the IPVS table no flush: the recorded services the new
 * configuration no longer has are deleted, the ones it still has are adopted as they are (their
 * connections live on; the reconcile then changes only what differs). The addresses route health
 * injection put on its device go unless the new run puts them there too (it adopts those).
 */
final class Recovery {
    /**
     * @param removeAddresses the recorded virtual addresses to take off their interfaces
     * @param removeServices the recorded services in the table that the configuration no longer has
     * @param adoptServices the recorded services in the table that the configuration still has
     * @param stopDaemons the recorded sync daemons to stop (the configuration has none)
     * @param removeRoutes the recorded route health injection addresses to take off their device
     */
    record Plan(List<OwnershipRecord.Vip> removeAddresses, Set<ServiceKey> removeServices,
            Set<ServiceKey> adoptServices, List<OwnershipRecord.Daemon> stopDaemons,
            List<OwnershipRecord.Route> removeRoutes) {}

    private Recovery() {}

    /**
     * @param crashed the record the crashed run left
     * @param heldNow the addresses this director holds as master now (none before VRRP starts)
     * @param configured the services of the new configuration
     * @param inTable the services in the IPVS table now
     * @param syncConfigured whether the new configuration runs a sync daemon (it then takes over the recorded ones)
     * @param routesNow the route health injection addresses the new run may put on its device
     */
    static Plan plan(OwnershipRecord crashed, Set<InetAddress> heldNow, Set<ServiceKey> configured,
            Set<ServiceKey> inTable, boolean syncConfigured, Set<OwnershipRecord.Route> routesNow) {
        List<OwnershipRecord.Vip> vips = new ArrayList<>();
        for (OwnershipRecord.Vip v : crashed.vips) {
            if (!heldNow.contains(v.address())) {
                vips.add(v);
            }
        }
        Set<ServiceKey> remove = new TreeSet<>();
        Set<ServiceKey> adopt = new TreeSet<>();
        for (ServiceKey k : crashed.services) {
            if (!inTable.contains(k)) {
                continue; // gone already (or never made it): nothing to do
            }
            (configured.contains(k) ? adopt : remove).add(k);
        }
        List<OwnershipRecord.Route> routes = new ArrayList<>();
        for (OwnershipRecord.Route r : crashed.routes) {
            if (!routesNow.contains(r)) {
                routes.add(r);
            }
        }
        return new Plan(vips, remove, adopt, syncConfigured ? List.of() : crashed.daemons, routes);
    }
}
