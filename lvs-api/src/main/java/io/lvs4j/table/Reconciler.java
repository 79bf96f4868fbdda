package io.lvs4j.table;

import io.lvs4j.time.Ticker;

import io.lvs4j.Change;
import io.lvs4j.ConfigDiff;
import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Brings the kernel's IPVS table to a desired {@link DirectorConfig} with the smallest change:
 * it reads the kernel's services, computes {@link ConfigDiff#between} them and the desired
 * configuration, and applies the steps as one pipelined batch. An unchanged service or real
 * server is not touched; a changed one is edited in place (SET), so its connections live on.
 *
 * <p><b>Draining.</b> With {@link Builder#drainTimeout(Duration) a drain timeout}, a real server
 * that leaves the desired configuration while it still has connections is not deleted at once:
 * it is set to weight 0 (no new connections) and deleted by a later {@link #reconcile} or
 * {@link #progressDrains()} once its active and inactive connections are 0, or once the timeout
 * has passed. A drained server that comes back into the desired configuration is edited back and
 * its drain ends; so does the drain of a server whose service is removed. Call
 * {@link #progressDrains()} periodically (every few seconds) while {@link #drains()} is not empty.
 *
 * <pre>{@code
 * try (Ipvs ipvs = Ipvs.open()) {
 *     Reconciler r = Reconciler.builder(ipvs).drainTimeout(Duration.ofMinutes(5)).build();
 *     ReconcileResult done = r.reconcile(desired);
 *     while (!r.drains().isEmpty()) { Thread.sleep(2000); r.progressDrains(); }
 * }
 * }</pre>
 *
 * <p>Time comes from an injected ticker. Not thread-safe, like the kernel's {@code Ipvs} handle;
 * it assumes it is the only one draining in that table.
 */
public final class Reconciler {
    private final IpvsTable backend;
    private final long drainNanos; // 0: no draining
    private final Ticker ticker;
    private final Map<DrainKey, Pending> drains = new LinkedHashMap<>();

    private record DrainKey(ServiceKey service, InetAddress address, int port) {
        static DrainKey of(ServiceKey service, RealServer server) {
            return new DrainKey(service, server.address(), server.port());
        }
    }

    private record Pending(Drain drain, long deadline) {}

    private Reconciler(Builder b) {
        this.backend = b.backend;
        this.drainNanos = b.drainTimeout.toNanos();
        this.ticker = b.ticker;
    }

    /** A reconciler on that table that deletes removed real servers at once (no draining). */
    public static Reconciler of(IpvsTable table) {
        return builder(table).build();
    }

    /** A builder of a reconciler on that table (the kernel's {@code Ipvs}, a forwarder's or an {@link InMemoryIpvs}). */
    public static Builder builder(IpvsTable table) {
        return new Builder(Preconditions.checkNotNull(table, "ipvs table"));
    }

    /**
     * Reads the kernel's state and applies the smallest change that makes it {@code desired},
     * starting and ending drains as described above.
     *
     * @return the changes applied and the drains under way
     * @throws ReconcileException if the kernel refused some changes: names each failed change and
     *     lists the applied ones
     * @throws IpvsException if the state could not be read (nothing was changed)
     */
    public ReconcileResult reconcile(DirectorConfig desired) throws IpvsException {
        Preconditions.checkNotNull(desired, "desired configuration");
        return reconcile(desired, backend.serviceStates());
    }

    /**
     * Like {@link #reconcile(DirectorConfig)}, with the table's services as the caller has just
     * read them ({@link IpvsTable#serviceStates()} of this reconciler's table, nothing applied
     * since): a caller that reads the table to build {@code desired} (to keep services it does not
     * manage, say) spares the table a second dump.
     *
     * @param states the table's services, read just before from the same table
     * @throws ReconcileException if the kernel refused some changes
     * @throws IpvsException if the timeouts could not be read (nothing was changed)
     */
    public ReconcileResult reconcile(DirectorConfig desired, List<ServiceState> states) throws IpvsException {
        Preconditions.checkNotNull(desired, "desired configuration");
        Preconditions.checkNotNull(states, "current services");
        return reconcile(desired, states, null);
    }

    /**
     * Reconciles only some services: those {@code desired} names and those of {@code states}
     * (the table's state of those services as the caller knows it, without reading the table).
     * A service of {@code states} that {@code desired} lacks is removed; every other service of
     * the table, and its drains, is left as it is. The caller vouches for {@code states}: a
     * director that keeps the table as it last read and changed it, and repairs drift with a
     * full {@link #reconcile(DirectorConfig)} now and then, sends only what changed.
     *
     * @param desired the services wanted, of those to reconcile (the timeouts too, if not
     *     {@link Timeouts#UNCHANGED})
     * @param states the table's services among those to reconcile (absent: not in the table)
     * @throws ReconcileException if the table refused some changes
     * @throws IpvsException if the timeouts could not be read (nothing was changed)
     */
    public ReconcileResult reconcileServices(DirectorConfig desired, List<ServiceState> states) throws IpvsException {
        Preconditions.checkNotNull(desired, "desired configuration");
        Preconditions.checkNotNull(states, "current services");
        java.util.Set<ServiceKey> scope = new java.util.HashSet<>();
        for (VirtualService s : desired.services()) {
            scope.add(s.key());
        }
        for (ServiceState s : states) {
            scope.add(s.service().key());
        }
        return reconcile(desired, states, scope);
    }

    /** {@code scope}: the services reconciled (null: all of the table). */
    private ReconcileResult reconcile(DirectorConfig desired, List<ServiceState> states, java.util.Set<ServiceKey> scope)
            throws IpvsException {
        Timeouts currentTimeouts = desired.timeouts().equals(Timeouts.UNCHANGED) ? Timeouts.UNCHANGED : backend.timeouts();
        List<VirtualService> current = new ArrayList<>(states.size());
        Map<ServiceKey, ServiceState> byKey = new HashMap<>();
        for (ServiceState s : states) {
            current.add(s.service());
            byKey.put(s.service().key(), s);
        }
        ConfigDiff diff = ConfigDiff.between(current, currentTimeouts, desired);

        // a drain ends without deleting when its server is wanted again, or its service or server is gone
        for (Iterator<DrainKey> it = drains.keySet().iterator(); it.hasNext(); ) {
            DrainKey k = it.next();
            if (scope != null && !scope.contains(k.service())) {
                continue; // not reconciled now: its drain goes on
            }
            Optional<VirtualService> want = desired.service(k.service());
            if (want.isEmpty() || want.get().realServer(k.address(), k.port()).isPresent()
                    || state(byKey, k) == null) {
                it.remove();
            }
        }

        long now = ticker.nanos();
        Set<Change> readding = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Change> changes = backend.listsNewestFirst() ? inConfiguredOrder(diff.changes(), desired, byKey, readding)
                : diff.changes();
        List<Change> plan = new ArrayList<>(changes.size());
        Map<Integer, Pending> starting = new HashMap<>(); // plan index of the weight-0 step, or -1 - n if none needed
        for (Change c : changes) {
            if (c.kind() != Change.Kind.REMOVE_SERVER || drainNanos == 0 || readding.contains(c)) {
                plan.add(c);
                continue;
            }
            DrainKey k = DrainKey.of(c.key(), c.previous());
            RealServerState st = state(byKey, k);
            Pending p = drains.get(k);
            if (st == null || st.isIdle() || p != null && now - p.deadline() >= 0) {
                plan.add(c);
            } else if (p == null) {
                Pending start = new Pending(new Drain(c.key(), c.previous()), now + drainNanos);
                if (c.previous().weight() != 0) {
                    starting.put(plan.size(), start);
                    plan.add(Change.editServer(c.service(), c.previous().withWeight(0), c.previous()));
                } else {
                    starting.put(-1 - starting.size(), start);
                }
            }
        }
        return apply(plan, starting);
    }

    /**
     * Whether the service's scheduler builds its lookup table by walking the real servers in the
     * order of the kernel's list ({@code mh} and {@code sh}): the kernel puts a new real server at
     * the head of that list, so the table depends on the order the real servers were added in.
     */
    private static boolean orderSensitive(VirtualService s) {
        return s.scheduler() == Scheduler.MH || s.scheduler() == Scheduler.SH;
    }

    /**
     * {@code changes} with the real servers of an order-sensitive service ({@link #orderSensitive})
     * added in their configured order (for a table that {@linkplain IpvsTable#listsNewestFirst()
     * lists them newest first}, as the kernel's): adding one in front of others already in the table that
     * come after it in the configuration removes those and adds them again after it, in one batch
     * (their connections live on: the kernel keeps a removed real server while it has some, and
     * takes it back when added again). So two directors whose real servers came up in different
     * orders hold the same table, as one that added them all at once. The removals added for this
     * are put in {@code readding} (they are not drained).
     */
    private static List<Change> inConfiguredOrder(List<Change> changes, DirectorConfig desired,
            Map<ServiceKey, ServiceState> byKey, Set<Change> readding) {
        Set<ServiceKey> adding = new LinkedHashSet<>();
        for (Change c : changes) {
            if (c.kind() == Change.Kind.ADD_SERVER) {
                adding.add(c.key());
            }
        }
        List<Change> out = changes;
        for (ServiceKey k : adding) {
            VirtualService want = desired.service(k).orElse(null);
            ServiceState have = byKey.get(k);
            if (want == null || have == null || !orderSensitive(want)) {
                continue; // a new service gets its real servers in the configured order
            }
            List<RealServer> configured = want.realServers();
            Set<Integer> added = new HashSet<>();
            for (Change c : out) {
                if (c.kind() == Change.Kind.ADD_SERVER && c.key().equals(k)) {
                    added.add(indexOf(configured, c.server()));
                }
            }
            int first = Collections.min(added);
            TreeMap<Integer, RealServer> later = new TreeMap<>(); // configured index: the server as the table has it
            for (RealServerState r : have.realServers()) {
                int i = indexOf(configured, r.server());
                if (i > first && !added.contains(i)) {
                    later.put(i, r.server());
                }
            }
            if (later.isEmpty()) {
                continue; // the new ones come after every one in the table: added in order
            }
            List<Change> group = new ArrayList<>();
            for (RealServer r : later.values()) {
                Change remove = Change.removeServer(want, r);
                readding.add(remove);
                group.add(remove);
            }
            for (int i = 0; i < configured.size(); i++) {
                if (added.contains(i) || later.containsKey(i)) {
                    group.add(Change.addServer(want, configured.get(i)));
                }
            }
            List<Change> next = new ArrayList<>(out.size() + group.size());
            Change at = out.get(firstAddIndex(out, k));
            for (Change c : out) {
                boolean mine = k.equals(c.key());
                if (c == at) {
                    next.addAll(group);
                }
                if (mine && (c.kind() == Change.Kind.ADD_SERVER
                        || c.kind() == Change.Kind.EDIT_SERVER && later.containsKey(indexOf(configured, c.server())))) {
                    continue; // in the group (a real server edited and re-added: added with its new settings)
                }
                next.add(c);
            }
            out = next;
        }
        return out;
    }

    private static int firstAddIndex(List<Change> changes, ServiceKey k) {
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            if (c.kind() == Change.Kind.ADD_SERVER && c.key().equals(k)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the real server with that address and port in {@code servers}, or -1. */
    private static int indexOf(List<RealServer> servers, RealServer r) {
        for (int i = 0; i < servers.size(); i++) {
            RealServer x = servers.get(i);
            if (x.port() == r.port() && x.address().equals(r.address())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Deletes the drained real servers whose connections reached 0 or whose timeout passed;
     * forgets drains whose server or service is gone. Reads the kernel only if a drain is under way.
     *
     * @return the REMOVE_SERVER changes applied and the drains still under way
     * @throws ReconcileException if the kernel refused a deletion (that drain stays)
     */
    public ReconcileResult progressDrains() throws IpvsException {
        if (drains.isEmpty()) {
            return new ReconcileResult(List.of(), List.of());
        }
        Map<ServiceKey, ServiceState> byKey = new HashMap<>();
        for (ServiceState s : backend.serviceStates()) {
            byKey.put(s.service().key(), s);
        }
        long now = ticker.nanos();
        List<Change> plan = new ArrayList<>();
        for (Iterator<Map.Entry<DrainKey, Pending>> it = drains.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<DrainKey, Pending> e = it.next();
            RealServerState st = state(byKey, e.getKey());
            if (st == null) {
                it.remove();
            } else if (st.isIdle() || now - e.getValue().deadline() >= 0) {
                plan.add(Change.removeServer(byKey.get(e.getKey().service()).service(), st.server()));
            }
        }
        return apply(plan, Map.of());
    }

    /** The drains under way, oldest first. */
    public List<Drain> drains() {
        List<Drain> out = new ArrayList<>(drains.size());
        for (Pending p : drains.values()) {
            out.add(p.drain());
        }
        return out;
    }

    private static RealServerState state(Map<ServiceKey, ServiceState> byKey, DrainKey k) {
        ServiceState s = byKey.get(k.service());
        return s == null ? null : s.realServer(k.address(), k.port()).orElse(null);
    }

    private ReconcileResult apply(List<Change> plan, Map<Integer, Pending> starting) throws IpvsException {
        if (plan.isEmpty()) {
            record(plan, starting, null);
            return new ReconcileResult(plan, drains());
        }
        try {
            backend.apply(plan);
        } catch (IpvsBatchException e) {
            ReconcileException re = ReconcileException.of(plan, e);
            record(plan, starting, re);
            throw re;
        }
        record(plan, starting, null);
        return new ReconcileResult(plan, drains());
    }

    /** Starts the drains whose weight-0 step was applied and ends those whose deletion was. */
    private void record(List<Change> plan, Map<Integer, Pending> starting, ReconcileException failed) {
        List<Change> applied = failed == null ? plan : failed.applied();
        for (Map.Entry<Integer, Pending> e : starting.entrySet()) {
            int i = e.getKey();
            if (i < 0 || failed == null || containsSame(applied, plan.get(i))) {
                Pending p = e.getValue();
                drains.put(DrainKey.of(p.drain().service(), p.drain().server()), p);
            }
        }
        for (Change c : applied) {
            if (c.kind() == Change.Kind.REMOVE_SERVER) {
                drains.remove(DrainKey.of(c.key(), c.previous()));
            } else if (c.kind() == Change.Kind.REMOVE_SERVICE) {
                drains.keySet().removeIf(k -> k.service().equals(c.key()));
            }
        }
    }

    private static boolean containsSame(List<Change> list, Change c) {
        for (Change x : list) {
            if (x == c) {
                return true;
            }
        }
        return false;
    }

    /** Settings of a {@link Reconciler}; each is checked when set. */
    public static final class Builder {
        private final IpvsTable backend;
        private Duration drainTimeout = Duration.ZERO;
        private Ticker ticker = Ticker.system();

        private Builder(IpvsTable backend) {
            this.backend = backend;
        }

        /**
         * Drains removed real servers that still have connections, deleting each at the latest
         * this long after its drain started; {@link Duration#ZERO} (the default) deletes at once.
         */
        public Builder drainTimeout(Duration timeout) {
            Preconditions.checkNotNull(timeout, "drain timeout");
            Preconditions.checkArgument(!timeout.isNegative() && timeout.compareTo(Duration.ofDays(365)) <= 0,
                    "drain timeout", timeout, "0 to 365 days");
            this.drainTimeout = timeout;
            return this;
        }

        /** The time source for drain deadlines (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Preconditions.checkNotNull(ticker, "ticker");
            return this;
        }

        public Reconciler build() {
            return new Reconciler(this);
        }
    }
}
