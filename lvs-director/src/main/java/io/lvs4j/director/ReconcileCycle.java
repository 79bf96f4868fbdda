package io.lvs4j.director;

import io.lvs4j.Change;
import io.lvs4j.DirectorConfig;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.Drain;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.ServiceState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The IPVS table follows the desired one: a reconcile after every change (at once for the API,
 * coalesced for health changes), the drains and counters at every refresh interval, and the
 * periodic repair. On the director's thread. What the director does around a reconcile (record
 * what it owns, publish, move the routes) it gives as {@link Hooks}.
 */
final class ReconcileCycle {
    /** What follows a change of the table, in this order. */
    interface Hooks {
        /** Writes the ownership record when it changed. */
        void recordOwnership();

        /** Publishes the director's state. */
        void publish();

        /** Route health injection follows the services and the health view. */
        void routes();
    }

    private final Loop loop;
    private final IpvsTable table;
    private final Reconciler reconciler;
    private final TableSync tables; // the desired table and the known one: a change diffs only what changed
    private final HealthMonitor monitor;
    private final Map<ServiceKey, ServiceHealth> configured; // the director's, live
    private final Set<ServiceKey> owned; // the director's, live: configured now or before, maybe in the table
    private final LastRead read;
    private final Events events;
    private final Hooks hooks;
    private final BooleanSupplier closing;
    private Timeouts timeouts;
    private String repairProblem; // the last repair's failure, reported once while it repeats
    private boolean dirty;
    private boolean reconcileQueued;
    private volatile Director.Reconciles reconciles = new Director.Reconciles(0, 0);

    ReconcileCycle(Loop loop, IpvsTable table, Reconciler reconciler, TableSync tables, Timeouts timeouts,
            HealthMonitor monitor, Map<ServiceKey, ServiceHealth> configured, Set<ServiceKey> owned, LastRead read,
            Events events, Hooks hooks, BooleanSupplier closing) {
        this.loop = loop;
        this.table = table;
        this.reconciler = reconciler;
        this.tables = tables;
        this.timeouts = timeouts;
        this.monitor = monitor;
        this.configured = configured;
        this.owned = owned;
        this.read = read;
        this.events = events;
        this.hooks = hooks;
        this.closing = closing;
    }

    /** The reconciles run so far and their total time (any thread). */
    Director.Reconciles reconciles() {
        return reconciles;
    }

