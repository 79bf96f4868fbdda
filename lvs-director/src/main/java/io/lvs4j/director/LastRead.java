package io.lvs4j.director;

import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.Ticker;
import java.util.List;

/**
 * The IPVS table as the director last read it (or knows it to be: {@link TableSync}'s known
 * table), its sync daemons and when, on the director's thread.
 */
final class LastRead {
    private final TableSync tables;
    private final IpvsTable table;
    private final Ticker ticker;
    private final Events events;
    private List<SyncDaemon> daemons = List.of();
    private long nanos;

    LastRead(TableSync tables, IpvsTable table, Ticker ticker, Events events) {
        this.tables = tables;
        this.table = table;
        this.ticker = ticker;
        this.events = events;
    }

    /** Reads the services and the sync daemons; a failure is reported and keeps what was read before. */
    void refresh() {
        try {
            tables.read();
            daemons = table.daemons();
            nanos = ticker.nanos();
        } catch (IpvsException e) {
            events.failure("reading the IPVS table", e);
        }
    }

    /** The known table is the table now (the table as last read with what was applied since): no dump. */
    void known() {
        this.nanos = ticker.nanos();
    }

    void daemons(List<SyncDaemon> daemons) {
        this.daemons = daemons;
    }

    /** The known state of a service, or null. */
    ServiceState state(ServiceKey key) {
        return tables.state(key);
    }

    List<SyncDaemon> daemons() {
        return daemons;
    }

    long nanos() {
        return nanos;
    }
}
