package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * Limits learned from replies: crafted ones (attribute numbers of {@code linux/ip_vs.h} written
 * as literals) for older kernels, and the real 6.1 kernel's from the capture.
 */
class NestLimitsTest {
    private static final int IPVS = 0x1c;

    /** A GET_DEST reply whose destination nest holds attribute types 1..highest (u32 each; 1 as 4 bytes). */
    private static NlAttrs destReply(int highest) {
        NlWriter w = new NlWriter(Unpooled.buffer());
        int start = w.beginMessage(IPVS, 2, 1, 0);
        w.genl(5, 1);
        int n = w.beginNest(2); // IPVS_CMD_ATTR_DEST
        for (int t = 1; t <= highest; t++) {
            w.u32(t, 0);
        }
        w.endNest(n);
        w.endMessage(start);
        return IpvsCodec.top(NlMessage.next(w.buffer()));
    }

    private static ByteBuf newDest(int af, String addr, int tunType, int tunPort, int tunFlags) throws Exception {
        NlWriter w = new NlWriter(Unpooled.buffer());
        int start = IpvsCodec.begin(w, IPVS, IpvsProto.CMD_NEW_DEST, Nl.NLM_F_ACK, 1, 0);
        IpvsCodec.service(w, SvcAttrs.key(2, 6, InetAddress.getByName("192.0.2.10"), 80), false);
        IpvsCodec.dest(w, new DestAttrs(af, InetAddress.getByName(addr), 80, tunType >= 0 ? 2 : 0, 1, 0, 0, 0, 0, 0,
                null, null, tunType, tunPort, tunFlags), true);
        w.endMessage(start);
        return w.buffer();
    }

    @Test
    void learn_kernelWithoutTunnels_refusesGueButNotPlainOrDefaultIpip() throws Exception {
        NestLimits l = new NestLimits();
        l.learn(destReply(12)); // up to IPVS_DEST_ATTR_STATS64
        assertThat(l.dest()).isEqualTo(12);
        assertThat(l.service()).isEqualTo(-1);
        assertThat(l.check(newDest(2, "10.0.0.2", 1, 6080, 0))).isEqualTo("IPVS_DEST_ATTR_TUN_TYPE (13) is unknown to"
                + " this kernel, which knows destination attributes up to 12 (learned from its replies); it would"
                + " silently ignore it, and the real server would get a plain IPIP tunnel");
        assertThat(l.check(newDest(2, "10.0.0.2", 0, 0, 1))).startsWith("IPVS_DEST_ATTR_TUN_FLAGS (15) is unknown");
        assertThat(l.check(newDest(2, "10.0.0.2", 0, 0, 0))).isNull(); // IPIP, what that kernel does anyway
        assertThat(l.check(newDest(2, "10.0.0.2", -1, 0, 0))).isNull();
        assertThat(NestLimits.setsTunnelAttributes(newDest(2, "10.0.0.2", 1, 6080, 0))).isTrue();
        assertThat(NestLimits.setsTunnelAttributes(newDest(2, "10.0.0.2", 0, 0, 0))).isFalse();
    }

    @Test
    void learn_kernelWithoutDestFamily_refusesOnlyAnotherFamily() throws Exception {
        NestLimits l = new NestLimits();
        l.learn(destReply(10));
        assertThat(l.check(newDest(2, "10.0.0.2", -1, 0, 0))).isNull();
        assertThat(l.check(newDest(10, "2001:db8::2", -1, 0, 0)))
                .startsWith("IPVS_DEST_ATTR_ADDR_FAMILY (11) is unknown to this kernel, which knows destination"
                        + " attributes up to 10");
    }

    @Test
    void learn_nothingLearned_everythingPasses() throws Exception {
        NestLimits l = new NestLimits();
        assertThat(l.dest()).isEqualTo(-1);
        assertThat(l.check(newDest(2, "10.0.0.2", 1, 6080, 1))).isNull();
    }

    @Test
    void learn_realKernel61Dump_knowsTunnelsAndStats64() throws Exception {
        NestLimits l = new NestLimits();
        for (byte[] d : StraceCapture.load("15-list-stats.txt").allReceived()) {
            ByteBuf b = Unpooled.wrappedBuffer(d);
            while (b.isReadable()) {
                NlMessage m = NlMessage.next(b);
                if (m.type == IPVS && (m.genlCommand() == IpvsProto.CMD_NEW_SERVICE || m.genlCommand() == IpvsProto.CMD_NEW_DEST)) {
                    l.learn(IpvsCodec.top(m));
                }
            }
        }
        assertThat(l.service()).isEqualTo(12); // IPVS_SVC_ATTR_STATS64
        assertThat(l.dest()).isEqualTo(15); // IPVS_DEST_ATTR_TUN_FLAGS
        assertThat(l.check(newDest(2, "10.0.0.2", 1, 6080, 1))).isNull();
    }

    @Test
    void learn_neverLowers() {
        NestLimits l = new NestLimits();
        l.learn(destReply(15));
        l.learn(destReply(9));
        assertThat(l.dest()).isEqualTo(15);
    }
}
