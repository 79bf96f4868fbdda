package io.lvs4j.netlink;

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

    IpvsBatch(Ipvs ipvs) {
        this.ipvs = ipvs;
    }

    record Request(int cmd, String object, SvcAttrs svc, Ipvs.Body body) {
        String describe() {
            return commandName(cmd) + (object != null ? " " + object : "");
        }
    }

    /** NEW_SERVICE, then NEW_DEST for each of its real servers. */
    public IpvsBatch addService(VirtualService service) {
        Preconditions.checkNotNull(service, "virtual service");
        SvcAttrs s = ModelMapping.service(service);
        requests.add(new Request(CMD_NEW_SERVICE, s.describe(), s, w -> IpvsCodec.service(w, s, true)));
        for (RealServer r : service.realServers()) {
            addRealServer(service.key(), r);
        }
        return this;
    }

    /** SET_SERVICE with the service's settings; real servers are not touched. */
    public IpvsBatch updateService(VirtualService service) {
        Preconditions.checkNotNull(service, "virtual service");
        SvcAttrs s = ModelMapping.service(service);
        requests.add(new Request(CMD_SET_SERVICE, s.describe(), s, w -> IpvsCodec.service(w, s, true)));
        return this;
    }

    public IpvsBatch removeService(ServiceKey key) {
        SvcAttrs k = ModelMapping.key(Preconditions.checkNotNull(key, "service key"));
        requests.add(new Request(CMD_DEL_SERVICE, k.describe(), null, w -> IpvsCodec.service(w, k, false)));
        return this;
    }

    public IpvsBatch addRealServer(ServiceKey service, RealServer realServer) {
        return dest(CMD_NEW_DEST, service, realServer);
    }

    public IpvsBatch updateRealServer(ServiceKey service, RealServer realServer) {
        return dest(CMD_SET_DEST, service, realServer);
    }

    private IpvsBatch dest(int cmd, ServiceKey service, RealServer realServer) {
        SvcAttrs k = ModelMapping.key(Preconditions.checkNotNull(service, "service key"));
        Preconditions.checkNotNull(realServer, "real server");
        DestAttrs d = ModelMapping.dest(realServer, service.port());
        requests.add(new Request(cmd, k.describe() + " -> " + d.describe(), null, w -> {
            IpvsCodec.service(w, k, false);
            IpvsCodec.dest(w, d, true);
        }));
        return this;
    }

    public IpvsBatch removeRealServer(ServiceKey service, InetAddress address, int port) {
        SvcAttrs k = ModelMapping.key(Preconditions.checkNotNull(service, "service key"));
        Preconditions.checkNotNull(address, "real server address");
        Preconditions.checkInRange(port, 0, 65535, "real server port");
        DestAttrs d = ModelMapping.destKey(address, port != 0 ? port : service.port());
        requests.add(new Request(CMD_DEL_DEST, k.describe() + " -> " + d.describe(), null, w -> {
            IpvsCodec.service(w, k, false);
            IpvsCodec.dest(w, d, false);
        }));
        return this;
    }

    public IpvsBatch setTimeouts(Timeouts timeouts) {
        Preconditions.checkNotNull(timeouts, "timeouts");
        io.lvs4j.netlink.internal.Timeouts t = new io.lvs4j.netlink.internal.Timeouts(timeouts.tcpSeconds(),
                timeouts.tcpFinSeconds(), timeouts.udpSeconds());
        requests.add(new Request(CMD_SET_CONFIG, "timeouts " + timeouts, null, w -> IpvsCodec.timeouts(w, t)));
        return this;
    }

    public IpvsBatch flush() {
        requests.add(new Request(CMD_FLUSH, null, null, w -> { }));
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
        ByteBuf scratch = Unpooled.buffer();
        try {
            for (Request r : requests) {
                ipvs.checkSupported(r.cmd(), r.object());
                scratch.clear();
                NlWriter w = new NlWriter(scratch);
                int start = IpvsCodec.begin(w, familyId, r.cmd(), Nl.NLM_F_ACK, 0, 0);
                r.body().write(w);
                w.endMessage(start);
                ipvs.checkLimits(r.cmd(), r.object(), w, true);
            }
        } finally {
            scratch.release();
        }
        List<String> applied = new ArrayList<>();
        List<IpvsBatchException.Failure> failures = new ArrayList<>();
        ByteBuf out = Unpooled.directBuffer(WINDOW_BYTES + 4096);
        try {
            int next = 0;
            while (next < requests.size() && failures.isEmpty()) {
                out.clear();
                NlWriter w = new NlWriter(out);
                int count = 0;
                int firstSeq = client.reserveSeq(Math.min(WINDOW, requests.size() - next));
                int last = 0;
                while (next + count < requests.size() && count < WINDOW && out.writerIndex() < WINDOW_BYTES) {
                    Request r = requests.get(next + count);
                    last = IpvsCodec.begin(w, familyId, r.cmd(), 0, firstSeq + count, client.pid());
                    r.body().write(w);
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
                    throw progress(Ipvs.io(requests.get(base).describe(), null, e), applied, base, count,
                            requests.size());
                } catch (NetlinkFormatException e) {
                    throw progress(Ipvs.malformed(requests.get(base).describe(), null, e), applied, base, count,
                            requests.size());
                }
                for (int i = 0; i < count; i++) {
                    Request r = requests.get(base + i);
                    if (errors[i] == null) {
                        applied.add(r.describe());
                    } else {
                        failures.add(new IpvsBatchException.Failure(base + i,
                                Ipvs.kernelError(r.cmd(), r.object(), errors[i], r.svc())));
                    }
                }
                next += count;
            }
            if (!failures.isEmpty()) {
                throw new IpvsBatchException(failures, applied, requests.size() - next, requests.size());
            }
        } finally {
            out.release();
        }
    }

    private static IpvsException progress(IpvsException e, List<String> applied, int base, int count, int total) {
        return new IpvsBatchException(e, applied, base, count, total);
    }
}
