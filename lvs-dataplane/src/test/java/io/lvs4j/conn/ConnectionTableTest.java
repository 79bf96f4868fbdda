package io.lvs4j.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int SCTP = 132;
    static final int SYN = 0x02;
    static final int ACK = 0x10;
    static final int FIN = 0x01;
    static final int RST = 0x04;

    final long[] clock = {1_000_000_000L};

    static int v4(String s) {
        byte[] b = Addresses.parse(s, "test").getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    ConnectionTable.Builder builder() {
        return ConnectionTable.builder().ticker(() -> clock[0]).hashSeed(42);
    }

    void at(ConnectionTable t, double seconds) {
        clock[0] = 1_000_000_000L + (long) (seconds * 1e9);
        t.advance();
    }

    /** A service with real servers 10.0.0.1 and 10.0.0.2 (port 8080), scheduler rr. */
    static final class Fixture {
        final DestinationTable dests = DestinationTable.create(AddressFamily.INET);
        final int r1;
        final int r2;
        final int svc;
        final ConnectionTable table;

        Fixture(ConnectionTable table, VirtualService.Builder vs, Forwarding fwd) {
            this.table = table;
            VirtualService s = vs.realServer(RealServer.of("10.0.0.1", 8080).forwarding(fwd))
                    .realServer(RealServer.of("10.0.0.2", 8080).forwarding(fwd)).build();
            // ports as the model resolved them (direct routing and tunnels keep the service's)
            r1 = dests.add(s.realServers().get(0).address(), s.realServers().get(0).port(), 1);
            r2 = dests.add(s.realServers().get(1).address(), s.realServers().get(1).port(), 1);
            svc = table.addService(s, ServiceScheduler.of(Scheduler.RR, dests));
        }

        int connect(int proto, String client, int cport) {
            return table.connectIpv4(svc, proto, v4(client), cport, v4("192.0.2.10"), 80);
        }
    }

    Fixture tcp(ConnectionTable t) {
        return new Fixture(t, VirtualService.tcp("192.0.2.10", 80), Forwarding.MASQ);
    }

    @Test
    void ticker_virtualClock_connectionExpiresOnTheClocksTime() {
        io.lvs4j.time.VirtualClock vc = new io.lvs4j.time.VirtualClock();
        ConnectionTable t = ConnectionTable.builder().ticker(vc).hashSeed(42).build(); // the house's one clock
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        t.inbound(c, SYN); // SYN_RECV: 60 s
        vc.advance(Duration.ofSeconds(59));
        t.advance();
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.remaining(c)).isLessThanOrEqualTo(Duration.ofSeconds(1)).isPositive();
        vc.advance(Duration.ofSeconds(2));
        t.advance();
        assertThat(t.size()).isZero();
    }

    @Test
    void tcpHandshake_followsKernelTable_andMovesCountsToActive() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        int d = t.destination(c);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.NONE);
        assertThat(f.dests.inactiveConnections(d)).isEqualTo(1);
        assertThat(f.dests.activeConnections(d)).isZero();

        assertThat(t.inbound(c, SYN)).isEqualTo(ConnectionTable.FORWARD);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.SYN_RECV);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(60));
        t.outbound(c, SYN | ACK); // output syn from SYN_RECV stays SYN_RECV
        assertThat(t.tcpState(c)).isEqualTo(TcpState.SYN_RECV);
        t.inbound(c, ACK);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(t.active(c)).isTrue();
        assertThat(f.dests.activeConnections(d)).isEqualTo(1);
        assertThat(f.dests.inactiveConnections(d)).isZero();
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(900));

        t.inbound(c, FIN | ACK); // fin wins over ack: ES -> CLOSE_WAIT on input
        assertThat(t.tcpState(c)).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(f.dests.activeConnections(d)).isZero();
        assertThat(f.dests.inactiveConnections(d)).isEqualTo(1);
        t.outbound(c, FIN | ACK); // CW -> TIME_WAIT on output fin
        assertThat(t.tcpState(c)).isEqualTo(TcpState.TIME_WAIT);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(120));
        t.inbound(c, RST);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.CLOSE);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void tcpPacketWithoutKnownFlags_goesToClose() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        t.inbound(c, 0x08); // PSH only
        assertThat(t.tcpState(c)).isEqualTo(TcpState.CLOSE);
    }

    @Test
    void directRouting_usesInputOnlyTable_untilServerSpeaks() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80), Forwarding.ROUTE);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        t.inbound(c, SYN);
        t.inbound(c, ACK);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.ESTABLISHED);
        t.inbound(c, FIN | ACK); // INPUT-ONLY: ES -> FIN_WAIT (INPUT would give CLOSE_WAIT)
        assertThat(t.tcpState(c)).isEqualTo(TcpState.FIN_WAIT);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void established_expiresAfter900s_andUnbinds() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        at(t, 0);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        int d = t.destination(c);
        t.inbound(c, SYN);
        t.inbound(c, ACK);
        at(t, 899.8);
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80)).isEqualTo(c);
        at(t, 900.2);
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80))
                .isEqualTo(ConnectionTable.NONE);
        assertThat(f.dests.activeConnections(d)).isZero();
        assertThat(f.dests.inactiveConnections(d)).isZero();
        assertThat(t.size()).isZero();
    }

    @Test
    void shorterTimeoutAfterStateChange_expiresEarly() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        at(t, 0);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        t.inbound(c, SYN);
        t.inbound(c, ACK);
        at(t, 100);
        t.inbound(c, RST); // CLOSE: 10 s from now
        at(t, 109.8);
        assertThat(t.size()).isEqualTo(1);
        at(t, 110.2);
        assertThat(t.size()).isZero();
    }

    @Test
    void configuredTimeouts_replaceKernelDefaults() {
        ConnectionTable t = builder().timeouts(Timeouts.ofSeconds(60, 30, 20))
                .tcpTimeout(TcpState.SYN_RECV, Duration.ofSeconds(5)).build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        t.inbound(c, SYN);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(5));
        t.inbound(c, ACK);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> ConnectionTable.builder().udpTimeout(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("udp timeout: PT1.5S (expected: whole seconds");
    }

    @Test
    void udp_staysInactive_withUdpTimeout() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.udp("192.0.2.10", 80), Forwarding.MASQ);
        at(t, 0);
        int c = f.connect(UDP, "198.51.100.1", 5353);
        t.inbound(c, 0);
        t.outbound(c, 0);
        assertThat(t.active(c)).isFalse();
        assertThat(f.dests.inactiveConnections(t.destination(c))).isEqualTo(1);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(300));
        at(t, 300.2);
        assertThat(t.size()).isZero();
    }

    @Test
    void sctpAssociation_setupAndAbort_followKernelTable() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.sctp("192.0.2.10", 80), Forwarding.MASQ);
        int c = f.connect(SCTP, "198.51.100.1", 5000);
        int d = t.destination(c);
        t.inbound(c, 1); // INIT
        assertThat(t.sctpState(c)).isEqualTo(SctpState.INIT1);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(4));
        t.outbound(c, 2); // INIT ACK
        assertThat(t.sctpState(c)).isEqualTo(SctpState.COOKIE_SENT);
        t.inbound(c, 10); // COOKIE ECHO
        assertThat(t.sctpState(c)).isEqualTo(SctpState.COOKIE_REPLIED);
        t.outbound(c, 11); // COOKIE ACK
        assertThat(t.sctpState(c)).isEqualTo(SctpState.ESTABLISHED);
        assertThat(f.dests.activeConnections(d)).isEqualTo(1);
        t.inbound(c, 0); // DATA
        assertThat(t.sctpState(c)).isEqualTo(SctpState.ESTABLISHED);
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(900));
        t.inbound(c, 6); // ABORT
        assertThat(t.sctpState(c)).isEqualTo(SctpState.CLOSED);
        assertThat(f.dests.activeConnections(d)).isZero();
        assertThat(t.remaining(c)).isEqualTo(Duration.ofSeconds(61));
    }

    @Test
    void withoutPersistence_roundRobinAlternates() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        int a = f.connect(TCP, "198.51.100.1", 1);
        int b = f.connect(TCP, "198.51.100.1", 2);
        assertThat(t.destination(a)).isNotEqualTo(t.destination(b));
        assertThat(t.templateCount()).isZero();
        assertThat(t.destinationPort(a)).isEqualTo(8080);
    }

    @Test
    void persistence_sendsClientSubnetToOneDestination_throughOneTemplate() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(60)
                .persistenceNetmask("255.255.255.0"), Forwarding.MASQ);
        int a = f.connect(TCP, "198.51.100.5", 1);
        int b = f.connect(TCP, "198.51.100.6", 2);
        int c = f.connect(TCP, "203.0.113.1", 3);
        assertThat(t.destination(b)).isEqualTo(t.destination(a));
        assertThat(t.destination(c)).isNotEqualTo(t.destination(a));
        assertThat(t.templateCount()).isEqualTo(2);
        int tpl = t.template(a);
        assertThat(t.template(b)).isEqualTo(tpl);
        assertThat(t.isTemplate(tpl)).isTrue();
        assertThat(t.controlled(tpl)).isEqualTo(2);
        assertThat(t.clientIpv4(tpl)).isEqualTo(v4("198.51.100.0"));
        assertThat(t.clientPort(tpl)).isZero();
        assertThat(t.virtualPort(tpl)).isEqualTo(80);
        assertThat(t.destinationPort(tpl)).isEqualTo(8080);
        assertThat(t.remaining(tpl)).isEqualTo(Duration.ofSeconds(60));
        // templates do not count on the destination
        assertThat(f.dests.inactiveConnections(t.destination(a))).isEqualTo(2);
    }

    @Test
    void template_outlivesItsTimeoutWhileControlling_thenExpires() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(60), Forwarding.MASQ);
        at(t, 0);
        int a = f.connect(TCP, "198.51.100.5", 1);
        int tpl = t.template(a);
        t.inbound(a, SYN);
        t.inbound(a, ACK); // 900 s
        at(t, 61);
        assertThat(t.templateCount()).isEqualTo(1);
        int again = f.connect(TCP, "198.51.100.5", 2); // reuses the template and restarts its timer
        assertThat(t.template(again)).isEqualTo(tpl);
        assertThat(t.remaining(tpl)).isEqualTo(Duration.ofSeconds(60));
        at(t, 900.05); // a expired at 900, again (NONE, 3 s) long ago
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.controlled(tpl)).isZero();
        // the kernel's template timer fires every 60 s from its restart at 61 s: 121, 181, ...,
        // 841, 901; the first firing that finds no controlled connection expires it
        assertThat(t.remaining(tpl)).isEqualTo(Duration.ofMillis(1000));
        at(t, 900.95);
        assertThat(t.size()).isEqualTo(1);
        at(t, 901.05);
        assertThat(t.size()).isZero();
        assertThat(t.templateCount()).isZero();
    }

    @Test
    void template_idleAfterLongControl_expiresAtItsNextPeriodBoundary() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(10), Forwarding.MASQ);
        at(t, 0);
        int a = f.connect(TCP, "198.51.100.5", 1);
        int tpl = t.template(a);
        t.inbound(a, SYN);
        t.inbound(a, ACK); // established: 900 s
        // advance in small steps past many template periods, as a running director does
        for (int s = 1; s <= 95; s++) {
            at(t, s * 10 + 0.05);
            t.inbound(a, ACK); // a stays established past the template's many periods
        }
        at(t, 953.05);
        assertThat(t.templateCount()).isEqualTo(1);
        t.inbound(a, FIN | ACK); // CLOSE_WAIT: 60 s more, a expires at 1013.05
        for (double s = 954; s < 1013; s += 7) {
            at(t, s);
            assertThat(t.templateCount()).isEqualTo(1);
        }
        at(t, 1013.1);
        assertThat(t.size()).isEqualTo(1); // a is gone; the template waits for its period
        assertThat(t.controlled(tpl)).isZero();
        at(t, 1019.95);
        assertThat(t.templateCount()).isEqualTo(1);
        // the template's timer fires every 10 s from its start: the first firing after 1013.05
        at(t, 1020.05);
        assertThat(t.size()).isZero();
    }

    @Test
    void portZeroService_templateHasVirtualPortZero() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 0).persistenceSeconds(60), Forwarding.ROUTE);
        int a = t.connectIpv4(f.svc, TCP, v4("198.51.100.5"), 1, v4("192.0.2.10"), 443);
        int b = t.connectIpv4(f.svc, TCP, v4("198.51.100.5"), 2, v4("192.0.2.10"), 22);
        assertThat(t.template(a)).isEqualTo(t.template(b));
        assertThat(t.virtualPort(t.template(a))).isZero();
        assertThat(t.destinationPort(t.template(a))).isZero();
        // the connection keeps the packet's port when it differs from the service's
        assertThat(t.destinationPort(a)).isEqualTo(443);
    }

    @Test
    void fwmarkService_templateUsesProtocolZeroAndTheMark() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.fwmark(7).persistenceSeconds(60), Forwarding.ROUTE);
        int a = t.connectIpv4(f.svc, TCP, v4("198.51.100.5"), 1, v4("192.0.2.10"), 443);
        int b = t.connectIpv4(f.svc, UDP, v4("198.51.100.5"), 2, v4("192.0.2.11"), 53);
        int tpl = t.template(a);
        assertThat(t.template(b)).isEqualTo(tpl);
        assertThat(t.destination(b)).isEqualTo(t.destination(a));
        assertThat(t.protocol(tpl)).isZero();
        assertThat(t.virtualIpv4(tpl)).isEqualTo(7);
    }

    @Test
    void quiescedDestination_keepsTemplate_unlessExpireQuiescentTemplate() {
        for (boolean expire : new boolean[] {false, true}) {
            ConnectionTable t = builder().expireQuiescentTemplate(expire).build();
            Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(60), Forwarding.MASQ);
            int a = f.connect(TCP, "198.51.100.5", 1);
            f.dests.weight(t.destination(a), 0);
            int b = f.connect(TCP, "198.51.100.5", 2);
            if (expire) {
                assertThat(t.destination(b)).isNotEqualTo(t.destination(a));
                assertThat(t.template(b)).isNotEqualTo(t.template(a));
                assertThat(t.templateCount()).isEqualTo(1); // the old one is unhashed
            } else {
                assertThat(t.destination(b)).isEqualTo(t.destination(a));
            }
        }
    }

    @Test
    void removedDestination_invalidatesTemplate_andNewConnectionsGoElsewhere() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(60), Forwarding.MASQ);
        int a = f.connect(TCP, "198.51.100.5", 1);
        int gone = t.destination(a);
        f.dests.remove(gone);
        int b = f.connect(TCP, "198.51.100.5", 2);
        assertThat(t.destination(b)).isNotEqualTo(gone);
    }

    @Test
    void expireNodestConn_dropsAndExpiresConnectionOfRemovedDestination() {
        for (boolean expire : new boolean[] {false, true}) {
            ConnectionTable t = builder().expireNodestConn(expire).build();
            Fixture f = tcp(t);
            int a = f.connect(TCP, "198.51.100.5", 1);
            int d = t.destination(a);
            f.dests.remove(d);
            assertThat(t.inbound(a, ACK)).isEqualTo(ConnectionTable.DROP);
            int found = t.lookupInIpv4(TCP, v4("198.51.100.5"), 1, v4("192.0.2.10"), 80);
            if (expire) {
                assertThat(found).isEqualTo(ConnectionTable.NONE);
                assertThat(t.size()).isZero();
                // unbound: the removed destination had nothing left, so its handle was released
                assertThatThrownBy(() -> f.dests.inactiveConnections(d)).isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThat(found).isEqualTo(a);
                assertThat(f.dests.inactiveConnections(d)).isEqualTo(1);
            }
        }
    }

    @Test
    void onePacketUdp_isNotHashed_andLeavesNoCount() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.udp("192.0.2.10", 53).onePacket(true), Forwarding.MASQ);
        int a = t.connectIpv4(f.svc, UDP, v4("198.51.100.5"), 1, v4("192.0.2.10"), 53);
        assertThat(a).isEqualTo(ConnectionTable.TRANSIENT);
        int first = t.destination(a);
        assertThat(t.size()).isZero();
        assertThat(f.dests.inactiveConnections(first)).isZero();
        assertThat(t.inbound(a, 0)).isEqualTo(ConnectionTable.FORWARD);
        int b = t.connectIpv4(f.svc, UDP, v4("198.51.100.5"), 1, v4("192.0.2.10"), 53);
        assertThat(t.destination(b)).isNotEqualTo(first); // rr moved on
    }

    @Test
    void noDestination_returnsNone() {
        ConnectionTable t = builder().build();
        DestinationTable empty = DestinationTable.create(AddressFamily.INET);
        int svc = t.addService(VirtualService.tcp("192.0.2.10", 80).build(), ServiceScheduler.of(Scheduler.RR, empty));
        assertThat(t.connectIpv4(svc, TCP, 1, 1, v4("192.0.2.10"), 80)).isEqualTo(ConnectionTable.NONE);
        assertThat(t.size()).isZero();
    }

    @Test
    void outLookup_findsConnectionByRealServerSide() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        int daddr = t.destinationIpv4(c);
        assertThat(t.lookupOutIpv4(TCP, daddr, 8080, v4("198.51.100.1"), 40000)).isEqualTo(c);
        assertThat(t.lookupOutIpv4(TCP, daddr, 8081, v4("198.51.100.1"), 40000)).isEqualTo(ConnectionTable.NONE);
        assertThat(t.lookupOutIpv4(UDP, daddr, 8080, v4("198.51.100.1"), 40000)).isEqualTo(ConnectionTable.NONE);
    }

    /** Drives a masquerading TCP connection through the handshake and both FINs into TIME_WAIT. */
    static void toTimeWait(ConnectionTable t, int c) {
        t.inbound(c, SYN);
        t.outbound(c, SYN | ACK);
        t.inbound(c, ACK);
        t.outbound(c, FIN | ACK);
        t.inbound(c, FIN | ACK);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void connReuse_synOnTimeWaitConnection_expiresItAndSchedulesAfresh() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        int first = t.destination(c);
        toTimeWait(t, c);
        assertThat(t.reuse(c, ACK)).isFalse(); // not a SYN: follows the old connection
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80)).isEqualTo(c);

        assertThat(t.reuse(c, SYN)).isTrue();
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80)).isEqualTo(ConnectionTable.NONE);
        assertThat(t.size()).isZero();
        assertThat(f.dests.inactiveConnections(first)).isZero();
        int n = f.connect(TCP, "198.51.100.1", 40000);
        assertThat(t.destination(n)).isNotEqualTo(first); // rr scheduled it afresh
        assertThat(t.tcpState(n)).isEqualTo(TcpState.NONE);
        assertThat(t.checkIndex()).isNull();
    }

    @Test
    void connReuse_synOnClosedConnection_reschedules_butNotOnEstablished() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        t.inbound(c, SYN);
        t.outbound(c, SYN | ACK);
        t.inbound(c, ACK);
        assertThat(t.reuse(c, SYN)).isFalse();
        assertThat(t.tcpState(c)).isEqualTo(TcpState.ESTABLISHED);
        t.inbound(c, RST);
        assertThat(t.tcpState(c)).isEqualTo(TcpState.CLOSE);
        assertThat(t.reuse(c, SYN)).isTrue();
        assertThat(t.size()).isZero();
    }

    @Test
    void connReuseModeZero_synOnTimeWaitConnection_followsOldConnection() {
        ConnectionTable t = builder().connReuseMode(0).build();
        Fixture f = tcp(t);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        toTimeWait(t, c);
        assertThat(t.reuse(c, SYN)).isFalse();
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80)).isEqualTo(c);
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void connReuse_connectionControlledByTemplate_followsOldConnection() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(300), Forwarding.MASQ);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        assertThat(t.template(c)).isNotEqualTo(ConnectionTable.NONE);
        toTimeWait(t, c);
        assertThat(t.reuse(c, SYN)).isFalse();
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80)).isEqualTo(c);
    }

    @Test
    void connReuse_expireNodestConnWithWeightZero_reschedulesEvenUnderTemplate() {
        ConnectionTable t = builder().expireNodestConn(true).build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(300), Forwarding.MASQ);
        int c = f.connect(TCP, "198.51.100.1", 40000);
        int tmpl = t.template(c);
        t.inbound(c, SYN);
        assertThat(t.reuse(c, SYN)).isFalse(); // SYN_RECV, weight 1
        f.dests.weight(t.destination(c), 0);
        assertThat(t.reuse(c, SYN)).isTrue();
        assertThat(t.controlled(tmpl)).isZero();
        assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2.10"), 80)).isEqualTo(ConnectionTable.NONE);
    }

    @Test
    void connReuseModeBit2_finWaitOfDirectRouting_reschedulesOnlyWithTheBit() {
        for (int mode : new int[] {1, 3}) {
            ConnectionTable t = builder().connReuseMode(mode).build();
            Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80), Forwarding.ROUTE);
            int c = f.connect(TCP, "198.51.100.1", 40000);
            t.inbound(c, SYN);
            t.inbound(c, ACK);
            t.inbound(c, FIN | ACK);
            assertThat(t.tcpState(c)).isEqualTo(TcpState.FIN_WAIT);
            assertThat(t.reuse(c, SYN)).isEqualTo(mode == 3);
            assertThat(t.size()).isEqualTo(mode == 3 ? 0 : 1);
        }
    }

    @Test
    void connReuse_sctpInitOnClosedAssociation_reschedules() {
        ConnectionTable t = builder().build();
        Fixture f = new Fixture(t, VirtualService.sctp("192.0.2.10", 80), Forwarding.MASQ);
        int c = f.connect(SCTP, "198.51.100.1", 40000);
        t.inbound(c, 1); // INIT
        assertThat(t.reuse(c, 1)).isFalse();
        t.inbound(c, 6); // ABORT
        assertThat(t.sctpState(c)).isEqualTo(SctpState.CLOSED);
        assertThat(t.reuse(c, 0)).isFalse(); // DATA is no new association
        assertThat(t.reuse(c, 1)).isTrue();
        assertThat(t.size()).isZero();
    }

    @Test
    void connReuseMode_outOfRange_isRejected() {
        assertThatThrownBy(() -> builder().connReuseMode(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conn_reuse_mode: 4");
    }

    /** Two NAT services (192.0.2.10 and .11 port 80) to the same real server 10.0.0.1:8080. */
    @Test
    void outLookup_twoServicesNatToOneRealServer_newestConnectionWins() {
        for (boolean aFirst : new boolean[] {true, false}) {
            clock[0] = 1_000_000_000L;
            ConnectionTable t = builder().build();
            int[] svc = new int[2];
            for (int i = 0; i < 2; i++) {
                DestinationTable d = DestinationTable.create(AddressFamily.INET);
                d.add(Addresses.parse("10.0.0.1", "t"), 8080, 1);
                svc[i] = t.addService(VirtualService.tcp("192.0.2." + (10 + i), 80)
                        .realServer(RealServer.of("10.0.0.1", 8080)).build(), ServiceScheduler.of(Scheduler.RR, d));
            }
            int first = aFirst ? 0 : 1;
            int older = t.connectIpv4(svc[first], TCP, v4("198.51.100.1"), 40000, v4("192.0.2." + (10 + first)), 80);
            int newer = t.connectIpv4(svc[1 - first], TCP, v4("198.51.100.1"), 40000,
                    v4("192.0.2." + (11 - first)), 80);
            assertThat(t.lookupOutIpv4(TCP, v4("10.0.0.1"), 8080, v4("198.51.100.1"), 40000)).isEqualTo(newer);
            // the newer one gone (CLOSE, 10 s), the older (SYN_RECV, 60 s) answers again
            t.inbound(older, SYN);
            t.inbound(newer, RST);
            at(t, 11);
            assertThat(t.lookupInIpv4(TCP, v4("198.51.100.1"), 40000, v4("192.0.2." + (11 - first)), 80))
                    .isEqualTo(ConnectionTable.NONE);
            assertThat(t.lookupOutIpv4(TCP, v4("10.0.0.1"), 8080, v4("198.51.100.1"), 40000)).isEqualTo(older);
            // a fresh connection through the other service is newest again
            int again = t.connectIpv4(svc[1 - first], TCP, v4("198.51.100.1"), 40000,
                    v4("192.0.2." + (11 - first)), 80);
            assertThat(t.lookupOutIpv4(TCP, v4("10.0.0.1"), 8080, v4("198.51.100.1"), 40000)).isEqualTo(again);
        }
    }

    @Test
    void outLookupIpv6_twoServicesNatToOneRealServer_newestConnectionWins() {
        ConnectionTable t = builder().build();
        int[] svc = new int[2];
        for (int i = 0; i < 2; i++) {
            DestinationTable d = DestinationTable.create(AddressFamily.INET6);
            d.add(Addresses.parse("2001:db8::2", "t"), 8080, 1);
            svc[i] = t.addService(VirtualService.tcp("2001:db8::1" + i, 80).build(), ServiceScheduler.of(Scheduler.RR, d));
        }
        long cHi = 0x20010db800000001L;
        int older = t.connectIpv6(svc[0], TCP, cHi, 0x99L, 555, 0x20010db800000000L, 0x10L, 80);
        int newer = t.connectIpv6(svc[1], TCP, cHi, 0x99L, 555, 0x20010db800000000L, 0x11L, 80);
        assertThat(older).isNotEqualTo(newer);
        assertThat(t.lookupOutIpv6(TCP, 0x20010db800000000L, 0x2L, 8080, cHi, 0x99L, 555)).isEqualTo(newer);
    }

    @Test
    void ipv6_connectAndLookBothWays() {
        ConnectionTable t = builder().build();
        DestinationTable dests = DestinationTable.create(AddressFamily.INET6);
        int h = dests.add(Addresses.parse("2001:db8::2", "t"), 8080, 1);
        int svc = t.addService(VirtualService.tcp("2001:db8::10", 80).build(), ServiceScheduler.of(Scheduler.RR, dests));
        assertThat(t.findServiceIpv6(TCP, 0x20010db800000000L, 0x10L, 80)).isEqualTo(svc);
        int c = t.connectIpv6(svc, TCP, 0x20010db800000001L, 0x99L, 555, 0x20010db800000000L, 0x10L, 80);
        assertThat(t.destination(c)).isEqualTo(h);
        assertThat(t.destinationHigh(c)).isEqualTo(0x20010db800000000L);
        assertThat(t.destinationLow(c)).isEqualTo(2L);
        assertThat(t.lookupInIpv6(TCP, 0x20010db800000001L, 0x99L, 555, 0x20010db800000000L, 0x10L, 80)).isEqualTo(c);
        assertThat(t.lookupInIpv6(TCP, 0x20010db800000001L, 0x98L, 555, 0x20010db800000000L, 0x10L, 80))
                .isEqualTo(ConnectionTable.NONE);
        assertThat(t.lookupOutIpv6(TCP, 0x20010db800000000L, 2L, 8080, 0x20010db800000001L, 0x99L, 555)).isEqualTo(c);
        // an IPv4 key with the same low bits is another key
        assertThat(t.lookupInIpv4(TCP, 0x99, 555, 0x10, 80)).isEqualTo(ConnectionTable.NONE);
    }

    @Test
    void ipv6AndIpv4Growth_rehomesEverySlot_andKeepsBothSidesFindable() {
        ConnectionTable t = builder().expectedConnections(0).build();
        DestinationTable d6 = DestinationTable.create(AddressFamily.INET6);
        d6.add(Addresses.parse("2001:db8::2", "t"), 8080, 1);
        d6.add(Addresses.parse("2001:db8::3", "t"), 8080, 1);
        int s6 = t.addService(VirtualService.tcp("2001:db8::10", 80).build(), ServiceScheduler.of(Scheduler.RR, d6));
        Fixture f4 = tcp(t);
        int initial = t.indexCapacity();
        int n = 3000;
        int[] ids6 = new int[n];
        int[] ids4 = new int[n];
        for (int i = 0; i < n; i++) {
            ids6[i] = t.connectIpv6(s6, TCP, 0x20010db8_0000_0001L + (i & 3), 0x1000L + i, 1024 + i, 0x20010db800000000L,
                    0x10L, 80);
            ids4[i] = t.connectIpv4(f4.svc, TCP, 0x0A000000 + i, 2048 + i, v4("192.0.2.10"), 80);
        }
        assertThat(t.indexCapacity()).isGreaterThanOrEqualTo(initial * 128);
        assertThat(t.size()).isEqualTo(2 * n);
        assertThat(t.checkIndex()).isNull();
        for (int i = 0; i < n; i++) {
            int c6 = ids6[i];
            assertThat(t.lookupInIpv6(TCP, 0x20010db8_0000_0001L + (i & 3), 0x1000L + i, 1024 + i, 0x20010db800000000L,
                    0x10L, 80)).isEqualTo(c6);
            assertThat(t.lookupOutIpv6(TCP, t.destinationHigh(c6), t.destinationLow(c6), 8080,
                    0x20010db8_0000_0001L + (i & 3), 0x1000L + i, 1024 + i)).isEqualTo(c6);
            int c4 = ids4[i];
            assertThat(t.lookupInIpv4(TCP, 0x0A000000 + i, 2048 + i, v4("192.0.2.10"), 80)).isEqualTo(c4);
            assertThat(t.lookupOutIpv4(TCP, t.destinationIpv4(c4), 8080, 0x0A000000 + i, 2048 + i)).isEqualTo(c4);
            // the other server's side, or a port off by one, is not the connection
            assertThat(t.lookupOutIpv4(TCP, t.destinationIpv4(c4) ^ 3, 8080, 0x0A000000 + i, 2048 + i))
                    .isEqualTo(ConnectionTable.NONE);
            assertThat(t.lookupOutIpv4(TCP, t.destinationIpv4(c4), 8081, 0x0A000000 + i, 2048 + i))
                    .isEqualTo(ConnectionTable.NONE);
        }
    }

    @Test
    void persistenceWithIpv6Prefix_masksClient() {
        ConnectionTable t = builder().build();
        DestinationTable dests = DestinationTable.create(AddressFamily.INET6);
        dests.add(Addresses.parse("2001:db8::2", "t"), 80, 1);
        dests.add(Addresses.parse("2001:db8::3", "t"), 80, 1);
        int svc = t.addService(VirtualService.tcp("2001:db8::10", 80).persistenceSeconds(60)
                .persistencePrefixLength(48).build(), ServiceScheduler.of(Scheduler.RR, dests));
        int a = t.connectIpv6(svc, TCP, 0x20010db8_aaaa_0001L, 1L, 1, 0x20010db800000000L, 0x10L, 80);
        int b = t.connectIpv6(svc, TCP, 0x20010db8_aaaa_ffffL, 7L, 2, 0x20010db800000000L, 0x10L, 80);
        int c = t.connectIpv6(svc, TCP, 0x20010db8_aaab_0001L, 1L, 3, 0x20010db800000000L, 0x10L, 80);
        assertThat(t.destination(b)).isEqualTo(t.destination(a));
        assertThat(t.destination(c)).isNotEqualTo(t.destination(a));
    }

    @Test
    void growthAndChurn_keepEveryLiveEntryFindable() {
        ConnectionTable t = builder().expectedConnections(0).build();
        Fixture f = new Fixture(t, VirtualService.udp("192.0.2.10", 80), Forwarding.MASQ);
        int initial = t.indexCapacity();
        at(t, 0);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            t.connectIpv4(f.svc, UDP, 0x0A000000 + i, 1000 + (i & 0xFFF), v4("192.0.2.10"), 80);
        }
        assertThat(t.indexCapacity()).isGreaterThan(initial);
        at(t, 200);
        Set<Integer> late = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int id = t.connectIpv4(f.svc, UDP, 0x0B000000 + i, 7, v4("192.0.2.10"), 80);
            t.inbound(id, 0);
            late.add(id);
        }
        assertThat(late).hasSize(n);
        at(t, 250); // the first batch (NONE, 3 s) has gone
        assertThat(t.size()).isEqualTo(n);
        assertThat(t.checkIndex()).isNull();
        for (int i = 0; i < n; i++) {
            assertThat(t.lookupInIpv4(UDP, 0x0A000000 + i, 1000 + (i & 0xFFF), v4("192.0.2.10"), 80))
                    .isEqualTo(ConnectionTable.NONE);
            assertThat(t.lookupInIpv4(UDP, 0x0B000000 + i, 7, v4("192.0.2.10"), 80)).isNotEqualTo(ConnectionTable.NONE);
        }
        // reinsert where the expired ones were
        for (int i = 0; i < n; i++) {
            t.connectIpv4(f.svc, UDP, 0x0A000000 + i, 1000 + (i & 0xFFF), v4("192.0.2.10"), 80);
        }
        assertThat(t.size()).isEqualTo(2 * n);
        for (int i = 0; i < n; i++) {
            assertThat(t.lookupInIpv4(UDP, 0x0A000000 + i, 1000 + (i & 0xFFF), v4("192.0.2.10"), 80))
                    .isNotEqualTo(ConnectionTable.NONE);
        }
        at(t, 600);
        assertThat(t.size()).isZero();
        assertThat(f.dests.inactiveConnections(f.r1) + f.dests.inactiveConnections(f.r2)).isZero();
    }

    @Test
    void steadyChurn_keepsIndexSize_andLeavesNoHoles() {
        ConnectionTable t = builder().expectedConnections(4096).build();
        Fixture f = new Fixture(t, VirtualService.udp("192.0.2.10", 80), Forwarding.MASQ);
        int capacity = t.indexCapacity();
        at(t, 0);
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 2000; i++) {
                int id = t.connectIpv4(f.svc, UDP, round << 16 | i, 9, v4("192.0.2.10"), 80);
                assertThat(id).isNotEqualTo(ConnectionTable.NONE);
            }
            at(t, 4 * (round + 1)); // the previous round's connections (3 s) expire
            assertThat(t.size()).isZero();
            assertThat(t.checkIndex()).isNull(); // deletion left every remaining run intact
        }
        assertThat(t.indexCapacity()).isEqualTo(capacity);
        assertThat(f.dests.inactiveConnections(f.r1) + f.dests.inactiveConnections(f.r2)).isZero();
    }

    @Test
    void millionConnections_insertAndFind() {
        int n = 1_000_000;
        ConnectionTable t = builder().expectedConnections(n).build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80), Forwarding.MASQ);
        int capacity = t.indexCapacity();
        for (int i = 0; i < n; i++) {
            t.connectIpv4(f.svc, TCP, 0x0A000000 + (i >>> 4), 1024 + (i & 15), v4("192.0.2.10"), 80);
        }
        assertThat(t.size()).isEqualTo(n);
        assertThat(t.indexCapacity()).isEqualTo(capacity); // sized up front: no growth
        assertThat(t.checkIndex()).isNull();
        for (int i = 0; i < n; i += 7) {
            int id = t.lookupInIpv4(TCP, 0x0A000000 + (i >>> 4), 1024 + (i & 15), v4("192.0.2.10"), 80);
            assertThat(t.clientPort(id)).isEqualTo(1024 + (i & 15));
        }
        assertThat(f.dests.inactiveConnections(f.r1)).isEqualTo(n / 2);
    }

    @Test
    void prefetch_ofABatchAndOfAnySlotNumbers_changesNothing() {
        ConnectionTable t = builder().expectedConnections(4096).build();
        Fixture f = new Fixture(t, VirtualService.tcp("192.0.2.10", 80), Forwarding.MASQ);
        SplittableRandom r = new SplittableRandom(9);
        int n = 3000;
        int[] ca = new int[n];
        int[] cp = new int[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ca[i] = r.nextInt();
            cp[i] = 1 + r.nextInt(65535);
            ids[i] = t.connectIpv4(f.svc, TCP, ca[i], cp[i], v4("192.0.2.10"), 80);
        }
        int size = t.size();
        int[] slots = new int[n + 64];
        for (int i = 0; i < n; i++) {
            slots[i] = t.indexSlotIpv4(TCP, ca[i], cp[i]);
            assertThat(slots[i]).isBetween(0, t.indexCapacity() - 1);
        }
        for (int i = n; i < slots.length; i++) {
            slots[i] = r.nextInt(); // stale or made-up slot numbers only read some line
        }
        t.prefetch(slots, 0, slots.length, false);
        t.prefetch(slots, 0, slots.length, true);
        t.prefetch(slots, 5, 0, true);
        assertThat(t.size()).isEqualTo(size);
        assertThat(t.checkIndex()).isNull();
        for (int i = 0; i < n; i++) {
            assertThat(t.lookupInIpv4(TCP, ca[i], cp[i], v4("192.0.2.10"), 80)).isEqualTo(ids[i]);
            assertThat(t.lookupOutIpv4(TCP, t.destinationIpv4(ids[i]), 8080, ca[i], cp[i])).isEqualTo(ids[i]);
        }
    }

    @Test
    void prefetch_badRangeOrFlow_isRejected() {
        ConnectionTable t = builder().build();
        assertThatThrownBy(() -> t.prefetch(new int[4], 2, 3, true)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.prefetch(new int[4], -1, 1, false)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.indexSlotIpv4(256, 1, 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: protocol 0..255, ports 0..65535");
        assertThatThrownBy(() -> t.indexSlotIpv6(6, 0, 1, 65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: protocol 0..255, ports 0..65535");
    }

    /** A flow of the churn model: where it was made and when it must be gone. */
    record Flow(long cHi, int caddr, int cport, int id, int dport, long goneAt) {
    }

    void churnAgainstModel(boolean v6) {
        // 2,048 slots filled to about a third with clustered, wrapping probe runs; UDP: 3 s until the
        // first packet (state NONE), then the configured 7 s after each packet
        ConnectionTable t = builder().expectedConnections(1500).udpTimeout(Duration.ofSeconds(7)).build();
        DestinationTable dests = DestinationTable.create(v6 ? AddressFamily.INET6 : AddressFamily.INET);
        int svc;
        int[] h = new int[2];
        if (v6) {
            h[0] = dests.add(Addresses.parse("2001:db8::a", "test"), 8080, 1);
            h[1] = dests.add(Addresses.parse("2001:db8::b", "test"), 8080, 1);
            svc = t.addService(VirtualService.udp("2001:db8::10", 80).build(), ServiceScheduler.of(Scheduler.RR, dests));
        } else {
            h[0] = dests.add(Addresses.parse("10.0.0.1", "test"), 8080, 1);
            h[1] = dests.add(Addresses.parse("10.0.0.2", "test"), 8080, 1);
            svc = t.addService(VirtualService.udp("192.0.2.10", 80).build(), ServiceScheduler.of(Scheduler.RR, dests));
        }
        int capacity = t.indexCapacity();
        long vHi = 0x20010db800000000L;
        SplittableRandom r = new SplittableRandom(7);
        Map<Long, Flow> model = new HashMap<>();
        int removedSeen = 0;
        for (int step = 0; step < 300; step++) {
            at(t, step);
            // the model's expiries, to the second: a flow made or refreshed at s with timeout T is gone at s + T
            List<Long> gone = new ArrayList<>();
            for (Map.Entry<Long, Flow> e : model.entrySet()) {
                if (e.getValue().goneAt() <= step) {
                    gone.add(e.getKey());
                }
            }
            for (Long key : gone) {
                Flow f = model.remove(key);
                int found = v6 ? t.lookupInIpv6(UDP, f.cHi(), f.caddr(), f.cport(), vHi, 0x10, 80)
                        : t.lookupInIpv4(UDP, f.caddr(), f.cport(), v4("192.0.2.10"), 80);
                assertThat(found).as("expired flow %s at %d s", f, step).isEqualTo(ConnectionTable.NONE);
                removedSeen++;
            }
            assertThat(t.checkIndex()).as("after expiry at %d s", step).isNull();
            assertThat(t.size()).isEqualTo(model.size());
            // new flows: few distinct client addresses, so many share a hash neighbourhood
            for (int k = 0; k < 40 && model.size() < 700; k++) {
                long cHi = v6 ? vHi | r.nextInt(4) : 0;
                int caddr = 0x0A000000 | r.nextInt(64);
                int cport = 1024 + r.nextInt(60000);
                long key = cHi << 40 ^ (long) caddr << 16 ^ cport;
                if (model.containsKey(key)) {
                    continue;
                }
                int id = v6 ? t.connectIpv6(svc, UDP, cHi, caddr, cport, vHi, 0x10, 80)
                        : t.connectIpv4(svc, UDP, caddr, cport, v4("192.0.2.10"), 80);
                assertThat(id).isGreaterThan(0);
                long goneAt = step + 3;
                if (r.nextInt(3) == 0) {
                    t.inbound(id, 0);
                    goneAt = step + 7;
                }
                model.put(key, new Flow(cHi, caddr, cport, id, t.destinationPort(id), goneAt));
            }
            // refresh some live flows
            List<Long> keys = new ArrayList<>(model.keySet());
            for (int k = 0; k < 15 && !keys.isEmpty(); k++) {
                Long key = keys.get(r.nextInt(keys.size()));
                Flow f = model.get(key);
                t.inbound(f.id(), 0);
                model.put(key, new Flow(f.cHi(), f.caddr(), f.cport(), f.id(), f.dport(), step + 7));
            }
            assertThat(t.checkIndex()).as("after inserts at %d s", step).isNull();
            // every live flow is found from both sides
            for (Flow f : model.values()) {
                int in = v6 ? t.lookupInIpv6(UDP, f.cHi(), f.caddr(), f.cport(), vHi, 0x10, 80)
                        : t.lookupInIpv4(UDP, f.caddr(), f.cport(), v4("192.0.2.10"), 80);
                assertThat(in).as("live flow %s at %d s", f, step).isEqualTo(f.id());
                int out = v6 ? t.lookupOutIpv6(UDP, t.destinationHigh(f.id()), t.destinationLow(f.id()), f.dport(),
                        f.cHi(), f.caddr(), f.cport())
                        : t.lookupOutIpv4(UDP, t.destinationIpv4(f.id()), f.dport(), f.caddr(), f.cport());
                assertThat(out).isEqualTo(f.id());
            }
        }
        assertThat(removedSeen).isGreaterThan(5000);
        assertThat(t.indexCapacity()).isEqualTo(capacity);
        assertThat(dests.inactiveConnections(h[0]) + dests.inactiveConnections(h[1])).isEqualTo(model.size());
    }

    @Test
    void randomChurnIpv4_matchesAModel_andKeepsTheIndexConsistent() {
        churnAgainstModel(false);
    }

    @Test
    void randomChurnIpv6_matchesAModel_andKeepsTheIndexConsistent() {
        churnAgainstModel(true);
    }

    @Test
    void badArguments_areRejectedWithTheProjectGrammar() {
        ConnectionTable t = builder().build();
        Fixture f = tcp(t);
        assertThatThrownBy(() -> t.lookupInIpv4(TCP, 1, 70000, 2, 80))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(expected: protocol 0..255, ports 0..65535)");
        assertThatThrownBy(() -> t.inbound(12345, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("connection: 12345 (expected: a live connection id)");
        assertThatThrownBy(() -> t.connectIpv4(9, TCP, 1, 1, 1, 80))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("service: 9");
        int c = f.connect(TCP, "198.51.100.1", 1);
        assertThatThrownBy(() -> t.sctpState(c)).isInstanceOf(IllegalStateException.class);
    }
}
