package io.lvs4j.director;

import io.lvs4j.SyncDaemon;
import io.lvs4j.internal.Addresses;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The IPVS sync daemon ({@code lvs_sync_daemon}) follows its VRRP instance: master while the
 * instance is master, backup otherwise. Without an instance, master and backup both run from the
 * start (keepalived 2.2.7's checker process does that: every director sends its connections and
 * takes the others'). On the director's thread.
 */
final class SyncFollower {
    private final IpvsTable table;
    private final LastRead read;
    private final Events events;
    private final Predicate<String> isMaster;
    private final Runnable recordOwnership;
    private final BooleanSupplier closing;
    private DirectorConfig.Sync sync; // null: no sync daemon
    private List<OwnershipRecord.Daemon> own = List.of(); // the sync daemons this director started

    /**
     * @param isMaster whether a VRRP instance, by name, is master now
     * @param recordOwnership writes the ownership record (before a daemon starts, after one stops)
     */
    SyncFollower(DirectorConfig.Sync sync, IpvsTable table, LastRead read, Events events,
            Predicate<String> isMaster, Runnable recordOwnership, BooleanSupplier closing) {
        this.sync = sync;
        this.table = table;
        this.read = read;
        this.events = events;
        this.isMaster = isMaster;
        this.recordOwnership = recordOwnership;
        this.closing = closing;
    }

    /** Whether a sync daemon is configured. */
    boolean configured() {
        return sync != null;
    }

    /** The sync daemons this director started, for its ownership record. */
    List<OwnershipRecord.Daemon> own() {
        return own;
    }

    /** {@code instance} changed state: the daemon follows it if it is the daemon's. */
    void stateChanged(String instance) {
        if (sync != null && instance.equals(sync.instance())) {
            follow();
        }
    }

    /** A reload's setting: a changed one stops the running daemons first; then the daemon follows. */
    void replace(DirectorConfig.Sync newSync) {
        if (!Objects.equals(sync, newSync)) {
            stop();
            sync = newSync;
        }
        follow();
    }

    /** Starts or switches the daemon to the role its instance's state asks for. */
    void follow() {
        if (sync == null || closing.getAsBoolean()) {
            return;
        }
        SyncDaemon t = sync.template();
        try {
            if (sync.instance() == null) {
                both(t);
                return;
            }
            SyncDaemon.Role want = isMaster.test(sync.instance()) ? SyncDaemon.Role.MASTER : SyncDaemon.Role.BACKUP;
            SyncDaemon.Role other = want == SyncDaemon.Role.MASTER ? SyncDaemon.Role.BACKUP : SyncDaemon.Role.MASTER;
            List<SyncDaemon> running = table.daemons();
            boolean has = false;
            for (SyncDaemon d : running) {
                if (d.role() == other) {
                    table.stopDaemon(other);
                } else if (d.role() == want) {
                    has = true;
                }
            }
            if (!has) {
                own = List.of(new OwnershipRecord.Daemon(want, t.interfaceName(), t.syncId()));
                recordOwnership.run(); // before it runs
                table.startDaemon(daemon(want, t));
            }
            read.daemons(table.daemons());
        } catch (IpvsException | RuntimeException e) {
            events.failure("sync daemon", e);
        }
    }

    /** Without an instance: master and backup both, each started if it does not run. */
    private void both(SyncDaemon t) throws IpvsException {
        java.util.Set<SyncDaemon.Role> running = java.util.EnumSet.noneOf(SyncDaemon.Role.class);
        for (SyncDaemon d : table.daemons()) {
            running.add(d.role());
        }
        own = List.of(new OwnershipRecord.Daemon(SyncDaemon.Role.MASTER, t.interfaceName(), t.syncId()),
                new OwnershipRecord.Daemon(SyncDaemon.Role.BACKUP, t.interfaceName(), t.syncId()));
        if (!running.containsAll(java.util.EnumSet.allOf(SyncDaemon.Role.class))) {
            recordOwnership.run(); // before they run
        }
        for (SyncDaemon.Role r : List.of(SyncDaemon.Role.MASTER, SyncDaemon.Role.BACKUP)) {
            if (!running.contains(r)) {
                table.startDaemon(daemon(r, t));
            }
        }
        read.daemons(table.daemons());
    }

    private static SyncDaemon daemon(SyncDaemon.Role role, SyncDaemon t) {
        SyncDaemon.Builder b = SyncDaemon.builder(role, t.interfaceName()).syncId(t.syncId());
        if (t.maxLength() != 0) {
            b.maxLength(t.maxLength());
        }
        if (t.port() != 0) {
            b.port(t.port());
        }
        if (t.ttl() != 0) {
            b.ttl(t.ttl());
        }
        t.group().ifPresent(g -> b.group(Addresses.format(g)));
        return b.build();
    }

    /** Stops every sync daemon in the table, if one is configured. */
    void stop() {
        if (sync == null) {
            return;
        }
        try {
            for (SyncDaemon d : table.daemons()) {
                table.stopDaemon(d.role());
            }
            own = List.of();
            recordOwnership.run();
        } catch (IpvsException e) {
            events.failure("stopping the sync daemon", e);
        }
    }
}
