package io.lvs4j.netlink;

import io.lvs4j.Change;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import java.util.List;

/** The kernel's IPVS table through an {@link Ipvs} handle, one batch request per change. */
final class KernelBackend implements IpvsBackend {
    private final Ipvs ipvs;

    KernelBackend(Ipvs ipvs) {
        this.ipvs = ipvs;
    }

    @Override
    public List<ServiceState> serviceStates() throws IpvsException {
        return ipvs.serviceStates();
    }

    @Override
    public Timeouts timeouts() throws IpvsException {
        return ipvs.timeouts();
    }

    @Override
    public List<SyncDaemon> daemons() throws IpvsException {
        return ipvs.daemons();
    }

    @Override
    public void startDaemon(SyncDaemon daemon) throws IpvsException {
        ipvs.startDaemon(daemon);
    }

    @Override
    public void stopDaemon(SyncDaemon.Role role) throws IpvsException {
        ipvs.stopDaemon(role);
    }

    @Override
    public void flush() throws IpvsException {
        ipvs.flush();
    }

    @Override
    public String toString() {
        return "kernel IPVS" + (ipvs.namespace() == null ? "" : " in netns " + ipvs.namespace());
    }

    @Override
    public void apply(List<Change> changes) throws IpvsException {
        IpvsBatch batch = ipvs.batch();
        for (Change c : changes) {
            switch (c.kind()) {
                case ADD_SERVICE:
                    batch.addService(c.service().toBuilder().clearRealServers().build());
                    break;
                case EDIT_SERVICE:
                    batch.updateService(c.service());
                    break;
                case REMOVE_SERVICE:
                    batch.removeService(c.key());
                    break;
                case ADD_SERVER:
                    batch.addRealServer(c.key(), c.server());
                    break;
                case EDIT_SERVER:
                    batch.updateRealServer(c.key(), c.server());
                    break;
                case REMOVE_SERVER:
                    batch.removeRealServer(c.key(), c.previous().address(), c.previous().port());
                    break;
                case SET_TIMEOUTS:
                    batch.setTimeouts(c.timeouts());
                    break;
                default:
                    throw new AssertionError(c.kind());
            }
        }
        batch.apply();
    }
}
