package io.lvs4j.netlink;

import io.lvs4j.table.IpvsTable;

import io.lvs4j.Change;

import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.ServiceState;

import static io.lvs4j.netlink.internal.IpvsProto.*;

import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.DaemonAttrs;
import io.lvs4j.netlink.internal.DestAttrs;
import io.lvs4j.netlink.internal.GenlClient;
import io.lvs4j.netlink.internal.GenlFamily;
import io.lvs4j.netlink.internal.Info;
import io.lvs4j.netlink.internal.NestLimits;
import io.lvs4j.netlink.internal.IpvsCodec;
import io.lvs4j.netlink.internal.Nl;
import io.lvs4j.netlink.internal.NlAttrs;
import io.lvs4j.netlink.internal.NlError;
import io.lvs4j.netlink.internal.NlMessage;
import io.lvs4j.netlink.internal.NlWriter;
import io.lvs4j.netlink.internal.NetlinkFormatException;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.NetlinkSocket;
import io.lvs4j.netlink.internal.SvcAttrs;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle on the kernel's IPVS tables over generic netlink, in the caller's network namespace
 * or a named one. Every kernel or IO failure is an {@link IpvsException}. Not thread-safe: use one
 * handle per thread, or lock.
 *
 * <pre>{@code
 * if (!Ipvs.isAvailable()) { log(Ipvs.unavailabilityCause().getMessage()); }
 * try (Ipvs ipvs = Ipvs.open()) {
 *     ipvs.addService(VirtualService.tcp("192.0.2.10", 80).scheduler("wrr")
 *             .realServer(RealServer.of("10.0.0.2", 80).weight(3).masquerade()).build());
 *     List<VirtualService> now = ipvs.services();
 * }
 * }</pre>
 */
