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
 * connections live on; the reconcile then changes only what differs).
 */
final class Recovery {
    /**
     * @param removeAddresses the recorded virtual addresses to take off their interfaces
     * @param removeServices the recorded services in the table that the configuration no longer has
     * @param adoptServices the recorded services in the table that the configuration still has
     * @param stopDaemons the recorded sync daemons to stop (the configuration has none)
     */
    record Plan(List<OwnershipRecord.Vip> removeAddresses, Set<ServiceKey> removeServices,
            Set<ServiceKey> adoptServices, List<OwnershipRecord.Daemon> stopDaemons) {}

    private Recovery() {}

    /**
     * @param crashed the record the crashed run left
     * @param heldNow the addresses this director holds as master now (none before VRRP starts)
     * @param configured the services of the new configuration
     * @param inTable the services in the IPVS table now
     * @param syncConfigured whether the new configuration runs a sync daemon (it then takes over the recorded ones)
     */
    static Plan plan(OwnershipRecord crashed, Set<InetAddress> heldNow, Set<ServiceKey> configured,
            Set<ServiceKey> inTable, boolean syncConfigured) {
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
        return new Plan(vips, remove, adopt, syncConfigured ? List.of() : crashed.daemons);
    }
}
