package io.lvs4j.netlink;

import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsException;

import static io.lvs4j.netlink.internal.IpvsProto.*;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.DestAttrs;
import io.lvs4j.netlink.internal.GenlClient;
import io.lvs4j.netlink.internal.IpvsCodec;
import io.lvs4j.netlink.internal.Nl;
import io.lvs4j.netlink.internal.NlError;
import io.lvs4j.netlink.internal.NlWriter;
import io.lvs4j.netlink.internal.NetlinkFormatException;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.SvcAttrs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes sent to the kernel pipelined: up to {@value #WINDOW} requests go out in one datagram
 * before any answer is read; only the last of them asks for an ACK ({@code NLM_F_ACK}), the
 * others are answered only when they fail, so a window costs one receive when all goes well. The kernel applies each request on its
 * own, so a failure does not undo the others: {@link #apply()} reads every ACK of the window and,
 * if any request failed, sends no further window and throws an {@link IpvsBatchException} listing
 * the failed requests and every request that was applied.
 */
public final class IpvsBatch {
    /** Requests per datagram; their ACKs (36 bytes each, capped) fit the receive buffer. */
    static final int WINDOW = 512;
    private static final int WINDOW_BYTES = 192 * 1024;

    private final Ipvs ipvs;
    private final List<Request> requests = new ArrayList<>();
    /** The last service key given, and its attributes: a service's real servers follow it, so they share them. */
    private ServiceKey lastKey;
    private SvcAttrs lastKeyAttrs;

    IpvsBatch(Ipvs ipvs) {
        this.ipvs = ipvs;
    }

    /**
     * One request: the command and what it carries. Its description, e.g.
     * {@code IPVS_CMD_NEW_DEST TCP 192.0.2.10:80 -> 10.0.0.2:80}, is made only when a report needs it.
     */
    static final class Request implements Ipvs.Subject {
        final int cmd;
        /** The service (full for NEW/SET_SERVICE, a key otherwise), or null. */
        final SvcAttrs svc;
        /** The destination (full for NEW/SET_DEST, a key for DEL_DEST), or null. */
        final DestAttrs dest;
        final io.lvs4j.netlink.internal.Timeouts timeouts;
        final String timeoutsText;

        Request(int cmd, SvcAttrs svc, DestAttrs dest) {
            this(cmd, svc, dest, null, null);
        }

        Request(int cmd, SvcAttrs svc, DestAttrs dest, io.lvs4j.netlink.internal.Timeouts timeouts, String timeoutsText) {
            this.cmd = cmd;
            this.svc = svc;
            this.dest = dest;
            this.timeouts = timeouts;
            this.timeoutsText = timeoutsText;
        }

        /** The service or destination concerned, e.g. {@code TCP 192.0.2.10:80 -> 10.0.0.2:80}, or null. */
        @Override
        public String object() {
            if (timeoutsText != null) {
                return "timeouts " + timeoutsText;
            }
            if (svc == null) {
                return null;
            }
            return dest == null ? svc.describe() : svc.describe() + " -> " + dest.describe();
        }

        String describe() {
            String o = object();
            return commandName(cmd) + (o != null ? " " + o : "");
        }

        /** The service settings when the command sets them (for explaining a missing scheduler), else null. */
        SvcAttrs settings() {
            return cmd == CMD_NEW_SERVICE || cmd == CMD_SET_SERVICE ? svc : null;
        }

        void write(NlWriter w) {
            switch (cmd) {
                case CMD_NEW_SERVICE:
                case CMD_SET_SERVICE:
                    IpvsCodec.service(w, svc, true);
                    break;
                case CMD_DEL_SERVICE:
                    IpvsCodec.service(w, svc, false);
                    break;
                case CMD_NEW_DEST:
                case CMD_SET_DEST:
                    IpvsCodec.service(w, svc, false);
                    IpvsCodec.dest(w, dest, true);
                    break;
                case CMD_DEL_DEST:
                    IpvsCodec.service(w, svc, false);
                    IpvsCodec.dest(w, dest, false);
                    break;
                case CMD_SET_CONFIG:
                    IpvsCodec.timeouts(w, timeouts);
                    break;
                default: // FLUSH: no attributes
                    break;
            }
        }
    }

    /** NEW_SERVICE, then NEW_DEST for each of its real servers. */
    public IpvsBatch addService(VirtualService service) {
        Preconditions.checkNotNull(service, "virtual service");
        SvcAttrs s = ModelMapping.service(service);
        requests.add(new Request(CMD_NEW_SERVICE, s, null));
        for (RealServer r : service.realServers()) {
            addRealServer(service.key(), r);
        }
        return this;
    }

    /** SET_SERVICE with the service's settings; real servers are not touched. */
    public IpvsBatch updateService(VirtualService service) {
        Preconditions.checkNotNull(service, "virtual service");
        requests.add(new Request(CMD_SET_SERVICE, ModelMapping.service(service), null));
        return this;
    }

    public IpvsBatch removeService(ServiceKey key) {
        requests.add(new Request(CMD_DEL_SERVICE, key(Preconditions.checkNotNull(key, "service key")), null));
        return this;
    }

    public IpvsBatch addRealServer(ServiceKey service, RealServer realServer) {
        return dest(CMD_NEW_DEST, service, realServer);
    }

    public IpvsBatch updateRealServer(ServiceKey service, RealServer realServer) {
        return dest(CMD_SET_DEST, service, realServer);
    }

    private IpvsBatch dest(int cmd, ServiceKey service, RealServer realServer) {
        SvcAttrs k = key(Preconditions.checkNotNull(service, "service key"));
        Preconditions.checkNotNull(realServer, "real server");
        requests.add(new Request(cmd, k, ModelMapping.dest(realServer, service.port())));
        return this;
    }

    /** The key attributes of {@code key}, shared with the previous request when it named the same service. */
    private SvcAttrs key(ServiceKey key) {
        if (lastKey == null || !lastKey.equals(key)) {
            lastKeyAttrs = ModelMapping.key(key);
            lastKey = key;
        }
        return lastKeyAttrs;
    }

    public IpvsBatch removeRealServer(ServiceKey service, InetAddress address, int port) {
        SvcAttrs k = key(Preconditions.checkNotNull(service, "service key"));
        Preconditions.checkNotNull(address, "real server address");
        Preconditions.checkInRange(port, 0, 65535, "real server port");
        requests.add(new Request(CMD_DEL_DEST, k, ModelMapping.destKey(address, port != 0 ? port : service.port())));
        return this;
    }

    public IpvsBatch setTimeouts(Timeouts timeouts) {
        Preconditions.checkNotNull(timeouts, "timeouts");
        io.lvs4j.netlink.internal.Timeouts t = new io.lvs4j.netlink.internal.Timeouts(timeouts.tcpSeconds(),
                timeouts.tcpFinSeconds(), timeouts.udpSeconds());
        requests.add(new Request(CMD_SET_CONFIG, null, null, t, timeouts.toString()));
        return this;
    }

    public IpvsBatch flush() {
        requests.add(new Request(CMD_FLUSH, null, null));
        return this;
    }

    public int size() {
        return requests.size();
    }

    /**
     * Sends every request, pipelined, and reads every ACK.
     *
     * @throws IpvsBatchException if the kernel refused any request: it names each failed request,
     *     lists the ones applied, and counts those never sent
     * @throws IpvsException if the socket failed or the kernel's reply was malformed, with the
     *     batch's progress in the message
     */
    public void apply() throws IpvsException {
        GenlClient client = ipvs.client();
        int familyId = ipvs.family().id();
        // check every request before sending any
        ByteBuf scratch = Unpooled.buffer(1024);
        try {
            NlWriter w = new NlWriter(scratch);
            int checkedCmd = -1;
            for (Request r : requests) {
                if (r.cmd != checkedCmd) {
                    ipvs.checkSupported(r.cmd, r);
                    checkedCmd = r.cmd;
                }
                scratch.clear();
                int start = IpvsCodec.begin(w, familyId, r.cmd, Nl.NLM_F_ACK, 0, 0);
                r.write(w);
                w.endMessage(start);
                ipvs.checkLimits(r.cmd, r, w, true);
            }
        } finally {
            scratch.release();
        }
        ByteBuf out = Unpooled.directBuffer(WINDOW_BYTES + 4096);
        try {
            NlWriter w = new NlWriter(out);
            int next = 0;
            while (next < requests.size()) {
                out.clear();
                int count = 0;
                int firstSeq = client.reserveSeq(Math.min(WINDOW, requests.size() - next));
                int last = 0;
                while (next + count < requests.size() && count < WINDOW && out.writerIndex() < WINDOW_BYTES) {
                    Request r = requests.get(next + count);
                    last = IpvsCodec.begin(w, familyId, r.cmd, 0, firstSeq + count, client.pid());
                    r.write(w);
                    w.endMessage(last);
                    count++;
                }
                // only the window's last request asks for an ACK; the others are answered only if they fail
                out.setShortLE(last + 6, out.getUnsignedShortLE(last + 6) | Nl.NLM_F_ACK);
                int base = next;
                NlError[] errors = new NlError[count];
                try {
                    client.pipeline(out, firstSeq, count, (i, e) -> errors[i] = e);
                } catch (NetlinkIoException e) {
                    throw progress(Ipvs.io(requests.get(base).describe(), null, e), applied(base, null), base, count,
                            requests.size());
                } catch (NetlinkFormatException e) {
                    throw progress(Ipvs.malformed(requests.get(base).describe(), null, e), applied(base, null), base,
                            count, requests.size());
                }
                next += count;
                List<IpvsBatchException.Failure> failures = null;
                for (int i = 0; i < count; i++) {
                    if (errors[i] != null) {
                        Request r = requests.get(base + i);
                        if (failures == null) {
                            failures = new ArrayList<>();
                        }
                        failures.add(new IpvsBatchException.Failure(base + i,
                                Ipvs.kernelError(r.cmd, r.object(), errors[i], r.settings())));
                    }
                }
                if (failures != null) {
                    // no further window is sent
                    throw new IpvsBatchException(failures, applied(next, errors), requests.size() - next,
                            requests.size());
                }
            }
        } finally {
            out.release();
        }
    }

    /**
     * The descriptions of the requests before {@code end} that the kernel applied: every one
     * before the last window, and those of the last window (the {@code lastWindowErrors.length}
     * before {@code end}) without an error. Made only for a report.
     */
    private List<String> applied(int end, NlError[] lastWindowErrors) {
        int windowStart = lastWindowErrors == null ? end : end - lastWindowErrors.length;
        List<String> applied = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            if (i < windowStart || lastWindowErrors[i - windowStart] == null) {
                applied.add(requests.get(i).describe());
            }
        }
        return applied;
    }

    private static IpvsException progress(IpvsException e, List<String> applied, int base, int count, int total) {
        return new IpvsBatchException(e, applied, base, count, total);
    }
}
