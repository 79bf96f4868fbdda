package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ENOBUFS provoked on the host kernel's generic netlink (nlctrl, read-only, this process's
 * namespace): a socket with the smallest receive buffer sends 400 pipelined
 * CTRL_CMD_GETFAMILY requests for families that do not exist. The kernel answers each with an
 * error while the requests are processed, before the first receive, so the buffer overflows and it
 * drops replies and flags the socket: the pipeline fails with ENOBUFS. The kernel then drops every
 * further message to the socket until its queue is empty again (netlink's congestion flag), so the
 * next request is answered only if the client drained the queue first. A dump, in contrast, is
 * paced by the reader and never overflows, however small the buffer.
 */
class NetlinkOverrunIT {
    private static final int N = 400;

    private static NetlinkSocket tinySocket() throws NetlinkIoException {
        NetlinkSocket s = NetlinkSocket.open(null);
        s.receiveBuffer(1); // the kernel rounds it up to its minimum (about 2.3 KB)
        s.receiveTimeout(3000); // a lost reply fails the test with EAGAIN instead of hanging it
        return s;
    }

    private static List<String> families(GenlClient c, boolean dump) throws Exception {
        int seq = c.nextSeq();
        NlWriter w = c.writer();
        int start = w.beginMessage(Nl.GENL_ID_CTRL, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | (dump ? Nl.NLM_F_DUMP : 0), seq, c.pid());
        w.genl(Nl.CTRL_CMD_GETFAMILY, 1);
        if (!dump) {
            w.string(Nl.CTRL_ATTR_FAMILY_NAME, "nlctrl");
        }
        w.endMessage(start);
        List<String> names = new ArrayList<>();
        NlError err = c.exchange(seq, dump, m -> names.add(IpvsCodec.readFamily(m).name()));
        assertThat(err).as("kernel error").isNull();
        return names;
    }

    @Test
    void pipeline_repliesOverflowTinyBuffer_enobufsThenNextRequestAnswered() throws Exception {
        NetlinkSocket s = tinySocket();
        try (GenlClient c = new GenlClient(s)) {
            ByteBuf msgs = Unpooled.directBuffer(64 * 1024);
            try {
                NlWriter w = new NlWriter(msgs);
                int first = c.reserveSeq(N);
                for (int i = 0; i < N; i++) {
                    IpvsCodec.getFamily(w, "lvs4j-none-" + i, first + i, c.pid());
                }
                NetlinkIoException e = catchThrowableOfType(() -> c.pipeline(msgs, first, N, (i, err) -> { }),
                        NetlinkIoException.class);
                assertThat(e).as("pipeline result").isNotNull();
                assertThat(e.errno).isEqualTo(105);
                assertThat(e.getMessage()).startsWith("recvfrom failed: No buffer space available (errno 105)");
            } finally {
                msgs.release();
            }
            assertThat(s.discarded()).isZero();
            assertThat(families(c, false)).containsExactly("nlctrl"); // answered: the leftovers were discarded first
            long discarded = s.discarded();
            assertThat(discarded).isPositive();
            assertThat(families(c, false)).containsExactly("nlctrl");
            assertThat(s.discarded()).isEqualTo(discarded); // no overrun since: nothing more discarded
        }
    }

    @Test
    void dump_tinyBuffer_pacedByTheReaderSoNothingLost() throws Exception {
        List<String> normal;
        try (GenlClient c = new GenlClient(NetlinkSocket.open(null))) {
            normal = families(c, true);
        }
        try (GenlClient c = new GenlClient(tinySocket())) {
            List<String> tiny = families(c, true);
            assertThat(tiny).contains("nlctrl").hasSizeGreaterThan(3).containsExactlyInAnyOrderElementsOf(normal);
        }
    }
}
