package io.lvs4j.table;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
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
 * that has no module ({@code twos}, which the lab's 6.1 kernel lacks, refuses with ENOENT as the
 * kernel does). Each request of a batch is applied on its own, as the kernel does within one
 * window. Real servers are listed newest first, as the kernel lists them. There is no traffic:
 * connection counts and counters are what {@link #connections} and {@link #stats} set.
 * Thread-safe (every method is synchronized).
 *
 * <pre>{@code
 * InMemoryIpvs table = new InMemoryIpvs();
 * Reconciler.builder(table).build().reconcile(desired);
 * table.serviceStates();           // what the kernel would now hold
 * }</pre>
 */
public final class InMemoryIpvs implements IpvsTable {
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EEXIST = 17;

    private static final class Dest {
        RealServer server;
        int active;
        int inactive;
        IpvsStats stats = IpvsStats.ZERO;

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
    private final List<SyncDaemon> daemons = new ArrayList<>();
    private Timeouts timeouts = Timeouts.ofSeconds(900, 120, 300);
    /** Every request received, as {@code Change.toString()}. */
    private final List<String> requests = new ArrayList<>();

    /** An empty table with the kernel's default timeouts (900 120 300). */
    public InMemoryIpvs() {
        loadable.remove(Scheduler.TWOS);
    }

    /** Every request received so far, in order, as {@link Change#toString()} (refused ones too). */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * Sets a real server's connection counts, as traffic would.
     *
     * @throws IllegalArgumentException if the table has no such real server
     */
    public synchronized void connections(ServiceKey key, String address, int port, int active, int inactive) {
        Dest d = dest(key, address, port);
        d.active = Preconditions.checkInRange(active, 0, Integer.MAX_VALUE, "active connections");
        d.inactive = Preconditions.checkInRange(inactive, 0, Integer.MAX_VALUE, "inactive connections");
    }

    /**
     * Sets a real server's counters, as traffic would.
     *
     * @throws IllegalArgumentException if the table has no such real server
     */
    public synchronized void stats(ServiceKey key, String address, int port, IpvsStats stats) {
        dest(key, address, port).stats = Preconditions.checkNotNull(stats, "stats");
    }

    private Dest dest(ServiceKey key, String address, int port) {
        Preconditions.checkNotNull(key, "service key");
        Svc s = services.get(key);
        Preconditions.checkArgument(s != null, "service", key, "a service in the table");
        InetAddress a = Addresses.parse(address, "address");
        Dest d = s.dest(a, port);
        Preconditions.checkArgument(d != null, "real server", Addresses.endpoint(a, port), "one of " + key + "'s");
        return d;
    }

    @Override
    public synchronized List<SyncDaemon> daemons() {
        return List.copyOf(daemons);
    }

    /** Starts a daemon; a second one of the same role fails with EEXIST ("Daemon has already run"). */
    @Override
    public synchronized void startDaemon(SyncDaemon daemon) throws IpvsException {
        Preconditions.checkNotNull(daemon, "sync daemon");
        for (SyncDaemon d : daemons) {
            if (d.role() == daemon.role()) {
                throw new IpvsException("IPVS_CMD_NEW_DAEMON", "sync daemon " + daemon, EEXIST, "File exists", null,
                        null);
            }
        }
        daemons.add(daemon);
        daemons.sort((x, y) -> x.role().compareTo(y.role()));
    }

    /** Stops the daemon of that role; none running fails with ESRCH, as the kernel does. */
    @Override
    public synchronized void stopDaemon(SyncDaemon.Role role) throws IpvsException {
        Preconditions.checkNotNull(role, "sync daemon role");
        if (!daemons.removeIf(d -> d.role() == role)) {
            throw new IpvsException("IPVS_CMD_DEL_DAEMON", "sync daemon " + role.ipvsadmName(), ESRCH,
                    "No such process", null, null);
        }
    }

    /** True: like the kernel, a real server is added at the head of its service's list. */
    @Override
    public boolean listsNewestFirst() {
        return true;
    }

    @Override
    public synchronized void flush() {
        requests.add("FLUSH");
        services.clear();
    }

    @Override
    public String toString() {
        return "in-memory IPVS";
    }

    @Override
    public synchronized List<ServiceState> serviceStates() {
        List<ServiceState> out = new ArrayList<>();
        for (Svc s : services.values()) {
            VirtualService.Builder b = s.settings.toBuilder();
            List<RealServerState> rs = new ArrayList<>();
            for (Dest d : s.dests) {
                b.realServer(d.server);
                rs.add(new RealServerState(d.server, d.active, d.inactive, 0, d.stats));
            }
            out.add(new ServiceState(b.build(), sum(s.dests), rs));
        }
        return out;
    }

    private static IpvsStats sum(List<Dest> dests) {
        long c = 0;
        long pi = 0;
        long po = 0;
        long bi = 0;
        long bo = 0;
        for (Dest d : dests) {
            c += d.stats.connections();
            pi += d.stats.packetsIn();
            po += d.stats.packetsOut();
            bi += d.stats.bytesIn();
            bo += d.stats.bytesOut();
        }
        return new IpvsStats(c, pi, po, bi, bo, 0, 0, 0, 0, 0);
    }

    @Override
    public synchronized Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public synchronized void apply(List<Change> changes) throws IpvsException {
        Preconditions.checkNotNull(changes, "changes");
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
