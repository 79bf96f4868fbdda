package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The director's desired state: the services it is configured with (in the configuration's order)
 * and the keys of those it owns in the table (configured now or before). Every edit goes to the
 * health monitor at once. On the director's thread.
 */
final class ConfiguredServices {
    private final HealthMonitor monitor;
    private final Map<ServiceKey, ServiceHealth> configured = new LinkedHashMap<>();
    private final Set<ServiceKey> owned = new HashSet<>(); // configured now or before, maybe in the table

    /** @param initial the services the monitor was built with */
    ConfiguredServices(HealthMonitor monitor, Map<ServiceKey, ServiceHealth> initial) {
        this.monitor = monitor;
        this.configured.putAll(initial);
    }

    /** The configured services by key (live; the others read it, only this class changes it). */
    Map<ServiceKey, ServiceHealth> map() {
        return configured;
    }

    /** The keys of the services the director owns in the table (live). */
    Set<ServiceKey> owned() {
        return owned;
    }

    /** The configured service {@code key}; a key the director does not have is the caller's mistake. */
    ServiceHealth get(ServiceKey key) {
        ServiceHealth sh = configured.get(key);
        Preconditions.checkArgument(sh != null, "service", key, "one of the director's services " + configured.keySet());
        return sh;
    }

    /** Adds the service, or replaces the one with its key. */
    void put(ServiceHealth sh) {
        configured.put(sh.service().key(), sh);
        monitor.putService(sh); // on this thread: acts at once
    }

    /** Adds or replaces a service, keeping the checks of the real servers it keeps. */
    void put(VirtualService service) {
        ServiceHealth old = configured.get(service.key());
        put(old == null ? ServiceHealth.builder(service).build() : old.withService(service));
    }

    /** Removes a service; an unknown key changes nothing. */
    void remove(ServiceKey key) {
        if (configured.remove(key) != null) {
            monitor.removeService(key);
        }
    }

    /** Adds a real server to a configured service, or changes the one at its address and port. */
    void putRealServer(ServiceKey key, RealServer realServer) {
        ServiceHealth sh = get(key);
        VirtualService.Builder b = sh.service().toBuilder().clearRealServers();
        boolean replaced = false;
        for (RealServer r : sh.service().realServers()) {
            if (r.address().equals(realServer.address()) && r.port() == realServer.port()) {
                b.realServer(realServer);
                replaced = true;
            } else {
                b.realServer(r);
            }
        }
        if (!replaced) {
            b.realServer(realServer);
        }
        put(sh.withService(b.build()));
    }

    /** Removes a real server from a configured service. */
    void removeRealServer(ServiceKey key, InetAddress address, int port) {
        ServiceHealth sh = get(key);
        Preconditions.checkArgument(sh.service().realServer(address, port).isPresent(), "real server",
                Addresses.endpoint(address, port), "one of " + key + "'s");
        put(sh.withService(sh.service().toBuilder().removeRealServer(address, port).build()));
    }

    /** Sets a real server's configured weight. */
    void weight(ServiceKey key, InetAddress address, int port, int weight) {
        ServiceHealth sh = get(key);
        RealServer rs = sh.service().realServer(address, port).orElseThrow(() -> Preconditions.invalid(
                "real server", Addresses.endpoint(address, port), "one of " + key + "'s"));
        VirtualService.Builder b = sh.service().toBuilder().clearRealServers();
        for (RealServer r : sh.service().realServers()) {
            b.realServer(r == rs ? r.withWeight(weight) : r);
        }
        put(sh.withService(b.build()));
    }

    /**
     * A reload's services, in their order: the ones it no longer has are removed, new and changed
     * ones put; an unchanged one (the same object, or the same settings) keeps its health state.
     *
     * @return what changed: removed ones first, then added and changed ones in the services' order
     */
    List<ServiceChange> replace(List<ServiceHealth> services) {
        List<ServiceChange> changed = new ArrayList<>();
        Map<ServiceKey, ServiceHealth> wanted = new LinkedHashMap<>();
        for (ServiceHealth sh : services) {
            wanted.put(sh.service().key(), sh);
        }
        for (ServiceKey k : new ArrayList<>(configured.keySet())) {
            if (!wanted.containsKey(k)) {
                configured.remove(k);
                monitor.removeService(k);
                changed.add(ServiceChange.removed(k));
            }
        }
        for (ServiceHealth sh : services) {
            ServiceHealth old = configured.get(sh.service().key());
            if (old == null || old != sh && !old.sameSettings(sh)) { // the same object: an unchanged block
                put(sh);
                ServiceKey k = sh.service().key();
                changed.add(old == null ? ServiceChange.added(k) : ServiceChange.changed(k));
            }
        }
        // keep the configuration's order
        Map<ServiceKey, ServiceHealth> ordered = new LinkedHashMap<>();
        for (ServiceHealth sh : services) {
            ordered.put(sh.service().key(), configured.get(sh.service().key()));
        }
        configured.clear();
        configured.putAll(ordered);
        return changed;
    }
}
