package io.lvs4j.netlink;

import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.netlink.internal.DestAttrs;
import io.lvs4j.netlink.internal.IpvsCodec;
import io.lvs4j.netlink.internal.NlMessage;
import io.lvs4j.netlink.internal.NlWriter;
import io.lvs4j.netlink.internal.SvcAttrs;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Replies built by hand with the attribute numbers of {@code linux/ip_vs.h} (written here as
 * literals, not taken from the codec), decoded and mapped to the public status types: each
 * kernel counter lands in the field of its name.
 */
class ServiceStateTest {
    // linux/ip_vs.h
    private static final int CMD_NEW_SERVICE = 1;
    private static final int CMD_NEW_DEST = 5;
    private static final int CMD_ATTR_SERVICE = 1;
    private static final int CMD_ATTR_DEST = 2;
    private static final int SVC_AF = 1, SVC_PROTOCOL = 2, SVC_ADDR = 3, SVC_PORT = 4, SVC_SCHED = 6,
            SVC_FLAGS = 7, SVC_TIMEOUT = 8, SVC_NETMASK = 9, SVC_STATS = 10, SVC_STATS64 = 12;
    private static final int DEST_ADDR = 1, DEST_PORT = 2, DEST_FWD = 3, DEST_WEIGHT = 4, DEST_UTH = 5,
            DEST_LTH = 6, DEST_ACTIVE = 7, DEST_INACT = 8, DEST_PERSIST = 9, DEST_STATS = 10, DEST_AF = 11,
            DEST_STATS64 = 12;

    /** A stats nest: attribute i (1..10: conns, inpkts, outpkts, inbytes, outbytes, cps, inpps, outpps, inbps, outbps) = base + i. */
    private static void stats(NlWriter w, int type, boolean wide, long base) {
        int n = w.beginNest(type);
        for (int i = 1; i <= 10; i++) {
            boolean u64 = wide || i == 4 || i == 5; // the 32-bit set has 64-bit byte counters
            if (u64) {
                w.u64(i, base + i);
            } else {
                w.u32(i, (int) (base + i));
            }
        }
        w.endNest(n);
    }

    private static NlMessage reply(int cmd, Consumer<NlWriter> body) {
        NlWriter w = new NlWriter(Unpooled.buffer());
        int start = w.beginMessage(0x1c, 2 /* NLM_F_MULTI */, 1, 0);
        w.genl(cmd, 1);
        body.accept(w);
        w.endMessage(start);
        return NlMessage.next(w.buffer());
    }

    private static SvcAttrs service(boolean with64) throws Exception {
        NlMessage m = reply(CMD_NEW_SERVICE, w -> {
            int n = w.beginNest(CMD_ATTR_SERVICE);
            w.u16(SVC_AF, 2);
            w.u16(SVC_PROTOCOL, 6);
            w.bytes(SVC_ADDR, new byte[] {(byte) 192, 0, 2, 10});
            w.be16(SVC_PORT, 80);
            w.string(SVC_SCHED, "wrr");
            w.u32pair(SVC_FLAGS, 0, -1);
            w.u32(SVC_TIMEOUT, 0);
            w.be32(SVC_NETMASK, -1);
            stats(w, SVC_STATS, false, 1000);
            if (with64) {
                stats(w, SVC_STATS64, true, 5_000_000_000L);
            }
            w.endNest(n);
        });
        return IpvsCodec.readService(IpvsCodec.top(m));
    }

    private static DestAttrs dest(int lastOctet, int active, int inactive, int persistent, long base64) {
        NlMessage m = reply(CMD_NEW_DEST, w -> {
            int n = w.beginNest(CMD_ATTR_DEST);
            w.bytes(DEST_ADDR, new byte[] {10, 0, 0, (byte) lastOctet});
            w.be16(DEST_PORT, 8080);
            w.u32(DEST_FWD, 0);
            w.u32(DEST_WEIGHT, 3);
            w.u32(DEST_UTH, 0);
            w.u32(DEST_LTH, 0);
            w.u32(DEST_ACTIVE, active);
            w.u32(DEST_INACT, inactive);
            w.u32(DEST_PERSIST, persistent);
            stats(w, DEST_STATS, false, 20);
            w.u16(DEST_AF, 2);
            if (base64 >= 0) {
                stats(w, DEST_STATS64, true, base64);
            }
            w.endNest(n);
        });
        return IpvsCodec.readDest(IpvsCodec.top(m), 2);
    }

