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
 * instance is master, backup otherwise. On the director's thread.
 */
final class SyncFollower {
    private final IpvsTable table;
    private final LastRead read;
    private final Events events;
    private final Predicate<String> isMaster;
    private final Runnable recordOwnership;
    private final BooleanSupplier closing;
    private KeepalivedMapping.Sync sync; // null: no sync daemon
    private List<OwnershipRecord.Daemon> own = List.of(); // the sync daemons this director started

    /**
     * @param isMaster whether a VRRP instance, by name, is master now
     * @param recordOwnership writes the ownership record (before a daemon starts, after one stops)
     */
    SyncFollower(KeepalivedMapping.Sync sync, IpvsTable table, LastRead read, Events events,
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
        if (sync != null && sync.instance().equals(instance)) {
            follow();
        }
    }

    /** A reload's setting: a changed one stops the running daemons first; then the daemon follows. */
    void replace(KeepalivedMapping.Sync newSync) {
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
        SyncDaemon.Role want = isMaster.test(sync.instance()) ? SyncDaemon.Role.MASTER : SyncDaemon.Role.BACKUP;
        SyncDaemon.Role other = want == SyncDaemon.Role.MASTER ? SyncDaemon.Role.BACKUP : SyncDaemon.Role.MASTER;
        try {
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
                SyncDaemon t = sync.template();
                SyncDaemon.Builder b = SyncDaemon.builder(want, t.interfaceName()).syncId(t.syncId());
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
                own = List.of(new OwnershipRecord.Daemon(want, t.interfaceName(), t.syncId()));
                recordOwnership.run(); // before it runs
                table.startDaemon(b.build());
            }
            read.daemons(table.daemons());
        } catch (IpvsException | RuntimeException e) {
            events.failure("sync daemon", e);
        }
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
