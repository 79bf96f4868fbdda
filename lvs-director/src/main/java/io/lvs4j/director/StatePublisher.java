package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.health.HealthView;
import io.lvs4j.health.RealServerView;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.ServiceView;
import io.lvs4j.table.Drain;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import io.lvs4j.vrrp.VrrpStatistics;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the {@link DirectorState} that {@link Director#state()} hands out, on the director's
 * thread, and keeps it for any thread to read: the VRRP instances as given, the configured
 * services with their health and what the table holds for them.
 */
final class StatePublisher {
    private volatile DirectorState snapshot = new DirectorState(List.of(), List.of(), List.of(), 0);
    private volatile Map<String, VrrpStatistics> vrrpStatistics = Map.of();
    private Map<ServiceKey, Published> published = Map.of(); // what publish() made of each configured service

    /** The last published state (any thread). */
    DirectorState state() {
        return snapshot;
    }

    /** The VRRP counters as of the last publish (any thread). */
    Map<String, VrrpStatistics> vrrpStatistics() {
        return vrrpStatistics;
    }

    void publish(List<DirectorState.Instance> instances, Map<String, VrrpStatistics> counters,
            Collection<ServiceHealth> configured, LastRead read, List<Drain> drains, HealthView health) {
        vrrpStatistics = java.util.Collections.unmodifiableMap(counters);
        List<DirectorState.Service> ss = new ArrayList<>();
        Map<ServiceKey, Published> next = new HashMap<>(configured.size() * 2);
        for (ServiceHealth sh : configured) {
            ServiceKey key = sh.service().key();
            ServiceState k = read.state(key);
            Optional<ServiceView> view = health.service(key);
            Published was = published.get(key);
            if (drains.isEmpty() && was != null && was.configured == sh && was.view == view.orElse(null)
                    && (was.kernel == k || was.kernel != null && was.kernel.equals(k))) { // a dump makes new objects
                ss.add(was.service);
                next.put(key, was);
                continue;
            }
            DirectorState.Service made = service(sh, view, k, drains);
            ss.add(made);
            if (drains.isEmpty()) {
                next.put(key, new Published(sh, view.orElse(null), k, made));
            }
        }
        published = next;
        snapshot = new DirectorState(instances, ss, read.daemons(), read.nanos());
    }

    private static DirectorState.Service service(ServiceHealth sh, Optional<ServiceView> view, ServiceState k,
            List<Drain> drains) {
        ServiceKey key = sh.service().key();
        Map<Endpoint, RealServer> in = wanted(view);
        List<DirectorState.Server> servers = new ArrayList<>();
        long active = 0;
        long inactive = 0;
        for (RealServer r : sh.service().realServers()) {
            DirectorState.Server s = server(r, DirectorState.Role.REAL_SERVER, health(sh, view, r), in, k);
            servers.add(s);
        }
        RealServer sorry = sh.sorryServer();
        if (sorry != null && (in.containsKey(Endpoint.of(sorry)) || kernelState(k, sorry).isPresent())) {
            servers.add(server(sorry, DirectorState.Role.SORRY_SERVER, DirectorState.Health.UNCHECKED, in, k));
        }
        for (Drain d : drains) {
            if (d.service().equals(key) && sh.service().realServer(d.server().address(), d.server().port()).isEmpty()) {
                servers.add(server(d.server(), DirectorState.Role.DRAINING, DirectorState.Health.UNCHECKED, in, k));
            }
        }
        for (DirectorState.Server s : servers) {
            active += s.activeConnections();
            inactive += s.inactiveConnections();
        }
        boolean quorumMet = view.map(ServiceView::quorumMet).orElse(true);
        return new DirectorState.Service(sh.service(), k == null ? null : k.service(), quorumMet,
                servers, active, inactive, k == null ? IpvsStats.ZERO : k.stats());
    }

    /**
     * A service as publish() last made it from its configuration, health view and kernel state (all
     * immutable): while all three are the same objects (and nothing drains) it is made no more.
     */
    private record Published(ServiceHealth configured, ServiceView view, ServiceState kernel,
            DirectorState.Service service) {}

    /** A real server's address and port: a map key that costs no string (publish() makes one per real server). */
    private record Endpoint(InetAddress address, int port) {
        static Endpoint of(RealServer r) {
            return new Endpoint(r.address(), r.port());
        }
    }

    /** What the view wants for the service's real servers and sorry server, by address and port. */
    private static Map<Endpoint, RealServer> wanted(Optional<ServiceView> view) {
        Map<Endpoint, RealServer> in = new HashMap<>();
        view.ifPresent(v -> v.inService().forEach(r -> in.put(Endpoint.of(r), r)));
        return in;
    }

    private static DirectorState.Health health(ServiceHealth sh, Optional<ServiceView> view, RealServer r) {
        if (!sh.checked(r)) {
            return DirectorState.Health.UNCHECKED;
        }
        return view.flatMap(v -> v.realServer(r.address(), r.port())).map(RealServerView::up)
                .orElse(true) // not started yet: keepalived starts real servers as up
                ? DirectorState.Health.UP : DirectorState.Health.DOWN;
    }

    private static Optional<RealServerState> kernelState(ServiceState k, RealServer r) {
        return k == null ? Optional.empty() : k.realServer(r.address(), r.port());
    }

    private static DirectorState.Server server(RealServer r, DirectorState.Role role, DirectorState.Health health,
            Map<Endpoint, RealServer> in, ServiceState k) {
        RealServer want = in.get(Endpoint.of(r));
        Optional<RealServerState> ks = kernelState(k, r);
        return new DirectorState.Server(r, role, health, want == null ? -1 : want.weight(),
                ks.map(x -> x.server().weight()).orElse(-1), ks.map(RealServerState::activeConnections).orElse(0),
                ks.map(RealServerState::inactiveConnections).orElse(0), ks.map(RealServerState::stats)
                        .orElse(IpvsStats.ZERO));
    }
}
