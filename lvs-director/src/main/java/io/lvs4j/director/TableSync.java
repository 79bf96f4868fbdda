package io.lvs4j.director;

import io.lvs4j.Change;
import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.health.HealthView;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.ServiceView;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.ServiceState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The director's desired table and its reconcile (on the director's thread): the configured
 * services with the real servers the health view lets in, and the IPVS table as the director last
 * read it plus what it applied since (the known table).
 *
 * <p>A change ({@link #reconcile}) diffs only the services whose configuration or health view
 * changed (the same objects: both are immutable) against the known table, and reads nothing:
 * a one-weight reload is one request. The full pass ({@link #full}: one dump of the table, the
 * desired table of every service, the diff of all of it) runs at start, in the periodic repair (the
 * anti-entropy pass that finds drift made behind the director's back), when the timeouts changed,
 * and for the rest of a cycle whose change the table refused; after a refusal the next change is a
 * full pass too, until one succeeds.
 */
final class TableSync {
    private final IpvsTable table;
    private final Reconciler reconciler;
    /** The table as last read, with what was applied since; in the order read, then added. */
    private final Map<ServiceKey, ServiceState> known = new LinkedHashMap<>();
    private List<ServiceState> knownList = List.of();
    /** Whether {@link #known} is the table (false after a change whose outcome is not known: read it). */
    private boolean trusted;
    /** Whether the next change must be a full pass (at start, after a refusal). */
    private boolean fullNext = true;
    /** The timeouts the last successful full pass set; a change of them is a full pass. */
    private Timeouts applied;
    /** What each configured service was made of, and the service it made. */
    private final Map<ServiceKey, Healthy> healthy = new HashMap<>();

    /** How many full passes and changes ran (for tests). */
    long fullPasses;
    long changes;

    /** Whether removed real servers drain: their connections decide, so a removal reads the table. */
    private final boolean drains;

    TableSync(IpvsTable table, Reconciler reconciler, boolean drains) {
        this.table = table;
        this.reconciler = reconciler;
        this.drains = drains;
    }

    /**
     * A configured service as last made from the configuration and the health view; both are
     * immutable, so while neither changed (the same objects) it is made no more and not diffed.
     */
    private record Healthy(ServiceHealth configured, ServiceView view, VirtualService wanted) {}

    /** The configured service with the real servers (and sorry server) the view wants in, at their wanted weights. */
    static VirtualService healthy(ServiceHealth sh, ServiceView view) {
        List<RealServer> in = view == null ? List.of() : view.inService();
        return sh.service().toBuilder().clearRealServers().realServers(in).build();
    }

    /** Whether the known table is the table (else the caller reads it: {@link #read}). */
    boolean trusted() {
        return trusted;
    }

    /** The known table, in the order read. */
    List<ServiceState> states() {
        if (knownList == null) {
            knownList = List.copyOf(known.values());
        }
        return knownList;
    }

    /** The known state of a service, or null. */
    ServiceState state(ServiceKey key) {
        return known.get(key);
    }

    /** Reads the whole table (one dump): it is the known table from now on. */
    List<ServiceState> read() throws IpvsException {
        List<ServiceState> now = table.serviceStates();
        set(now);
        return now;
    }

    private void set(List<ServiceState> now) {
        known.clear();
        for (ServiceState s : now) {
            known.put(s.service().key(), s);
        }
        knownList = List.copyOf(now);
        trusted = true;
    }

    /**
     * Brings the table to the desired one, diffing only what changed since the last pass, unless a
     * full pass is due; a change the table refuses is followed by a full pass in the same call.
     *
     * @param configured the configured services, in order
     * @param owned the services the director owns (configured now or before): one no longer
     *     configured is removed from the table
     */
    ReconcileResult reconcile(Collection<ServiceHealth> configured, Set<ServiceKey> owned, HealthView health,
            Timeouts timeouts) throws IpvsException {
        if (fullNext || !trusted || !timeouts.equals(applied)) {
            return full(configured, owned, health, timeouts);
        }
        changes++;
        DirectorConfig.Builder want = DirectorConfig.builder();
        List<ServiceState> current = new ArrayList<>();
        for (ServiceHealth sh : configured) {
            ServiceKey k = sh.service().key();
            ServiceView view = health.service(k).orElse(null);
            Healthy h = healthy.get(k);
            if (h != null && h.configured == sh && h.view == view) {
                continue;
            }
            Healthy made = new Healthy(sh, view, healthy(sh, view));
            healthy.put(k, made);
            if (h != null && h.wanted.equals(made.wanted) && known.containsKey(k)) {
                continue; // made anew, the same (the table has it as it had it)
            }
            want.service(made.wanted);
            ServiceState s = known.get(k);
            if (s != null) {
                if (drains && removesRealServer(s, made.wanted)) {
                    // whether it drains depends on its connections now: read them
                    return full(configured, owned, health, timeouts);
                }
                current.add(s);
            }
        }
        if (healthy.size() > configured.size()) { // some are configured no more: the owned ones go
            Map<ServiceKey, Boolean> now = new HashMap<>(configured.size() * 2);
            for (ServiceHealth sh : configured) {
                now.put(sh.service().key(), Boolean.TRUE);
            }
            for (Iterator<ServiceKey> it = healthy.keySet().iterator(); it.hasNext(); ) {
                ServiceKey k = it.next();
                if (!now.containsKey(k)) {
                    it.remove();
                    ServiceState s = known.get(k);
                    if (s != null && owned.contains(k)) {
                        current.add(s);
                    }
                }
            }
        }
        DirectorConfig part = want.build();
        ReconcileResult r;
        try {
            r = reconciler.reconcileServices(part, current);
        } catch (IpvsException e) {
            // refused (or the known table was wrong: drift): read the table and reconcile all of it
            List<Change> before = e instanceof ReconcileException re ? re.applied() : List.of();
            trusted = false;
            ReconcileResult f;
            try {
                f = full(configured, owned, health, timeouts);
            } catch (ReconcileException again) {
                throw again.afterApplying(before);
            }
            if (before.isEmpty()) {
                return f;
            }
            List<Change> all = new ArrayList<>(before);
            all.addAll(f.applied());
            return new ReconcileResult(all, f.draining());
        }
        patch(r.applied());
        return r;
    }

    private static boolean removesRealServer(ServiceState s, VirtualService wanted) {
        for (RealServerState r : s.realServers()) {
            if (wanted.realServer(r.server().address(), r.server().port()).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The full pass: reads the table once, diffs every service, keeps the services it does not own as they are. */
    ReconcileResult full(Collection<ServiceHealth> configured, Set<ServiceKey> owned, HealthView health,
            Timeouts timeouts) throws IpvsException {
        fullPasses++;
        fullNext = true; // until this one succeeds
        DirectorConfig.Builder b = DirectorConfig.builder().timeouts(timeouts);
        List<ServiceState> now = read();
        Map<ServiceKey, Boolean> isConfigured = new HashMap<>(configured.size() * 2);
        for (ServiceHealth sh : configured) {
            isConfigured.put(sh.service().key(), Boolean.TRUE);
        }
        for (ServiceState s : now) { // services the director never managed stay as the table has them
            ServiceKey k = s.service().key();
            if (!isConfigured.containsKey(k) && !owned.contains(k)) {
                b.service(s.service());
            }
        }
        healthy.keySet().retainAll(isConfigured.keySet());
        for (ServiceHealth sh : configured) {
            ServiceKey k = sh.service().key();
            ServiceView view = health.service(k).orElse(null);
            Healthy h = healthy.get(k);
            if (h == null || h.configured != sh || h.view != view) {
                h = new Healthy(sh, view, healthy(sh, view));
                healthy.put(k, h);
            }
            b.service(h.wanted);
        }
        ReconcileResult r;
        try {
            r = reconciler.reconcile(b.build(), now);
        } catch (IpvsException e) {
            trusted = false; // what the table holds now is read again
            throw e;
        }
        patch(r.applied());
        fullNext = false;
        applied = timeouts;
        return r;
    }

    /**
     * The known table with {@code done} applied: added services and real servers with no
     * connections yet, edited ones with the settings they were given. A change the known table
     * cannot take (it was not as the change assumed) makes it untrusted: read it again.
     */
    void patch(List<Change> done) {
        if (done.isEmpty() || !trusted) {
            return;
        }
        knownList = null;
        for (Change c : done) {
            if (!patch(c)) {
                trusted = false;
                return;
            }
        }
    }

    private boolean patch(Change c) {
        ServiceKey k = c.key();
        ServiceState s = k == null ? null : known.get(k);
        switch (c.kind()) {
            case ADD_SERVICE -> {
                if (s != null) {
                    return false;
                }
                known.put(k, new ServiceState(c.service().toBuilder().clearRealServers().build(), IpvsStats.ZERO,
                        List.of()));
            }
            case EDIT_SERVICE -> {
                if (s == null) {
                    return false;
                }
                VirtualService.Builder vb = c.service().toBuilder().clearRealServers();
                s.realServers().forEach(r -> vb.realServer(r.server()));
                known.put(k, new ServiceState(vb.build(), s.stats(), s.realServers()));
            }
            case REMOVE_SERVICE -> {
                return known.remove(k) != null;
            }
            case ADD_SERVER, EDIT_SERVER, REMOVE_SERVER -> {
                if (s == null) {
                    return false;
                }
                RealServer target = c.kind() == Change.Kind.ADD_SERVER ? c.server() : c.previous();
                VirtualService.Builder vb = s.service().toBuilder().clearRealServers();
                List<RealServerState> rs = new ArrayList<>(s.realServers().size() + 1);
                boolean found = false;
                for (RealServerState r : s.realServers()) {
                    RealServer x = r.server();
                    if (x.port() == target.port() && x.address().equals(target.address())) {
                        found = true;
                        if (c.kind() == Change.Kind.EDIT_SERVER) {
                            vb.realServer(c.server());
                            rs.add(new RealServerState(c.server(), r.activeConnections(), r.inactiveConnections(),
                                    r.persistentConnections(), r.stats()));
                        } else if (c.kind() == Change.Kind.ADD_SERVER) {
                            return false;
                        }
                        continue; // REMOVE_SERVER: gone
                    }
                    vb.realServer(x);
                    rs.add(r);
                }
                if (c.kind() == Change.Kind.ADD_SERVER) {
                    vb.realServer(c.server());
                    rs.add(new RealServerState(c.server(), 0, 0, 0, IpvsStats.ZERO));
                } else if (!found) {
                    return false;
                }
                known.put(k, new ServiceState(vb.build(), s.stats(), rs));
            }
            default -> {
                // the timeouts: not part of the known table
            }
        }
        return true;
    }

    /** Forgets the known table: the next change reads it (a flush, a recovery, a repair). */
    void forget() {
        trusted = false;
        fullNext = true;
        known.clear();
        knownList = List.of();
    }
}