    private static ServiceState state(SvcAttrs s, List<DestAttrs> ds) {
        return ModelMapping.state(ModelMapping.service(s, ds), s, ds);
    }

    @Test
    void state_stats64Present_everyCounterInItsNamedField() throws Exception {
        ServiceState st = state(service(true), List.of(dest(2, 7, 8, 9, 300), dest(3, 0, 1, 0, 400)));
        long b = 5_000_000_000L;
        assertThat(st.stats()).isEqualTo(new IpvsStats(b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8,
                b + 9, b + 10));
        assertThat(st.stats().connections()).isEqualTo(5_000_000_001L);
        assertThat(st.stats().bytesOutPerSecond()).isEqualTo(5_000_000_010L);
        assertThat(st.service().key().toString()).isEqualTo("TCP 192.0.2.10:80");
        assertThat(st.realServers()).hasSize(2);
        RealServerState r = st.realServers().get(0);
        assertThat(r.server()).isEqualTo(RealServer.of("10.0.0.2", 8080).masquerade().weight(3).build());
        assertThat(r.activeConnections()).isEqualTo(7);
        assertThat(r.inactiveConnections()).isEqualTo(8);
        assertThat(r.persistentConnections()).isEqualTo(9);
        assertThat(r.isIdle()).isFalse();
        assertThat(r.stats()).isEqualTo(new IpvsStats(301, 302, 303, 304, 305, 306, 307, 308, 309, 310));
        assertThat(st.realServers().get(1).server().endpoint()).isEqualTo("10.0.0.3:8080");
        assertThat(st.realServers().get(1).isIdle()).isFalse();
    }

    @Test
    void state_only32BitStats_usesThem() throws Exception {
        ServiceState st = state(service(false), List.of(dest(2, 0, 0, 0, -1)));
        assertThat(st.stats()).isEqualTo(new IpvsStats(1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010));
        assertThat(st.realServers().get(0).stats()).isEqualTo(new IpvsStats(21, 22, 23, 24, 25, 26, 27, 28, 29, 30));
        assertThat(st.realServers().get(0).isIdle()).isTrue();
    }

    @Test
    void realServer_byAddressAndPort_findsItsState() throws Exception {
        ServiceState st = state(service(true), List.of(dest(2, 7, 8, 9, 300), dest(3, 0, 1, 0, 400)));
        assertThat(st.realServer(InetAddress.getByName("10.0.0.3"), 8080).orElseThrow().inactiveConnections())
                .isEqualTo(1);
        assertThat(st.realServer(InetAddress.getByName("10.0.0.3"), 80)).isEmpty();
    }

    @Test
    void constructor_realServersNotTheServices_rejected() {
        VirtualService vs = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("10.0.0.2", 80).masquerade()).build();
        RealServerState other = new RealServerState(RealServer.of("10.0.0.3", 80).masquerade().build(), 0, 0, 0,
                IpvsStats.ZERO);
        assertThatThrownBy(() -> new ServiceState(vs, IpvsStats.ZERO, List.of(other)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("real server state #1: \"10.0.0.3:80\" (expected: 10.0.0.2:80 as in TCP 192.0.2.10:80)");
        assertThatThrownBy(() -> new ServiceState(vs, IpvsStats.ZERO, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("number of real server states: 0 (expected: 1, one per real server of TCP 192.0.2.10:80)");
        assertThatThrownBy(() -> new RealServerState(RealServer.of("10.0.0.3", 80).build(), -1, 0, 0, IpvsStats.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("active connections: -1 (expected: ");
    }
}
