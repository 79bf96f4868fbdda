package io.lvs4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.conn.TcpState;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import io.netty.buffer.ByteBuf;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * A SYN flood through the packet path: past the table's limit or threshold new flows are dropped
 * and counted by reason, while the packets of the connections it holds are rewritten as before.
 */
class PacketPathFloodTest {
    static final long RS_MAC = 0x5254_0000_0002L;
    static final long OUR_MAC = 0x5254_0000_0001L;

    final long[] clock = {0};
    int draw = Integer.MAX_VALUE;
    final RandomGenerator dial = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int nextInt(int bound) {
            return Math.min(draw, bound - 1);
        }
    };

    PacketPath path(ConnectionTable t) {
        PacketPath p = new PacketPath(t).localMac(OUR_MAC);
        DestinationTable d = DestinationTable.create(AddressFamily.INET);
        int h = d.add(Addresses.parse("10.0.0.2", "t"), 8080, 1);
        int svc = t.addService(VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("10.0.0.2", 8080)).build(),
                ServiceScheduler.of(Scheduler.RR, d));
        p.destinationMac(svc, h, RS_MAC);
        return p;
    }

    static ByteBuf client(String src, int port, int flags) {
        return PacketPathTest.frame(Ref.ipv4(6, src, "192.0.2.10", Ref.tcp(port, 80, flags, new byte[0])), 0);
    }

    static ByteBuf server(String dst, int port, int flags) {
        return PacketPathTest.frame(Ref.ipv4(6, "10.0.0.2", dst, Ref.tcp(8080, port, flags, new byte[0])), 0);
    }

    /** A NAT handshake through the path; returns the connection. */
    static int handshake(PacketPath p, ConnectionTable t, String client, int port) {
        assertThat(p.processFrame(client(client, port, 0x02))).isEqualTo(Verdict.TO_REAL_SERVER);
        int c = p.lastConnection();
        assertThat(p.processFrame(server(client, port, 0x12))).isEqualTo(Verdict.TO_CLIENT);
        assertThat(p.processFrame(client(client, port, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.ESTABLISHED);
        return c;
    }

    @Test
    void synFlood_pastTheLimit_isDroppedAsTableFull_andEstablishedFlowsGoOnBothWays() {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).maxConnections(8).defenseThreshold(8)
                .build();
        PacketPath p = path(t);
        int a = handshake(p, t, "198.51.100.7", 40000);
        int b = handshake(p, t, "198.51.100.8", 40000);
        for (int i = 0; i < 100; i++) { // spoofed sources
            p.processFrame(client("203.0.113." + (i + 1), 1024 + i, 0x02));
        }
        assertThat(t.size()).isEqualTo(8);
        assertThat(p.drops().count(DropReason.TABLE_FULL)).isEqualTo(94);
        assertThat(p.drops().count(DropReason.EARLY_DROP)).isZero();
        assertThat(p.drops().total()).isEqualTo(94);
        ByteBuf last = client("203.0.113.200", 9, 0x02);
        assertThat(p.processFrame(last)).isEqualTo(Verdict.DROP);
        assertThat(p.lastDrop()).isEqualTo(DropReason.TABLE_FULL);
        for (int round = 0; round < 3; round++) {
            assertThat(p.processFrame(client("198.51.100.7", 40000, 0x18))).isEqualTo(Verdict.TO_REAL_SERVER);
            assertThat(p.lastConnection()).isEqualTo(a);
            assertThat(p.processFrame(server("198.51.100.8", 40000, 0x18))).isEqualTo(Verdict.TO_CLIENT);
            assertThat(p.lastConnection()).isEqualTo(b);
        }
        assertThat(p.drops().total()).isEqualTo(95);
    }

    @Test
    void synFlood_pastTheThreshold_isDroppedEarly_whenTheDrawSaysSo() {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).maxConnections(100).defenseThreshold(4)
                .random(dial).build();
        PacketPath p = path(t);
        int a = handshake(p, t, "198.51.100.7", 40000);
        for (int i = 0; i < 3; i++) {
            assertThat(p.processFrame(client("203.0.113." + (i + 1), 1024, 0x02))).isEqualTo(Verdict.TO_REAL_SERVER);
        }
        assertThat(t.underPressure()).isTrue();
        draw = 0; // fill 4 at the threshold: probability 0, admitted; then 1/96 > 0: dropped
        assertThat(p.processFrame(client("203.0.113.10", 1024, 0x02))).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(p.processFrame(client("203.0.113.11", 1024, 0x02))).isEqualTo(Verdict.DROP);
        assertThat(p.lastDrop()).isEqualTo(DropReason.EARLY_DROP);
        assertThat(p.drops().count(DropReason.EARLY_DROP)).isEqualTo(1);
        assertThat(t.earlyDrops()).isEqualTo(1);
        assertThat(p.processFrame(client("198.51.100.7", 40000, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(p.lastConnection()).isEqualTo(a);
    }

    @Test
    void ackFlood_withSloppyTcp_pastTheLimit_isDroppedAsTableFull_andEstablishedFlowsGoOn() {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).maxConnections(8).defenseThreshold(8)
                .build();
        PacketPath p = path(t).sloppyTcp(true);
        int a = handshake(p, t, "198.51.100.7", 40000);
        int b = handshake(p, t, "198.51.100.8", 40000);
        for (int i = 0; i < 100; i++) { // spoofed mid-flow packets, each of an unknown flow
            p.processFrame(client("203.0.113." + (i + 1), 1024 + i, 0x10));
        }
        assertThat(t.size()).isEqualTo(8);
        assertThat(p.drops().count(DropReason.TABLE_FULL)).isEqualTo(94);
        assertThat(p.drops().total()).isEqualTo(94);
        for (int round = 0; round < 3; round++) {
            assertThat(p.processFrame(client("198.51.100.7", 40000, 0x18))).isEqualTo(Verdict.TO_REAL_SERVER);
            assertThat(p.lastConnection()).isEqualTo(a);
            assertThat(p.processFrame(server("198.51.100.8", 40000, 0x18))).isEqualTo(Verdict.TO_CLIENT);
            assertThat(p.lastConnection()).isEqualTo(b);
        }
    }

    @Test
    void ackFlood_withSloppyTcp_pastTheThreshold_isDroppedEarly_whenTheDrawSaysSo() {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).maxConnections(100).defenseThreshold(4)
                .random(dial).build();
        PacketPath p = path(t).sloppyTcp(true);
        handshake(p, t, "198.51.100.7", 40000);
        for (int i = 0; i < 3; i++) {
            assertThat(p.processFrame(client("203.0.113." + (i + 1), 1024, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        }
        draw = 0;
        assertThat(p.processFrame(client("203.0.113.10", 1024, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(p.processFrame(client("203.0.113.11", 1024, 0x10))).isEqualTo(Verdict.DROP);
        assertThat(p.lastDrop()).isEqualTo(DropReason.EARLY_DROP);
        assertThat(t.earlyDrops()).isEqualTo(1);
    }

    @Test
    void ackFlood_withSloppyTcp_underPressure_entriesWaitOnlyTheHalfOpenTimeout_andEstablishedStay() {
        // CLOSE lasts 10 s and is not half-open by state; a sloppy entry is half-open until its server answers
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).maxConnections(100).defenseThreshold(2)
                .halfOpenTimeout(java.time.Duration.ofSeconds(2)).random(dial).build();
        PacketPath p = path(t).sloppyTcp(true);
        int a = handshake(p, t, "198.51.100.7", 40000);
        for (int i = 0; i < 4; i++) {
            assertThat(p.processFrame(client("203.0.113." + (i + 1), 1024, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        }
        int answered = p.lastConnection();
        assertThat(p.processFrame(server("203.0.113.4", 1024, 0x10))).isEqualTo(Verdict.TO_CLIENT);
        assertThat(t.size()).isEqualTo(5);
        assertThat(t.underPressure()).isTrue();
        clock[0] += 3_000_000_000L; // past the half-open timeout, within CLOSE's 10 s
        t.advance();
        assertThat(t.size()).isEqualTo(2); // the three unanswered sloppy entries went
        assertThat(t.tcpState(a)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(t.sloppy(answered)).isFalse();
        assertThat(p.processFrame(client("198.51.100.7", 40000, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(p.lastConnection()).isEqualTo(a);
    }

    @Test
    void sloppyEntries_underPressure_areSweptLikeHalfOpenOnes() {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).maxConnections(40).defenseThreshold(4)
                .random(dial).build();
        PacketPath p = path(t).sloppyTcp(true);
        int a = handshake(p, t, "198.51.100.7", 40000);
        for (int i = 0; i < 20; i++) {
            assertThat(p.processFrame(client("203.0.113." + (i + 1), 1024, 0x10))).isEqualTo(Verdict.TO_REAL_SERVER);
        }
        int before = t.size();
        assertThat(before).isEqualTo(21);
        draw = 0; // the sweep's draw: drop
        clock[0] += 2_000_000_000L; // within every timeout: only the sweep can remove them
        t.advance();
        assertThat(t.halfOpenEvictions()).isPositive();
        assertThat(t.size()).isLessThan(before);
        assertThat(t.tcpState(a)).isEqualTo(TcpState.ESTABLISHED);
    }
}
