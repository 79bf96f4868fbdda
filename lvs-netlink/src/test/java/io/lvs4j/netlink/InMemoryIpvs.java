package io.lvs4j.netlink;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An IPVS table in memory with the kernel's answers to the requests a reconcile sends: the
 * same errnos for a duplicate, a missing service or a missing real server, and for a scheduler
 * that has no module (by default {@code twos}, which the lab's 6.1 kernel lacks). Each request of
 * a batch is applied on its own, as the kernel does within one window. Real servers are listed
 * newest first, as the kernel lists them. Connection counts are set by the test.
 */
final class InMemoryIpvs implements IpvsBackend {
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EEXIST = 17;

    private static final class Dest {
        RealServer server;
        int active;
        int inactive;

        Dest(RealServer server) {
            this.server = server;
        }
    }

    private static final class Svc {
        VirtualService settings; // real servers are in dests
        final List<Dest> dests = new ArrayList<>();

        Svc(VirtualService settings) {
            this.settings = settings.toBuilder().clearRealServers().build();
        }

        Dest dest(InetAddress a, int port) {
            for (Dest d : dests) {
                if (d.server.address().equals(a) && d.server.port() == port) {
                    return d;
                }
            }
            return null;
        }
    }

    private final Map<ServiceKey, Svc> services = new LinkedHashMap<>();
    private final Set<Scheduler> loadable = EnumSet.allOf(Scheduler.class);
    private Timeouts timeouts = Timeouts.ofSeconds(900, 120, 300);
    /** Every request received, as {@code Change.toString()}. */
    final List<String> requests = new ArrayList<>();

    InMemoryIpvs() {
        loadable.remove(Scheduler.TWOS);
    }

    /** Sets a real server's connection counts, as traffic would. */
    void connections(ServiceKey key, String address, int port, int active, int inactive) throws Exception {
        Dest d = services.get(key).dest(InetAddress.getByName(address), port);
        d.active = active;
        d.inactive = inactive;
    }

    @Override
    public List<ServiceState> serviceStates() {
        List<ServiceState> out = new ArrayList<>();
        for (Svc s : services.values()) {
            VirtualService.Builder b = s.settings.toBuilder();
            List<RealServerState> rs = new ArrayList<>();
            for (Dest d : s.dests) {
                b.realServer(d.server);
                rs.add(new RealServerState(d.server, d.active, d.inactive, 0, IpvsStats.ZERO));
            }
            out.add(new ServiceState(b.build(), IpvsStats.ZERO, rs));
        }
        return out;
    }

    @Override
    public Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public void apply(List<Change> changes) throws IpvsException {
        List<IpvsBatchException.Failure> failures = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            requests.add(c.toString());
            IpvsException e = apply(c);
            if (e == null) {
                applied.add(c.toString());
            } else {
                failures.add(new IpvsBatchException.Failure(i, e));
            }
        }
        if (!failures.isEmpty()) {
            throw new IpvsBatchException(failures, applied, 0, changes.size());
        }
    }

    private IpvsException apply(Change c) {
        Svc s = c.key() == null ? null : services.get(c.key());
        switch (c.kind()) {
            case ADD_SERVICE:
                if (s != null) {
                    return error("IPVS_CMD_NEW_SERVICE", c, EEXIST, "File exists");
                }
                if (!loadable.contains(c.service().scheduler())) {
                    return error("IPVS_CMD_NEW_SERVICE", c, ENOENT, "No such file or directory");
                }
                services.put(c.key(), new Svc(c.service()));
                return null;
            case EDIT_SERVICE:
                if (s == null) {
                    return error("IPVS_CMD_SET_SERVICE", c, ESRCH, "No such process");
                }
                if (!loadable.contains(c.service().scheduler())) {
                    return error("IPVS_CMD_SET_SERVICE", c, ENOENT, "No such file or directory");
                }
                s.settings = c.service().toBuilder().clearRealServers().build();
                return null;
            case REMOVE_SERVICE:
                if (s == null) {
                    return error("IPVS_CMD_DEL_SERVICE", c, ESRCH, "No such process");
                }
                services.remove(c.key());
                return null;
            case ADD_SERVER:
                if (s == null) {
                    return error("IPVS_CMD_NEW_DEST", c, ESRCH, "No such process");
                }
                if (s.dest(c.server().address(), c.server().port()) != null) {
                    return error("IPVS_CMD_NEW_DEST", c, EEXIST, "File exists");
                }
                s.dests.add(0, new Dest(c.server()));
                return null;
            case EDIT_SERVER: {
                if (s == null) {
                    return error("IPVS_CMD_SET_DEST", c, ESRCH, "No such process");
                }
                Dest d = s.dest(c.server().address(), c.server().port());
                if (d == null) {
                    return error("IPVS_CMD_SET_DEST", c, ENOENT, "No such file or directory");
                }
                d.server = c.server();
                return null;
            }
            case REMOVE_SERVER: {
                if (s == null) {
                    return error("IPVS_CMD_DEL_DEST", c, ESRCH, "No such process");
                }
                Dest d = s.dest(c.previous().address(), c.previous().port());
                if (d == null) {
                    return error("IPVS_CMD_DEL_DEST", c, ENOENT, "No such file or directory");
                }
                s.dests.remove(d);
                return null;
            }
            case SET_TIMEOUTS: {
                Timeouts t = c.timeouts();
                timeouts = Timeouts.ofSeconds(t.tcpSeconds() != 0 ? t.tcpSeconds() : timeouts.tcpSeconds(),
                        t.tcpFinSeconds() != 0 ? t.tcpFinSeconds() : timeouts.tcpFinSeconds(),
                        t.udpSeconds() != 0 ? t.udpSeconds() : timeouts.udpSeconds());
                return null;
            }
            default:
                throw new AssertionError(c.kind());
        }
    }

    private static IpvsException error(String command, Change c, int errno, String text) {
        return new IpvsException(command, c.toString(), errno, text, null, null);
    }
}