    /** The {@code lvs_timeouts} the desired table sets from the next reconcile on. */
    void timeouts(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** The real servers draining now. */
    List<Drain> drains() {
        return reconciler.drains();
    }

    /** Starts the refresh (drains, counters) and, unless {@code repairNanos} is 0, the repair. */
    void startTimers(long refreshNanos, long repairNanos) {
        loop.schedule(refreshNanos, () -> tick(refreshNanos));
        if (repairNanos > 0) {
            loop.schedule(repairNanos, () -> repairTick(repairNanos));
        }
    }

    /** Reconciles now; reported (and thrown) if the kernel refused some of it. */
    ReconcileResult reconcileNow() throws IpvsException {
        dirty = false;
        owned.addAll(configured.keySet());
        hooks.recordOwnership(); // before the kernel gets them
        long started = loop.nanos();
        try {
            // only what changed, against the table as last known; a full pass (one dump) at start,
            // after a refusal, when the timeouts change
            ReconcileResult r = tables.reconcile(configured.values(), owned, monitor.view(), timeouts);
            events.kernelChanged(r.applied(), r.draining());
            for (Change c : r.applied()) {
                if (c.kind() == Change.Kind.REMOVE_SERVICE && !configured.containsKey(c.key())) {
                    owned.remove(c.key());
                }
            }
            return r;
        } catch (ReconcileException e) {
            events.kernelChanged(e.applied(), reconciler.drains());
            events.failure("reconcile", e);
            throw e;
        } catch (IpvsException e) {
            events.failure("reconcile", e);
            throw e;
        } finally {
            Director.Reconciles was = reconciles;
            reconciles = new Director.Reconciles(was.count() + 1, was.nanos() + (loop.nanos() - started));
            if (tables.trusted()) {
                // the table as last read with what was applied since, instead of a dump
                read.known();
            } else {
                read.refresh();
            }
            hooks.recordOwnership();
            hooks.publish();
            hooks.routes();
        }
    }

    /** A reconcile soon, once for every change until it runs (health changes come in bursts). */
    void markDirty() {
        dirty = true;
        if (!reconcileQueued) {
            reconcileQueued = true;
            loop.execute(this::reconcileIfDirty);
        }
    }

    private void reconcileIfDirty() {
        reconcileQueued = false;
        if (!dirty || closing.getAsBoolean()) {
            return;
        }
        try {
            reconcileNow();
        } catch (IpvsException e) {
            // reported as a Failure event
        }
    }

    private void tick(long refreshNanos) {
        if (closing.getAsBoolean()) {
            return;
        }
        try {
            if (!reconciler.drains().isEmpty()) {
                ReconcileResult r = reconciler.progressDrains();
                events.kernelChanged(r.applied(), r.draining());
            }
        } catch (ReconcileException e) {
            events.kernelChanged(e.applied(), reconciler.drains());
            events.failure("draining", e);
        } catch (IpvsException e) {
            events.failure("draining", e);
        }
        read.refresh();
        hooks.publish();
        loop.schedule(refreshNanos, () -> tick(refreshNanos));
    }

    /** Every {@link Director.Builder#repairInterval}: the anti-entropy pass, unless a reconcile is pending anyway. */
    private void repairTick(long repairNanos) {
        if (closing.getAsBoolean()) {
            return;
        }
        if (!dirty) {
            repair();
        }
        loop.schedule(repairNanos, () -> repairTick(repairNanos));
    }

    /**
     * Compares the table with the desired one and puts back what differs in the services the
     * director owns (flushed, removed or changed behind its back, or refused by the kernel before);
     * services it does not own are left as they are. What it applied is a
     * {@link DirectorEvent.Repaired}, followed by the usual {@link DirectorEvent.KernelChange}. A
     * failure is a {@link DirectorEvent.Failure} ("repair"), reported again only when it changes.
     */
    private void repair() {
        owned.addAll(configured.keySet());
        List<Change> applied = List.of();
        List<Drain> draining = reconciler.drains();
        try {
            ReconcileResult r = tables.full(configured.values(), owned, monitor.view(), timeouts); // the one dump
            applied = r.applied();
            draining = r.draining();
            repairProblem = null;
        } catch (ReconcileException e) {
            applied = e.applied();
            repairFailed(e);
        } catch (IpvsException e) {
            repairFailed(e);
        }
        if (!applied.isEmpty()) {
            long seq = events.next();
            events.emit(new DirectorEvent.Repaired(seq, loop.nanos(), applied));
            events.kernelChanged(applied, draining);
            if (!tables.trusted()) {
                read.refresh();
            }
            hooks.recordOwnership();
            hooks.publish();
        }
    }

    private void repairFailed(IpvsException e) {
        String problem = e.getMessage();
        if (!problem.equals(repairProblem)) {
            repairProblem = problem;
            events.failure("repair", e);
        }
    }

    /** Removes the services the director owns, leaving the others as they are (at close). */
    void removeOwnServices() {
        try {
            DirectorConfig.Builder others = DirectorConfig.builder();
            for (ServiceState s : table.serviceStates()) {
                if (!configured.containsKey(s.service().key()) && !owned.contains(s.service().key())) {
                    others.service(s.service());
                }
            }
            ReconcileResult r = Reconciler.builder(table).build().reconcile(others.build());
            events.kernelChanged(r.applied(), List.of());
        } catch (IpvsException e) {
            events.failure("removing the director's services", e);
        }
    }
}
