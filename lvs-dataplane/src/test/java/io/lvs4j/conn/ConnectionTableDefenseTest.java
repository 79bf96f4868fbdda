package io.lvs4j.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.AddressFamily;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The connection table's limit and flood defence (issue 16, point 3): it never holds more than its
 * limit nor grows its arrays past it, and past its threshold it drops new and half-open connections
 * at random, more as it fills, and shortens half-open timeouts, never touching established ones.
 * The random numbers are injected, so each outcome is exact or, where a rate is checked, seeded.
 */
class ConnectionTableDefenseTest {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int SCTP = 132;
    static final int SYN = 0x02;
    static final int ACK = 0x10;
    static final int VIP = 0xC000020A; // 192.0.2.10

    final long[] clock = {1_000_000_000L};

    /** Draws what {@link #value} says: {@code bound - 1} admits everything, 0 drops whatever it may. */
    static final class Dial implements RandomGenerator {
        int value = Integer.MAX_VALUE;
        int calls;

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only nextInt(bound)");
        }

        @Override
        public int nextInt(int bound) {
            calls++;
            return Math.min(value, bound - 1);
        }
    }

    ConnectionTable.Builder builder() {
        return ConnectionTable.builder().ticker(() -> clock[0]).hashSeed(42);
    }

    void at(ConnectionTable t, double seconds) {
        clock[0] = 1_000_000_000L + (long) (seconds * 1e9);
        t.advance();
    }

    /** Advances tick by tick (100 ms) over {@code [from, to]} seconds, as a forwarder does, so each tick sweeps. */
    void tickUntil(ConnectionTable t, int fromTenths, int toTenths) {
        for (int d = fromTenths; d <= toTenths; d++) {
            clock[0] = 1_000_000_000L + d * 100_000_000L;
            t.advance();
        }
    }

    static final class Svc {
        final DestinationTable dests = DestinationTable.create(AddressFamily.INET);
        final int r1;
        final int r2;
        final int id;

        Svc(ConnectionTable t, VirtualService.Builder vs) {
            VirtualService s = vs.realServer(RealServer.of("10.0.0.1", 8080))
                    .realServer(RealServer.of("10.0.0.2", 8080)).build();
            r1 = dests.add(s.realServers().get(0).address(), 8080, 1);
            r2 = dests.add(s.realServers().get(1).address(), 8080, 1);
            id = t.addService(s, ServiceScheduler.of(Scheduler.RR, dests));
        }

        int inactive() {
            return dests.inactiveConnections(r1) + dests.inactiveConnections(r2);
        }

        int active() {
            return dests.activeConnections(r1) + dests.activeConnections(r2);
        }
    }

    /** A client's SYN as the packet path hands it over: connect, then the SYN's transition. */
    static int syn(ConnectionTable t, Svc s, int client, int port) {
        int id = t.connectIpv4(s.id, TCP, client, port, VIP, 80);
        if (id > 0) {
            t.inbound(id, SYN);
        }
        return id;
    }

    /** A NAT handshake: SYN in, SYN-ACK out, ACK in. */
    static int established(ConnectionTable t, Svc s, int client, int port) {
        int id = syn(t, s, client, port);
        assertThat(id).isPositive();
        t.outbound(id, SYN | ACK);
        t.inbound(id, ACK);
        assertThat(t.tcpState(id)).isEqualTo(TcpState.ESTABLISHED);
        return id;
    }

    @Test
    void connect_atTheLimit_isRefusedAsFull_countsIt_andTheArraysNeverGrowPastIt() {
        ConnectionTable t = builder().expectedConnections(10).maxConnections(100).defenseThreshold(100).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        List<Integer> ids = new ArrayList<>();
        int full = 0;
        for (int i = 0; i < 150; i++) {
            int id = syn(t, s, 0x0A000000 + i, 1000 + i);
            if (id == ConnectionTable.FULL) {
                full++;
            } else {
                assertThat(id).isPositive();
                ids.add(id);
            }
        }
        assertThat(ids).hasSize(100);
        assertThat(full).isEqualTo(50);
        assertThat(t.size()).isEqualTo(100);
        assertThat(t.fullDrops()).isEqualTo(50);
        assertThat(t.earlyDrops()).isZero();
        assertThat(t.entryCapacity()).isLessThanOrEqualTo(100);
        // key records (64 bytes), entry lines (64) and free list (4) for ids 0..100 after their
        // alignment pads, 256 index slots of 32 bytes (100 entries > 3/4 of 128), the wheel, 5 headers
        assertThat(t.memoryBytes()).isEqualTo(8 * (6 + 8 * 101) + 4 * (12 + 16 * 101) + 4 * 101 + 8 * (6 + 4 * 256)
                + 4 * 1024 + 5 * 16);
        assertThat(s.inactive()).isEqualTo(100); // the refused ones were never bound
        assertThat(t.checkIndex()).isNull();
        // the connections it holds go on at the limit: their packets are forwarded and refresh them
        for (int i = 0; i < 100; i++) {
            assertThat(t.inbound(ids.get(i), ACK)).isEqualTo(ConnectionTable.FORWARD);
        }
        assertThat(t.lookupInIpv4(TCP, 0x0A000000 + 120, 1120, VIP, 80)).isEqualTo(ConnectionTable.NONE);
    }

    @Test
    void connect_afterEntriesExpire_isAdmittedAgain() {
        ConnectionTable t = builder().maxConnections(20).defenseThreshold(20).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        at(t, 0);
        for (int i = 0; i < 20; i++) {
            assertThat(syn(t, s, 0x0A000000 + i, 1000)).isPositive();
        }
        assertThat(syn(t, s, 0x0B000000, 1000)).isEqualTo(ConnectionTable.FULL);
        at(t, 61); // SYN_RECV's 60 s are up
        assertThat(t.size()).isZero();
        assertThat(syn(t, s, 0x0B000000, 1000)).isPositive();
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void connect_persistentOneBelowTheLimit_refusesTemplateAndConnectionTogether() {
        ConnectionTable t = builder().maxConnections(11).defenseThreshold(11).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(60));
        for (int i = 0; i < 5; i++) {
            assertThat(syn(t, s, 0x0A000000 + (i << 8), 1000)).isPositive(); // a template and a connection each
        }
        assertThat(t.size()).isEqualTo(10);
        // a new client needs two entries and only one is left: neither is made, the scheduler is not asked
        assertThat(syn(t, s, 0x0B000000, 1000)).isEqualTo(ConnectionTable.FULL);
        assertThat(t.size()).isEqualTo(10);
        assertThat(t.templateCount()).isEqualTo(5);
        // a known client needs only the connection: its template is there
        int id = syn(t, s, 0x0A000000, 2000);
        assertThat(id).isPositive();
        assertThat(t.size()).isEqualTo(11);
        assertThat(t.destination(id)).isEqualTo(t.destination(t.lookupInIpv4(TCP, 0x0A000000, 1000, VIP, 80)));
        assertThat(t.checkIndex()).isNull();
    }

    @Test
    void earlyDrop_pastTheThreshold_dropsNewConnectionsOnceTheDrawIsBelowTheFillPastIt() {
        Dial dial = new Dial();
        ConnectionTable t = builder().maxConnections(1000).defenseThreshold(500).random(dial).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        dial.value = 250; // drop once the fill is more than 250 past the threshold (probability > 1/2)
        int first = -1;
        for (int i = 0; i < 1000 && first < 0; i++) {
            int id = syn(t, s, 0x0A000000 + i, 1000);
            if (id == ConnectionTable.EARLY_DROP) {
                first = i;
            }
        }
        assertThat(first).isEqualTo(751);
        assertThat(t.size()).isEqualTo(751);
        assertThat(t.earlyDrops()).isEqualTo(1);
        assertThat(dial.calls).isEqualTo(752 - 500); // no draw below the threshold
        assertThat(t.lookupInIpv4(TCP, 0x0A000000 + 751, 1000, VIP, 80)).isEqualTo(ConnectionTable.NONE);
        assertThat(s.inactive()).isEqualTo(751);
    }

    @Test
    void earlyDrop_rate_risesLinearlyFromTheThresholdToTheLimit() {
        Dial dial = new Dial();
        ConnectionTable t = builder().maxConnections(1000).defenseThreshold(500).random(dial).build();
        Svc filler = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        // one-packet UDP connections are never hashed: offering them leaves the fill where it is
        Svc ops = new Svc(t, VirtualService.udp("192.0.2.10", 53).onePacket(true));
        SplittableRandom seeded = new SplittableRandom(16);
        int fill = 0;
        for (int target : new int[] {500, 600, 750, 900, 999}) {
            dial.value = Integer.MAX_VALUE;
            while (fill < target) {
                assertThat(syn(t, filler, 0x0A000000 + fill, 1000)).isPositive();
                fill++;
            }
            RandomGenerator draws = seeded;
            int dropped = 0;
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                dial.value = draws.nextInt(500);
                int id = t.connectIpv4(ops.id, UDP, 0x0B000000 + i, 53, VIP, 53);
                if (id == ConnectionTable.EARLY_DROP) {
                    dropped++;
                } else {
                    assertThat(id).isEqualTo(ConnectionTable.TRANSIENT);
                }
            }
            double expected = (target - 500) / 500.0;
            assertThat((double) dropped / n).as("drop rate at fill %d", target).isBetween(expected - 0.015,
                    expected + 0.015);
            assertThat(t.size()).isEqualTo(target);
        }
    }

    @Test
    void halfOpenTimeout_appliesPastTheThresholdOnly_andNeverToEstablished() {
        Dial dial = new Dial();
        ConnectionTable t = builder().maxConnections(100).defenseThreshold(10).halfOpenTimeout(Duration.ofSeconds(2))
                .random(dial).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        at(t, 0);
        int before = syn(t, s, 0x0A000001, 1000); // under the threshold: SYN_RECV's own 60 s
        assertThat(t.remaining(before)).isEqualTo(Duration.ofSeconds(60));
        List<Integer> est = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            est.add(established(t, s, 0x0A000100 + i, 1000));
        }
        assertThat(t.underPressure()).isTrue();
        int during = syn(t, s, 0x0A000002, 1000);
        assertThat(t.tcpState(during)).isEqualTo(TcpState.SYN_RECV);
        assertThat(t.remaining(during)).isEqualTo(Duration.ofSeconds(2));
        // a retransmitted SYN restarts it at 2 s again, and established ones keep their 15 minutes
        t.inbound(during, SYN);
        assertThat(t.remaining(during)).isEqualTo(Duration.ofSeconds(2));
        int late = established(t, s, 0x0A000003, 1000);
        assertThat(t.remaining(late)).isEqualTo(Duration.ofMinutes(15));
        at(t, 3);
        assertThat(t.lookupInIpv4(TCP, 0x0A000002, 1000, VIP, 80)).isEqualTo(ConnectionTable.NONE);
        assertThat(t.lookupInIpv4(TCP, 0x0A000001, 1000, VIP, 80)).isEqualTo(before); // made before: 60 s
        for (int id : est) {
            assertThat(t.inbound(id, ACK)).isEqualTo(ConnectionTable.FORWARD);
        }
        assertThat(t.halfOpenEvictions()).isZero(); // the dial never drops
    }

    @Test
    void halfOpenTimeout_sctpBeforeEstablished_isShortenedToo() {
        ConnectionTable t = builder().maxConnections(10).defenseThreshold(2).halfOpenTimeout(Duration.ofMillis(1500))
                .random(new Dial()).build();
        Svc s = new Svc(t, VirtualService.sctp("192.0.2.10", 80));
        at(t, 0);
        int a = t.connectIpv4(s.id, SCTP, 0x0A000001, 1000, VIP, 80); // the first entry: under the threshold
        int b = t.connectIpv4(s.id, SCTP, 0x0A000002, 1000, VIP, 80);
        t.inbound(b, 1); // INIT
        assertThat(t.sctpState(b)).isEqualTo(SctpState.INIT1);
        assertThat(t.remaining(b)).isEqualTo(Duration.ofMillis(1500)); // INIT1's own is 4 s
        assertThat(t.remaining(a)).isEqualTo(Duration.ofSeconds(3)); // a new connection's own 3 s
    }

    @Test
    void sweep_pastTheThreshold_dropsHalfOpenConnections_untilUnderIt_andNoEstablishedOne() {
        Dial dial = new Dial();
        ConnectionTable t = builder().expectedConnections(1000).maxConnections(1000).defenseThreshold(300)
                .halfOpenTimeout(Duration.ofSeconds(120)).random(dial).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        at(t, 0);
        List<Integer> est = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            est.add(established(t, s, 0x0A000000 + i, 1000));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(syn(t, s, 0x0B000000 + i, 2000)).isPositive();
        }
        assertThat(t.size()).isEqualTo(600);
        dial.value = 0; // from now on whatever may be dropped is
        tickUntil(t, 1, 330); // a 32nd of the index a second: all of it in 33 s
        // at the threshold the drop probability is 0: the sweep leaves it there
        assertThat(t.size()).isEqualTo(300);
        assertThat(t.halfOpenEvictions()).isEqualTo(300);
        for (int i = 0; i < 100; i++) {
            assertThat(t.lookupInIpv4(TCP, 0x0A000000 + i, 1000, VIP, 80)).isEqualTo(est.get(i));
            assertThat(t.tcpState(est.get(i))).isEqualTo(TcpState.ESTABLISHED);
        }
        assertThat(s.active()).isEqualTo(100);
        assertThat(s.inactive()).isEqualTo(200); // the dropped ones were unbound
        assertThat(t.checkIndex()).isNull();
    }

    @Test
    void sweep_spreadsOverTheIndex_aThirtySecondASecond() {
        Dial dial = new Dial();
        ConnectionTable t = builder().expectedConnections(3000).maxConnections(3000).defenseThreshold(1)
                .halfOpenTimeout(Duration.ofSeconds(120)).random(dial).build();
        Svc s = new Svc(t, VirtualService.tcp("192.0.2.10", 80));
        at(t, 0);
        for (int i = 0; i < 2000; i++) {
            assertThat(syn(t, s, 0x0B000000 + i, 2000)).isPositive();
        }
        dial.value = 0;
        tickUntil(t, 1, 80); // a quarter of the index
        long quarter = t.halfOpenEvictions();
        assertThat(quarter).isBetween(400L, 600L);
        tickUntil(t, 81, 330);
        assertThat(t.halfOpenEvictions()).isEqualTo(2000 - 1); // down to the threshold of 1
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void sweep_neverDropsUdpConnectionsOrTemplates() {
        Dial dial = new Dial();
        ConnectionTable t = builder().maxConnections(100).defenseThreshold(1).random(dial).build();
        Svc udp = new Svc(t, VirtualService.udp("192.0.2.10", 53));
        Svc web = new Svc(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(300));
        at(t, 0);
        for (int i = 0; i < 10; i++) {
            int u = t.connectIpv4(udp.id, UDP, 0x0A000000 + i, 5000, VIP, 53);
            assertThat(u).isPositive();
            t.inbound(u, 0); // UDP's 300 s
            established(t, web, 0x0B000000 + (i << 8), 1000);
        }
        assertThat(t.size()).isEqualTo(30);
        dial.value = 0;
        tickUntil(t, 1, 330);
        assertThat(t.size()).isEqualTo(30);
        assertThat(t.halfOpenEvictions()).isZero();
    }

    @Test
    void builder_defaultsDeriveFromTheExpectedConnections() {
        ConnectionTable small = builder().build();
        assertThat(small.maxConnections()).isEqualTo(65_536);
        assertThat(small.defenseThreshold()).isEqualTo(49_152);
        ConnectionTable big = builder().expectedConnections(100_000).build();
        assertThat(big.maxConnections()).isEqualTo(400_000);
        assertThat(big.defenseThreshold()).isEqualTo(300_000);
        ConnectionTable capped = builder().maxConnections(100).build();
        assertThat(capped.maxConnections()).isEqualTo(100);
        assertThat(capped.defenseThreshold()).isEqualTo(75);
        assertThat(capped.entryCapacity()).isEqualTo(100); // the default 1024 expected yields to the limit
    }

    @Test
    void builder_badLimitsAndConflicts_areRejectedNamingTheSetting() {
        assertThatThrownBy(() -> builder().maxConnections(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("max connections: 0 (expected: 1..");
        assertThatThrownBy(() -> builder().defenseThreshold(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("defense threshold: 0 (expected: 1..");
        assertThatThrownBy(() -> builder().expectedConnections(ConnectionTable.MAX_CONNECTIONS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("expected connections: ");
        assertThatThrownBy(() -> builder().halfOpenTimeout(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("half-open timeout: PT0.099S (expected: 100 ms..2678400 s)");
        assertThatThrownBy(() -> builder().expectedConnections(2000).maxConnections(1000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected connections: 2000 (expected: at most max connections, 1000)");
        assertThatThrownBy(() -> builder().maxConnections(1000).defenseThreshold(1001).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defense threshold: 1001 (expected: at most max connections, 1000)");
    }
}
