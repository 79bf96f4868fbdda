package io.lvs4j.forwarder;


import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Forwarder}'s tables as an IPVS table: services, real servers and weights are changed
 * on the forwarder's thread, between two batches of frames, and read back with the connection
 * table's real per-destination counts. Each change of a batch is checked and applied on its own,
 * as the kernel does within one window, and refused with the kernel's errno where the kernel
 * would refuse it (EEXIST, ESRCH, ENOENT); what the forwarder cannot do is refused with EOPNOTSUPP
 * and says why (firewall-mark services, local delivery, a real server outside the connected
 * subnets, other timeouts than those the forwarder opened with, sync daemons). A refused change
 * changes nothing.
 */
final class ForwarderBackend implements IpvsTable {
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EEXIST = 17;
    private static final int EINVAL = 22;
    private static final int EOPNOTSUPP = 95;

    private final Forwarder forwarder; // null: a data plane without sockets, called directly (tests)
    private final Dataplane plane;
    private final Timeouts timeouts;

    ForwarderBackend(Forwarder forwarder) {
        this.forwarder = forwarder;
        this.plane = forwarder.plane();
        this.timeouts = forwarder.timeouts();
    }

    /** Over a data plane that no thread runs (the caller's thread is its only one). */
    ForwarderBackend(Dataplane plane, Timeouts timeouts) {
        this.forwarder = null;
        this.plane = plane;
        this.timeouts = timeouts;
    }

    private <T> T onThread(java.util.concurrent.Callable<T> body) {
        return forwarder != null ? forwarder.onThread(body) : Forwarder.callHere(body);
    }

    @Override
    public List<ServiceState> serviceStates() {
        return onThread(() -> {
            Dataplane p = plane;
            List<VirtualService> services = p.services();
            List<ServiceState> out = new ArrayList<>();
            for (int i = 0; i < services.size(); i++) {
                VirtualService vs = services.get(i);
                if (vs == null) {
                    continue;
                }
                VirtualService.Builder b = vs.toBuilder();
                List<RealServerState> rs = new ArrayList<>();
                long conns = 0;
                long pi = 0;
                long po = 0;
                long bi = 0;
                long bo = 0;
                for (Dataplane.Dest d : p.destinations(i)) {
                    b.realServer(d.server());
                    rs.add(new RealServerState(d.server(), d.active(), d.inactive(), 0,
                            new IpvsStats(d.connections(), d.packetsIn(), d.packetsOut(), d.bytesIn(), d.bytesOut(), 0, 0, 0, 0, 0)));
                    conns += d.connections();
                    pi += d.packetsIn();
                    po += d.packetsOut();
                    bi += d.bytesIn();
                    bo += d.bytesOut();
                }
                out.add(new ServiceState(b.build(), new IpvsStats(conns, pi, po, bi, bo, 0, 0, 0, 0, 0), rs));
            }
            return out;
        });
    }

    @Override
    public Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public void apply(List<Change> changes) throws IpvsException {
        io.lvs4j.internal.Preconditions.checkNotNull(changes, "changes");
        List<IpvsBatchException.Failure> failures = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        onThread(() -> {
            for (int i = 0; i < changes.size(); i++) {
                Change c = changes.get(i);
                IpvsException e = apply(plane, c);
                if (e == null) {
                    applied.add(c.toString());
                } else {
                    failures.add(new IpvsBatchException.Failure(i, e));
                }
            }
            return null;
        });
        if (!failures.isEmpty()) {
            throw new IpvsBatchException(failures, applied, 0, changes.size());
        }
    }

