package io.lvs4j.director;

import io.lvs4j.Change;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ServiceState;
import java.util.List;

/** An {@link IpvsTable} that passes each call to another: tests override the calls they count or refuse. */
class ForwardingTable implements IpvsTable {
    final IpvsTable table;

    ForwardingTable(IpvsTable table) {
        this.table = table;
    }

    @Override
    public List<ServiceState> serviceStates() throws IpvsException {
        return table.serviceStates();
    }

    @Override
    public Timeouts timeouts() throws IpvsException {
        return table.timeouts();
    }

    @Override
    public void apply(List<Change> changes) throws IpvsException {
        table.apply(changes);
    }

    @Override
    public List<SyncDaemon> daemons() throws IpvsException {
        return table.daemons();
    }

    @Override
    public void startDaemon(SyncDaemon daemon) throws IpvsException {
        table.startDaemon(daemon);
    }

    @Override
    public void stopDaemon(SyncDaemon.Role role) throws IpvsException {
        table.stopDaemon(role);
    }

    @Override
    public void flush() throws IpvsException {
        table.flush();
    }
}
