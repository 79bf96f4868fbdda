package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A request the kernel never answers fails with ETIMEDOUT within the socket's receive timeout
 * instead of holding the thread for ever: a real kernel that sends no reply (a netlink
 * {@code NLMSG_NOOP} without {@code NLM_F_ACK} is skipped silently), and a silent peer socket in
 * place of the kernel ({@link NetlinkSocket#peer}).
 */
class NetlinkTimeoutTest {
    private static final Duration GUARD = Duration.ofSeconds(20);

    @Test
    void open_requestSocket_hasTheRequestTimeout_eventSocketNone() throws Exception {
        assumeTrue(NetlinkSocket.nativeAvailable());
        try (NetlinkSocket request = NetlinkSocket.open(null);
                NetlinkSocket events = NetlinkSocket.open(null, RtnlCodec.NETLINK_ROUTE, RtnlCodec.RTMGRP_LINK)) {
            assertThat(request.receiveTimeoutMillis()).isEqualTo(NetlinkSocket.REQUEST_TIMEOUT_MILLIS);
            assertThat(events.receiveTimeoutMillis()).isZero();
        }
    }

    @Test
    void exchange_kernelSendsNoReply_failsWithEtimedoutWithinTheTimeout() throws Exception {
        assumeTrue(NetlinkSocket.nativeAvailable());
        try (GenlClient c = new GenlClient(NetlinkSocket.open(null))) {
            c.socket().receiveTimeout(200);
            int seq = c.nextSeq();
            NlWriter w = c.writer();
            w.endMessage(w.beginMessage(Nl.NLMSG_NOOP, Nl.NLM_F_REQUEST, seq, c.pid())); // no ACK asked: no reply
            long start = System.nanoTime();
            NetlinkIoException e = assertTimeoutPreemptively(GUARD,
                    () -> catchIo(() -> c.exchange(seq, false, m -> { })));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(e.errno).isEqualTo(110);
            assertThat(NetlinkSocket.isTimeout(e)).isTrue();
            assertThat(e.getMessage()).isEqualTo("recvfrom failed: Connection timed out (errno 110) "
                    + "(no reply from the kernel within 200 ms)");
            assertThat(millis).isBetween(150L, 10_000L);
        }
    }

    @Test
    void pipeline_silentPeer_failsWithEtimedout() throws Exception {
        assumeTrue(NetlinkSocket.nativeAvailable());
        assumeTrue("root".equals(System.getProperty("user.name")), "sending to another socket needs CAP_NET_ADMIN");
        try (NetlinkSocket silent = NetlinkSocket.open(null);
                GenlClient c = new GenlClient(NetlinkSocket.open(null))) {
            c.socket().peer(silent.pid());
            c.socket().receiveTimeout(200);
            int first = c.reserveSeq(2);
            io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
            NlWriter w = new NlWriter(out);
            for (int i = 0; i < 2; i++) {
                int at = w.beginMessage(Nl.GENL_ID_CTRL, Nl.NLM_F_REQUEST | (i == 1 ? Nl.NLM_F_ACK : 0), first + i,
                        c.pid());
                w.genl(Nl.CTRL_CMD_GETFAMILY, 1);
                w.endMessage(at);
            }
            NetlinkIoException e = assertTimeoutPreemptively(GUARD,
                    () -> catchIo(() -> c.pipeline(out, first, 2, (i, err) -> { })));
            assertThat(e.errno).isEqualTo(110);
        }
    }

    @Test
    void receiveTimeout_negative_isRejected() throws Exception {
        assumeTrue(NetlinkSocket.nativeAvailable());
        try (NetlinkSocket s = NetlinkSocket.open(null)) {
            assertThatThrownBy(() -> s.receiveTimeout(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("receive timeout: -1 (expected: 0 or more ms)");
        }
    }

    interface Io {
        void run() throws NetlinkIoException;
    }

    private static NetlinkIoException catchIo(Io io) {
        try {
            io.run();
        } catch (NetlinkIoException e) {
            return e;
        }
        throw new AssertionError("no exception: the request was answered");
    }
}