    /** One change on the forwarder's thread: null when applied, else the error (nothing changed). */
    private IpvsException apply(Dataplane p, Change c) {
        int s = c.key() == null ? -1 : p.serviceIndex(c.key());
        switch (c.kind()) {
            case ADD_SERVICE: {
                if (c.key().isFwmark()) {
                    return error("IPVS_CMD_NEW_SERVICE", c, EOPNOTSUPP, "Operation not supported",
                            "the userspace forwarder sees no firewall marks");
                }
                if (s >= 0) {
                    return error("IPVS_CMD_NEW_SERVICE", c, EEXIST, "File exists", null);
                }
                try {
                    p.addService(c.service().toBuilder().clearRealServers().build());
                } catch (IllegalArgumentException e) {
                    return error("IPVS_CMD_NEW_SERVICE", c, EINVAL, "Invalid argument", e.getMessage());
                }
                return null;
            }
            case EDIT_SERVICE:
                if (s < 0) {
                    return error("IPVS_CMD_SET_SERVICE", c, ESRCH, "No such process", null);
                }
                try {
                    p.updateService(s, c.service());
                } catch (IllegalArgumentException e) {
                    return error("IPVS_CMD_SET_SERVICE", c, EINVAL, "Invalid argument", e.getMessage());
                }
                return null;
            case REMOVE_SERVICE:
                if (s < 0) {
                    return error("IPVS_CMD_DEL_SERVICE", c, ESRCH, "No such process", null);
                }
                p.removeService(s);
                return null;
            case ADD_SERVER: {
                if (s < 0) {
                    return error("IPVS_CMD_NEW_DEST", c, ESRCH, "No such process", null);
                }
                RealServer rs = c.server();
                if (p.hasRealServer(s, rs.address(), rs.port())) {
                    return error("IPVS_CMD_NEW_DEST", c, EEXIST, "File exists", null);
                }
                try {
                    p.checkRealServer(s, rs);
                } catch (IllegalArgumentException e) {
                    return error("IPVS_CMD_NEW_DEST", c, EOPNOTSUPP, "Operation not supported",
                            "the userspace forwarder: " + e.getMessage());
                }
                p.addRealServer(s, rs);
                return null;
            }
            case EDIT_SERVER: {
                if (s < 0) {
                    return error("IPVS_CMD_SET_DEST", c, ESRCH, "No such process", null);
                }
                RealServer rs = c.server();
                if (!p.hasRealServer(s, rs.address(), rs.port())) {
                    return error("IPVS_CMD_SET_DEST", c, ENOENT, "No such file or directory", null);
                }
                try {
                    p.checkRealServer(s, rs);
                } catch (IllegalArgumentException e) {
                    return error("IPVS_CMD_SET_DEST", c, EOPNOTSUPP, "Operation not supported",
                            "the userspace forwarder: " + e.getMessage());
                }
                p.editRealServer(s, rs);
                return null;
            }
            case REMOVE_SERVER:
                if (s < 0) {
                    return error("IPVS_CMD_DEL_DEST", c, ESRCH, "No such process", null);
                }
                if (!p.removeRealServer(s, c.previous().address(), c.previous().port())) {
                    return error("IPVS_CMD_DEL_DEST", c, ENOENT, "No such file or directory", null);
                }
                return null;
            case SET_TIMEOUTS: {
                Timeouts now = timeouts;
                Timeouts t = c.timeouts();
                if ((t.tcpSeconds() == 0 || t.tcpSeconds() == now.tcpSeconds())
                        && (t.tcpFinSeconds() == 0 || t.tcpFinSeconds() == now.tcpFinSeconds())
                        && (t.udpSeconds() == 0 || t.udpSeconds() == now.udpSeconds())) {
                    return null;
                }
                return error("IPVS_CMD_SET_CONFIG", c, EOPNOTSUPP, "Operation not supported",
                        "the userspace forwarder's timeouts are fixed when it opens: " + now.tcpSeconds() + " "
                                + now.tcpFinSeconds() + " " + now.udpSeconds());
            }
            default:
                throw new AssertionError(c.kind());
        }
    }

    private static IpvsException error(String command, Change c, int errno, String text, String explanation) {
        return new IpvsException(command, c.toString(), errno, text, null, explanation);
    }

    /** None: the forwarder has no connection synchronisation. */
    @Override
    public List<SyncDaemon> daemons() {
        return List.of();
    }

    /** Refused with EOPNOTSUPP: the forwarder has no connection synchronisation. */
    @Override
    public void startDaemon(SyncDaemon daemon) throws IpvsException {
        throw new IpvsException("IPVS_CMD_NEW_DAEMON", "sync daemon " + daemon, EOPNOTSUPP, "Operation not supported",
                null, "the userspace forwarder has no connection synchronisation");
    }

    /** Refused with ESRCH, as the kernel does when no daemon of that role runs (none ever does). */
    @Override
    public void stopDaemon(SyncDaemon.Role role) throws IpvsException {
        throw new IpvsException("IPVS_CMD_DEL_DAEMON", "sync daemon " + role.ipvsadmName(), ESRCH, "No such process",
                null, null);
    }

    @Override
    public void flush() {
        onThread(() -> {
            Dataplane p = plane;
            List<VirtualService> services = p.services();
            for (int i = 0; i < services.size(); i++) {
                if (services.get(i) != null) {
                    p.removeService(i);
                }
            }
            return null;
        });
    }

    @Override
    public String toString() {
        return "userspace " + (forwarder != null ? forwarder : "forwarder (no sockets)");
    }
}
