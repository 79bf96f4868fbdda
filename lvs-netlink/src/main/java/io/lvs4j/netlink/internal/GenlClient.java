package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * Request/reply over a {@link NetlinkSocket}: sequence numbers, multipart dumps ending in
 * {@code NLMSG_DONE}, ACKs and errors, and pipelined batches. Replies whose sequence number
 * belongs to an earlier, abandoned exchange are skipped (resynchronisation). An overrun
 * ({@code ENOBUFS}) fails the exchange or window it happens in: the kernel processed the requests,
 * but which replies were lost is unknown, so the caller must re-read the state; the socket stays
 * usable (see {@link NetlinkSocket}). Not thread-safe.
 */
public final class GenlClient implements AutoCloseable {
    private final NetlinkSocket socket;
    private final ByteBuf out = Unpooled.directBuffer(64 * 1024);
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    public GenlClient(NetlinkSocket socket) {
        this.socket = socket;
    }

    public int pid() {
        return socket.pid();
    }

    /** The socket (for its options, e.g. {@link NetlinkSocket#receiveBuffer}). */
    public NetlinkSocket socket() {
        return socket;
    }

    public int nextSeq() {
        return ++seq;
    }

    /** The buffer to write one request into; cleared. */
    public NlWriter writer() {
        out.clear();
        return new NlWriter(out);
    }

    /**
     * Sends the request in {@link #writer()} (sequence {@code reqSeq}) and reads until its ACK, its
     * error or, for a dump, {@code NLMSG_DONE}. Every data message of that sequence goes to
     * {@code onReply}.
     *
     * @return null on success, else the kernel's error
     * @throws NetlinkFormatException if a reply is malformed
     */
    public NlError exchange(int reqSeq, boolean dump, Consumer<NlMessage> onReply) throws NetlinkIoException {
        socket.send(out);
        while (true) {
            ByteBuf datagram = socket.receive();
            while (datagram.isReadable()) {
                NlMessage m = NlMessage.next(datagram);
                if (m.seq != reqSeq) {
                    continue; // left over from an abandoned exchange
                }
                if (m.type == Nl.NLMSG_ERROR) {
                    NlError e = NlError.parse(m);
                    return e.errno == 0 ? null : e;
                }
                if (m.type == Nl.NLMSG_DONE) {
                    if (dump) {
                        // a dump's DONE may carry a negative error in its payload
                        if (m.payload.readableBytes() >= 4) {
                            int err = NlMessage.readInt(m.payload, m.payload.readerIndex());
                            if (err < 0) {
                                return NlError.synthetic(-err, m);
                            }
                        }
                        return null;
                    }
                    continue;
                }
                if (m.type == Nl.NLMSG_NOOP) {
                    continue;
                }
                if (m.type == Nl.NLMSG_OVERRUN) {
                    socket.markOverrun();
                    throw new NetlinkIoException("recvfrom", Native.ENOBUFS, "No buffer space available", "(NLMSG_OVERRUN)");
                }
                onReply.accept(m);
            }
        }
    }

    /** What a pipelined window's ACKs said: per request, 0 for success or the error. */
    public interface AckSink {
        void ack(int index, NlError errorOrNull);
    }

    /**
     * Sends requests already written back to back in {@code msgs} with sequence numbers
     * {@code firstSeq .. firstSeq + count - 1}, where only the last carries {@code NLM_F_ACK}:
     * the kernel answers the others only if they fail, and processes them in order, so once the
     * last one is answered every earlier error has arrived and the silent ones succeeded. One
     * receive per window instead of one per request. Returns when the last request is answered.
     */
    public void pipeline(ByteBuf msgs, int firstSeq, int count, AckSink sink) throws NetlinkIoException {
        socket.send(msgs);
        boolean[] failed = new boolean[count];
        boolean done = false;
        while (!done) {
            ByteBuf datagram = socket.receive();
            while (datagram.isReadable()) {
                NlMessage m = NlMessage.next(datagram);
                int idx = m.seq - firstSeq;
                if (idx < 0 || idx >= count || m.type != Nl.NLMSG_ERROR || failed[idx]) {
                    continue;
                }
                NlError e = NlError.parse(m);
                if (e.errno != 0) {
                    failed[idx] = true;
                    sink.ack(idx, e);
                }
                if (idx == count - 1) {
                    done = true;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            if (!failed[i]) {
                sink.ack(i, null);
            }
        }
    }

    /** Reserves {@code n} sequence numbers; returns the first. */
    public int reserveSeq(int n) {
        int first = seq + 1;
        seq += n;
        return first;
    }

    @Override
    public void close() {
        out.release();
        socket.close();
    }
}