public final class Ipvs implements IpvsTable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ipvs.class);
    static final int ENOENT = 2;
    static final int EOPNOTSUPP = 95;
    static final int ENOBUFS = 105;

    private final GenlClient client;
    private final GenlFamily family;
    private final NestLimits limits = new NestLimits();
    private boolean probedDestLimit;
    private final String namespace;

    private Ipvs(GenlClient client, GenlFamily family, String namespace) {
        this.client = client;
        this.family = family;
        this.namespace = namespace;
    }

    // ---- availability

    private static final class Probe {
        static final IpvsException CAUSE = probe();

        private static IpvsException probe() {
            try (Ipvs ipvs = open()) {
                ipvs.info();
                return null;
            } catch (IpvsException e) {
                return e;
            }
        }
    }

    /** Whether this process can program IPVS in its own network namespace (probed once). */
    public static boolean isAvailable() {
        return Probe.CAUSE == null;
    }

    /** Why {@link #isAvailable()} is false, or null when it is true. */
    public static IpvsException unavailabilityCause() {
        return Probe.CAUSE;
    }

    /** Throws the {@link #unavailabilityCause()} if there is one. */
    public static void ensureAvailability() throws IpvsException {
        if (Probe.CAUSE != null) {
            throw Probe.CAUSE;
        }
    }

    // ---- opening

    /** Opens a handle in the caller's network namespace. */
    public static Ipvs open() throws IpvsException {
        return openIn(null);
    }

    /**
     * Opens a handle in the network namespace {@code /run/netns/NAME} (as {@code ip netns add}
     * makes them). The socket is created on a helper thread that enters the namespace with
     * setns(2) and leaves it again; no caller thread changes namespace.
     */
    public static Ipvs open(String namespace) throws IpvsException {
        Preconditions.checkNotNull(namespace, "network namespace");
        return openIn(namespace);
    }

    private static Ipvs openIn(String namespace) throws IpvsException {
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(namespace);
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, namespace == null ? "netlink socket" : "network namespace " + namespace,
                    e.errno, e.errnoText, null, e.getMessage());
        }
        return over(socket, namespace);
    }

    /** A handle over an open generic netlink socket (for tests: one whose peer never answers); closes it on failure. */
    static Ipvs over(NetlinkSocket socket, String namespace) throws IpvsException {
        GenlClient client = new GenlClient(socket);
        try {
            GenlFamily fam = resolve(client);
            if (fam.version() < VERSION) {
                LOG.warn("IPVS generic netlink family version {} (expected: >= {})", fam.version(), VERSION);
            }
            return new Ipvs(client, fam, namespace);
        } catch (IpvsException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static GenlFamily resolve(GenlClient client) throws IpvsException {
        int seq = client.nextSeq();
        IpvsCodec.getFamily(client.writer(), FAMILY, seq, 0);
        GenlFamily[] found = new GenlFamily[1];
        NlError err;
        try {
            err = client.exchange(seq, false, m -> {
                if (m.type == Nl.GENL_ID_CTRL && m.genlCommand() == Nl.CTRL_CMD_NEWFAMILY) {
                    found[0] = IpvsCodec.readFamily(m);
                }
            });
        } catch (NetlinkIoException e) {
            throw io("CTRL_CMD_GETFAMILY", "family IPVS", e);
        } catch (NetlinkFormatException e) {
            throw malformed("CTRL_CMD_GETFAMILY", "family IPVS", e);
        }
        if (err != null) {
            String why = err.errno == ENOENT ? "kernel has no IPVS (generic netlink family IPVS not found)" : null;
            throw new IpvsException("CTRL_CMD_GETFAMILY", "family IPVS", err.errno, NetlinkSocket.strerror(err.errno),
                    err.message, why);
        }
        if (found[0] == null) {
            throw new IpvsException("CTRL_CMD_GETFAMILY", "family IPVS", IpvsException.EBADMSG, "Bad message", null,
                    "nlctrl acknowledged without describing the family");
        }
        return found[0];
    }

    /** The network namespace name this handle was opened in, or null for the caller's own. */
    public String namespace() {
        return namespace;
    }

    // ---- reading

    /** The IPVS version code (e.g. {@code 0x010201} for 1.2.1) and connection hash table size. */
    public IpvsInfo info() throws IpvsException {
        Info[] info = new Info[1];
        run(CMD_GET_INFO, null, false, w -> { }, m -> info[0] = IpvsCodec.readInfo(m));
        if (info[0] == null) {
            throw new IpvsException(commandName(CMD_GET_INFO), null, IpvsException.EBADMSG, "Bad message", null,
                    "no reply");
        }
        return new IpvsInfo(info[0].version(), info[0].connTableSize());
    }

    /** Every virtual service with its real servers, in the kernel's order. */
    public List<VirtualService> services() throws IpvsException {
        List<SvcAttrs> svcs = dumpServices();
        List<VirtualService> out = new ArrayList<>(svcs.size());
        for (SvcAttrs s : svcs) {
            out.add(toModel(s, dests(s)));
        }
        return out;
    }

    /**
     * Every virtual service with its counters, and each of its real servers with its connection
     * counts and counters, in the kernel's order: what {@code ipvsadm -Ln}, {@code --stats} and
     * {@code --rate} show. One dump of the services and one per service for its real servers;
     * the numbers of different services are not taken at the same instant.
     */
    public List<ServiceState> serviceStates() throws IpvsException {
        List<SvcAttrs> svcs = dumpServices();
        List<ServiceState> out = new ArrayList<>(svcs.size());
        for (SvcAttrs s : svcs) {
            List<DestAttrs> ds = dests(s);
            VirtualService vs = toModel(s, ds);
            try {
                out.add(ModelMapping.state(vs, s, ds));
            } catch (IllegalArgumentException e) {
                throw new IpvsException(commandName(CMD_GET_DEST), s.describe(), IpvsException.EBADMSG, "Bad message",
                        null, "the kernel's real servers do not fit the model: " + e.getMessage());
            }
        }
        return out;
    }

    private List<SvcAttrs> dumpServices() throws IpvsException {
        List<SvcAttrs> svcs = new ArrayList<>();
        run(CMD_GET_SERVICE, null, true, w -> { }, m -> svcs.add(IpvsCodec.readService(learn(IpvsCodec.top(m)))));
        return svcs;
    }

    /** The service with that key and its real servers, if the kernel has it. */
    public Optional<VirtualService> service(ServiceKey key) throws IpvsException {
        Preconditions.checkNotNull(key, "service key");
        SvcAttrs k = ModelMapping.key(key);
        SvcAttrs[] found = new SvcAttrs[1];
        try {
            run(CMD_GET_SERVICE, k.describe(), false, w -> IpvsCodec.service(w, k, false),
                    m -> found[0] = IpvsCodec.readService(learn(IpvsCodec.top(m))));
        } catch (IpvsException e) {
            if (e.errno() == 3 /* ESRCH */ || e.errno() == ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
        return found[0] == null ? Optional.empty() : Optional.of(toModel(found[0], dests(found[0])));
    }

    private VirtualService toModel(SvcAttrs s, List<DestAttrs> dests) throws IpvsException {
        try {
            return ModelMapping.service(s, dests);
        } catch (IllegalArgumentException e) {
            throw new IpvsException(commandName(CMD_GET_SERVICE), s.describe(), IpvsException.EBADMSG, "Bad message",
                    null, "the kernel's service does not fit the model: " + e.getMessage());
        }
    }

    private List<DestAttrs> dests(SvcAttrs s) throws IpvsException {
        SvcAttrs key = s.isFwmark() ? SvcAttrs.fwmarkKey(s.af(), s.fwmark()) : SvcAttrs.key(s.af(), s.protocol(), s.addr(), s.port());
        List<DestAttrs> out = new ArrayList<>();
        run(CMD_GET_DEST, s.describe(), true, w -> IpvsCodec.service(w, key, false),
                m -> out.add(IpvsCodec.readDest(learn(IpvsCodec.top(m)), s.af())));
        return out;
    }

    private NlAttrs learn(NlAttrs top) {
        limits.learn(top);
        return top;
    }

    /** The nested attribute limits learned so far. */
    NestLimits limits() {
        return limits;
    }

    /**
     * Learns the destination limit from the first real server the kernel lists, if any; for a
     * request about to set tunnel attributes. Tried once per handle; later dumps still learn.
     */
    private void learnDestLimit() throws IpvsException {
        if (probedDestLimit) {
            return;
        }
        probedDestLimit = true;
        for (SvcAttrs s : dumpServices()) {
            dests(s);
            if (limits.dest() >= 0) {
                return;
            }
        }
    }

    /** The running sync daemons (none, master, backup or both). */
    public List<SyncDaemon> daemons() throws IpvsException {
        List<DaemonAttrs> out = new ArrayList<>();
        run(CMD_GET_DAEMON, null, true, w -> { }, m -> out.add(IpvsCodec.readDaemon(IpvsCodec.top(m))));
        List<SyncDaemon> ds = new ArrayList<>();
        for (DaemonAttrs d : out) {
            ds.add(ModelMapping.daemon(d));
        }
        return ds;
    }

    /** The TCP, TCP FIN and UDP timeouts in seconds. */
    public Timeouts timeouts() throws IpvsException {
        io.lvs4j.netlink.internal.Timeouts[] t = new io.lvs4j.netlink.internal.Timeouts[1];
        run(CMD_GET_CONFIG, null, false, w -> { }, m -> t[0] = IpvsCodec.readTimeouts(IpvsCodec.top(m)));
        if (t[0] == null) {
            throw new IpvsException(commandName(CMD_GET_CONFIG), null, IpvsException.EBADMSG, "Bad message", null, "no reply");
        }
        return Timeouts.ofSeconds(t[0].tcp(), t[0].tcpFin(), t[0].udp());
    }

    // ---- changing

    /**
     * Adds a service and then its real servers, in one pipelined batch.
     *
     * @throws IpvsBatchException if it had real servers and something failed: names what failed
     *     and what was applied
     */
    public void addService(VirtualService service) throws IpvsException {
        applySingle(batch().addService(service));
    }

    /** Changes a service's settings (scheduler, flags, persistence); its real servers are untouched. */
    public void updateService(VirtualService service) throws IpvsException {
        applySingle(batch().updateService(service));
    }

    /** Deletes a service and its real servers. */
    public void removeService(ServiceKey key) throws IpvsException {
        applySingle(batch().removeService(key));
    }

    public void addRealServer(ServiceKey service, RealServer realServer) throws IpvsException {
        applySingle(batch().addRealServer(service, realServer));
    }

    public void updateRealServer(ServiceKey service, RealServer realServer) throws IpvsException {
        applySingle(batch().updateRealServer(service, realServer));
    }

    public void removeRealServer(ServiceKey service, InetAddress address, int port) throws IpvsException {
        applySingle(batch().removeRealServer(service, address, port));
    }

    public void startDaemon(SyncDaemon daemon) throws IpvsException {
        Preconditions.checkNotNull(daemon, "sync daemon");
        DaemonAttrs d = ModelMapping.daemon(daemon);
        run(CMD_NEW_DAEMON, "sync daemon " + d.describe(), false, w -> IpvsCodec.daemon(w, d, true), m -> { });
    }

    public void stopDaemon(SyncDaemon.Role role) throws IpvsException {
        Preconditions.checkNotNull(role, "sync daemon role");
        DaemonAttrs d = new DaemonAttrs(role.kernelState(), null, 0, 0, null, 0, 0);
        run(CMD_DEL_DAEMON, "sync daemon " + role.ipvsadmName(), false, w -> IpvsCodec.daemon(w, d, false), m -> { });
    }

    /** Sets the timeouts; a 0 leaves that one unchanged. */
    public void setTimeouts(Timeouts timeouts) throws IpvsException {
        applySingle(batch().setTimeouts(timeouts));
    }

    /** Zeroes the counters of every service. */
    public void zero() throws IpvsException {
        run(CMD_ZERO, null, false, w -> { }, m -> { });
    }

    /** Zeroes the counters of one service. */
    public void zero(ServiceKey key) throws IpvsException {
        SvcAttrs k = ModelMapping.key(Preconditions.checkNotNull(key, "service key"));
        run(CMD_ZERO, k.describe(), false, w -> IpvsCodec.service(w, k, false), m -> { });
    }

    /** True: the kernel adds a real server at the head of its service's list. */
    @Override
    public boolean listsNewestFirst() {
        return true;
    }

    /** Deletes every service and real server. */
    public void flush() throws IpvsException {
        run(CMD_FLUSH, null, false, w -> { }, m -> { });
    }

    /** Applies a batch; a one-request batch's failure is that request's own exception. */
    private static void applySingle(IpvsBatch batch) throws IpvsException {
        try {
            batch.apply();
        } catch (IpvsBatchException e) {
            if (batch.size() == 1 && e.failures().size() == 1 && e.inDoubt() == 0) {
                throw e.failures().get(0).error();
            }
            throw e;
        }
    }

    /**
     * Makes the kernel's services and timeouts {@code desired} with the smallest change, as one
     * batch; real servers left out are deleted at once. For draining them first, use a
     * {@link Reconciler} with a drain timeout.
     *
     * @throws io.lvs4j.table.ReconcileException if the kernel refused some changes: names each failed change and
     *     lists the applied ones
     */
    public ReconcileResult reconcile(DirectorConfig desired) throws IpvsException {
        return Reconciler.of(this).reconcile(desired);
    }

    /**
     * Applies the table changes in order as one pipelined batch, one request per change (the
     * {@link IpvsTable} contract).
     */
    @Override
    public void apply(List<Change> changes) throws IpvsException {
        IpvsBatch batch = batch();
        for (Change c : changes) {
            switch (c.kind()) {
                case ADD_SERVICE -> batch.addService(c.service().toBuilder().clearRealServers().build());
                case EDIT_SERVICE -> batch.updateService(c.service());
                case REMOVE_SERVICE -> batch.removeService(c.key());
                case ADD_SERVER -> batch.addRealServer(c.key(), c.server());
                case EDIT_SERVER -> batch.updateRealServer(c.key(), c.server());
                case REMOVE_SERVER -> batch.removeRealServer(c.key(), c.previous().address(), c.previous().port());
                case SET_TIMEOUTS -> batch.setTimeouts(c.timeouts());
                default -> throw new AssertionError(c.kind());
            }
        }
        batch.apply();
    }

    /** A batch of changes to pipeline: requests are sent before their ACKs are read. */
    public IpvsBatch batch() {
        return new IpvsBatch(this);
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- plumbing shared with IpvsBatch

    GenlClient client() {
        return client;
    }

    GenlFamily family() {
        return family;
    }

    interface Body {
        void write(NlWriter w);
    }

    private void run(int cmd, String object, boolean dump, Body body, Consumer<NlMessage> onReply) throws IpvsException {
        checkSupported(cmd, object);
        int seq = client.nextSeq();
        NlWriter w = client.writer();
        int start = IpvsCodec.begin(w, family.id(), cmd, Nl.NLM_F_ACK | (dump ? Nl.NLM_F_DUMP : 0), seq, client.pid());
        body.write(w);
        w.endMessage(start);
        checkLimits(cmd, object, w, false);
        NlError err;
        try {
            err = client.exchange(seq, dump, m -> {
                if (m.type == family.id()) {
                    onReply.accept(m);
                }
            });
        } catch (NetlinkIoException e) {
            throw io(commandName(cmd), object, e);
        } catch (NetlinkFormatException e) {
            throw malformed(commandName(cmd), object, e);
        }
        if (err != null) {
            throw kernelError(cmd, object, err, null);
        }
    }

    /** What a request is about, described only when a check fails (a batch does not describe 50,000 requests up front). */
    interface Subject {
        /** The service, destination or setting concerned, e.g. {@code TCP 192.0.2.10:80}, or null. */
        String object();
    }

    void checkSupported(int cmd, String object) throws IpvsException {
        if (!family.supports(cmd)) {
            throw new IpvsException(commandName(cmd), object, EOPNOTSUPP, NetlinkSocket.strerror(EOPNOTSUPP), null,
                    "the kernel's IPVS family does not offer this command");
        }
    }

    void checkSupported(int cmd, Subject subject) throws IpvsException {
        if (!family.supports(cmd)) {
            checkSupported(cmd, subject.object());
        }
    }

    /** {@link #checkLimits(int, String, NlWriter, boolean)} naming {@code subject} only if a check fails. */
    void checkLimits(int cmd, Subject subject, NlWriter w, boolean mayLearn) throws IpvsException {
        try {
            checkLimits(cmd, (String) null, w, mayLearn);
        } catch (IpvsException e) {
            checkLimits(cmd, subject.object(), w, mayLearn); // the same failure, now naming the request
            throw e;
        }
    }

    /**
     * Rejects top-level attributes above the family's maxattr, and service or destination
     * attributes above the {@link NestLimits limits} learned from the kernel's replies: the kernel
     * would silently ignore them. With {@code mayLearn} (only when {@code w} is not the client's
     * own writer), a request setting tunnel attributes first learns the destination limit.
     */
    void checkLimits(int cmd, String object, NlWriter w, boolean mayLearn) throws IpvsException {
        checkLimits(cmd, object, w);
        io.netty.buffer.ByteBuf msg = w.buffer();
        if (mayLearn && limits.dest() < 0 && NestLimits.setsTunnelAttributes(msg)) {
            learnDestLimit();
        }
        String why = limits.check(msg);
        if (why != null) {
            throw new IpvsException(commandName(cmd), object, EOPNOTSUPP, NetlinkSocket.strerror(EOPNOTSUPP), null, why);
        }
    }

    /** Rejects top-level attributes above the family's maxattr: the kernel would not see them. */
    void checkLimits(int cmd, String object, NlWriter w) throws IpvsException {
        io.netty.buffer.ByteBuf b = w.buffer();
        int pos = b.readerIndex() + Nl.NLMSG_HDRLEN + Nl.GENL_HDRLEN;
        int end = b.writerIndex();
        while (end - pos >= Nl.NLA_HDRLEN) {
            int len = b.getUnsignedShortLE(pos);
            int type = b.getUnsignedShortLE(pos + 2) & Nl.NLA_TYPE_MASK;
            if (type > family.maxAttr()) {
                throw new IpvsException(commandName(cmd), object, EOPNOTSUPP, NetlinkSocket.strerror(EOPNOTSUPP), null,
                        "attribute " + type + " is unknown to this kernel: its IPVS family takes attributes up to "
                                + family.maxAttr());
            }
            pos += Math.max(Nl.NLA_HDRLEN, Nl.align(len));
        }
    }

    static IpvsException kernelError(int cmd, String object, NlError err, SvcAttrs svc) {
        String why = null;
        if (err.errno == ENOENT && (cmd == CMD_NEW_SERVICE || cmd == CMD_SET_SERVICE) && svc != null) {
            why = "scheduler \"" + svc.scheduler() + "\" is not available: kernel module ip_vs_" + svc.scheduler()
                    + " is not loaded and could not be loaded"
                    + (svc.pe() != null ? ", or persistence engine \"" + svc.pe() + "\" (ip_vs_pe_" + svc.pe() + ") is missing" : "");
        } else if (err.errno == 3 && cmd != CMD_NEW_SERVICE) {
            why = "no such service";
        } else if (err.errno == ENOENT && (cmd == CMD_DEL_DEST || cmd == CMD_SET_DEST)) {
            why = "no such real server";
        }
        return new IpvsException(commandName(cmd), object, err.errno, NetlinkSocket.strerror(err.errno), err.message, why);
    }

    static IpvsException io(String command, String object, NetlinkIoException e) {
        String why;
        if (e.errno == ENOBUFS) {
            why = "ENOBUFS: the kernel dropped replies to this socket because its receive buffer "
                    + "overflowed, so what was applied is unknown; re-read the state";
        } else if (NetlinkSocket.isTimeout(e)) {
            why = e.syscall + ": no reply from the kernel within the receive timeout, so what was applied is unknown;"
                    + " re-read the state";
        } else {
            why = e.syscall + " failed";
        }
        return new IpvsException(command, object, e.errno, e.errnoText, null, why);
    }

    static IpvsException malformed(String command, String object, NetlinkFormatException e) {
        return new IpvsException(command, object, IpvsException.EBADMSG, "Bad message", null,
                "malformed reply: " + e.getMessage());
    }
}
