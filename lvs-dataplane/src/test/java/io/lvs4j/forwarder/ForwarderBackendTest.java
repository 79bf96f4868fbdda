package io.lvs4j.forwarder;


import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.ServiceState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.netlink.internal.PacketSocket;
import io.lvs4j.packet.Verdict;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder as an IPVS table, on a data plane without sockets (one interface,
 * 198.51.100.1/24): changes map onto its services and real servers with the kernel's errors,
 * what it cannot do is refused with EOPNOTSUPP and changes nothing, and the connection counts it
 * reports are its connection table's (connections made by frames through its packet path).
 */
class ForwarderBackendTest {
    private static final long OUR_MAC = ClientSegments.OUR_MAC;
    private static final long CLIENT_MAC = ClientSegments.CLIENT_MAC;
    private static final long RS1_MAC = 0x02_00_00_00_00_11L;
    private static final long RS2_MAC = 0x02_00_00_00_00_12L;
    private static final VirtualService WEB = VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.RR).build();
    private static final RealServer RS1 = RealServer.of("198.51.100.11", 80).masquerade().build();
    private static final RealServer RS2 = RealServer.of("198.51.100.12", 80).masquerade().weight(2).build();

    private long nanos;
    private ConnectionTable connections;
    private Dataplane plane;
    private ForwarderBackend table;

    @BeforeEach
    void plane() {
        connections = ConnectionTable.builder().ticker(() -> nanos).build();
        plane = new Dataplane(new PacketSocket[0], new long[] {OUR_MAC}, new int[][] {{0xC6336401}}, new int[][] {{24}},
                new long[][] {{}}, new long[][] {{}}, new int[][] {{}}, true, connections);
        table = new ForwarderBackend(plane, Timeouts.ofSeconds(900, 120, 300));
    }

    private void install() throws IpvsException {
        table.apply(List.of(Change.addService(WEB), Change.addServer(WEB, RS1), Change.addServer(WEB, RS2)));
        plane.neighbour(0, RS1.address(), RS1_MAC);
        plane.neighbour(0, RS2.address(), RS2_MAC);
    }

    private static ByteBuf segment(int port, int flags) {
        return ClientSegments.segment(0, port, flags);
    }

    private Verdict send(int port, int flags) {
        return plane.path().processFrame(segment(port, flags));
    }

    private ServiceState web() {
        return table.serviceStates().stream().filter(s -> s.service().key().equals(WEB.key())).findFirst()
                .orElseThrow();
    }

    @Test
    void apply_serviceAndRealServers_areWhatServiceStatesReport_newestFirst() throws Exception {
        install();
        ServiceState s = web();
        assertThat(s.service().toBuilder().clearRealServers().build()).isEqualTo(WEB);
        assertThat(s.realServers()).extracting(RealServerState::server).containsExactly(RS2, RS1);
        assertThat(s.realServers()).allSatisfy(r -> assertThat(r.isIdle()).isTrue());
    }

    @Test
    void newConnections_countAsInactiveOnTheirRealServer_thenActiveWhenEstablished() throws Exception {
        install();
        assertThat(send(40001, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(send(40002, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(send(40003, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        ServiceState s = web();
        assertThat(s.realServers().stream().mapToInt(RealServerState::inactiveConnections).sum()).isEqualTo(3);
        assertThat(s.realServers().stream().mapToInt(RealServerState::activeConnections).sum()).isZero();
        assertThat(s.realServers()).allSatisfy(r -> assertThat(r.inactiveConnections()).isBetween(1, 2));
    }

    @Test
    void editServer_weight_isChangedInPlace_andTheConnectionStays() throws Exception {
        install();
        send(40001, 0x02);
        int before = web().realServers().stream().mapToInt(RealServerState::inactiveConnections).sum();
        RealServer heavier = RS1.withWeight(7);
        table.apply(List.of(Change.editServer(WEB, heavier, RS1)));
        ServiceState s = web();
        assertThat(s.realServer(RS1.address(), 80).orElseThrow().server().weight()).isEqualTo(7);
        assertThat(s.realServers().stream().mapToInt(RealServerState::inactiveConnections).sum()).isEqualTo(before)
                .isEqualTo(1);
    }

    @Test
    void removeServer_withConnections_dropsTheirClientPackets_andNewOnesGoToTheOther() throws Exception {
        table.apply(List.of(Change.addService(WEB), Change.addServer(WEB, RS1)));
        plane.neighbour(0, RS1.address(), RS1_MAC);
        assertThat(send(40001, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        table.apply(List.of(Change.addServer(WEB, RS2), Change.removeServer(WEB, RS1)));
        plane.neighbour(0, RS2.address(), RS2_MAC);
        assertThat(send(40001, 0x10)).as("the removed real server's connection (expire_nodest_conn off)")
                .isEqualTo(Verdict.DROP);
        assertThat(send(40002, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(web().realServers()).extracting(r -> r.server().address())
                .containsExactly(RS2.address());
        assertThat(web().realServer(RS2.address(), 80).orElseThrow().inactiveConnections()).isEqualTo(1);
    }

    @Test
    void removeService_newConnectionsAreNotForwarded_andItIsGoneFromTheStates() throws Exception {
        install();
        assertThat(send(40001, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        table.apply(List.of(Change.removeService(WEB)));
        assertThat(table.serviceStates()).isEmpty();
        assertThat(send(40002, 0x02)).isNotEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(send(40001, 0x10)).as("its old connection").isEqualTo(Verdict.DROP);
        // added again: a new service with the same key takes new connections
        install();
        assertThat(send(40003, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(table.serviceStates()).hasSize(1);
    }

    @Test
    void editService_scheduler_isChangedInPlace_realServersAndConnectionsStay() throws Exception {
        install();
        send(40001, 0x02);
        VirtualService wrr = WEB.toBuilder().scheduler(Scheduler.WRR).build();
        table.apply(List.of(Change.editService(wrr)));
        ServiceState s = web();
        assertThat(s.service().scheduler()).isEqualTo(Scheduler.WRR);
        assertThat(s.realServers()).hasSize(2);
        assertThat(s.realServers().stream().mapToInt(RealServerState::inactiveConnections).sum()).isEqualTo(1);
        // a fresh wrr at 2:1 from now on: its first cycle of 3 new connections gives RS2 two of them
        int rs1Before = web().realServer(RS1.address(), 80).orElseThrow().inactiveConnections();
        int rs2Before = web().realServer(RS2.address(), 80).orElseThrow().inactiveConnections();
        for (int p = 40010; p < 40013; p++) {
            assertThat(send(p, 0x02)).isEqualTo(Verdict.TO_REAL_SERVER);
        }
        assertThat(web().realServer(RS2.address(), 80).orElseThrow().inactiveConnections() - rs2Before).isEqualTo(2);
        assertThat(web().realServer(RS1.address(), 80).orElseThrow().inactiveConnections() - rs1Before).isEqualTo(1);
    }

    @Test
    void apply_batchWithRefusedChanges_appliesTheOthers_andNamesEachFailureWithTheKernelsErrno() throws Exception {
        install();
        VirtualService mark = VirtualService.fwmark(7).build();
        VirtualService dns = VirtualService.udp("192.0.2.10", 53).build();
        RealServer far = RealServer.of("203.0.113.50", 53).masquerade().build();
        RealServer local = RealServer.of("198.51.100.13", 53).forwarding(io.lvs4j.Forwarding.LOCAL).build();
        List<Change> batch = List.of(Change.addService(WEB), Change.addService(mark), Change.addService(dns),
                Change.addServer(dns, far), Change.addServer(dns, local), Change.addServer(WEB, RS1),
                Change.removeServer(dns, RS1), Change.editService(VirtualService.tcp("192.0.2.10", 81).build()));
        assertThatThrownBy(() -> table.apply(batch)).isInstanceOfSatisfying(IpvsBatchException.class, e -> {
            assertThat(e.failures()).extracting(IpvsBatchException.Failure::index).containsExactly(0, 1, 3, 4, 5, 6, 7);
            assertThat(e.failures()).extracting(f -> f.error().errno()).containsExactly(17, 95, 95, 95, 17, 2, 3);
            assertThat(e.failures().get(1).error().getMessage())
                    .startsWith("IPVS_CMD_NEW_SERVICE failed: Operation not supported (errno 95)")
                    .contains("firewall marks");
            assertThat(e.failures().get(2).error().getMessage()).contains("203.0.113.50:53")
                    .contains("a connected subnet of the forwarder's interfaces");
            assertThat(e.failures().get(3).error().getMessage()).contains("no local delivery in userspace");
            assertThat(e.applied()).containsExactly(Change.addService(dns).toString());
        });
        assertThat(table.serviceStates()).extracting(s -> s.service().key().toString())
                .containsExactlyInAnyOrder("TCP 192.0.2.10:80", "UDP 192.0.2.10:53");
        assertThat(table.serviceStates().stream().filter(s -> s.service().key().equals(dns.key())).findFirst()
                .orElseThrow().realServers()).isEmpty();
    }

    @Test
    void timeouts_otherThanTheForwardersAreRefused_theSameOnesOrUnchangedAreNot() throws Exception {
        assertThat(table.timeouts()).isEqualTo(Timeouts.ofSeconds(900, 120, 300));
        table.apply(List.of(Change.setTimeouts(Timeouts.ofSeconds(900, 0, 300))));
        assertThatThrownBy(() -> table.apply(List.of(Change.setTimeouts(Timeouts.ofSeconds(60, 0, 0)))))
                .isInstanceOfSatisfying(IpvsBatchException.class, e -> {
                    assertThat(e.errno()).isEqualTo(95);
                    assertThat(e.failures().get(0).error().getMessage()).contains("fixed when it opens: 900 120 300");
                });
    }

    @Test
    void syncDaemons_noneRun_startingOneIsRefused() {
        assertThat(table.daemons()).isEmpty();
        SyncDaemon d = SyncDaemon.builder(SyncDaemon.Role.MASTER, "eth0").build();
        assertThatThrownBy(() -> table.startDaemon(d)).isInstanceOfSatisfying(IpvsException.class,
                e -> assertThat(e.errno()).isEqualTo(95));
        assertThatThrownBy(() -> table.stopDaemon(SyncDaemon.Role.BACKUP)).isInstanceOfSatisfying(IpvsException.class,
                e -> assertThat(e.errno()).isEqualTo(3));
    }

    @Test
    void reconcilerDrain_removedRealServerWithAConnection_staysAtWeight0UntilTheConnectionExpires() throws Exception {
        install();
        send(40001, 0x02); // SYN_RECV: 60 s
        RealServer busy = web().realServers().stream().filter(x -> !x.isIdle()).findFirst().orElseThrow().server();
        RealServer other = busy.equals(RS1) ? RS2 : RS1;
        Reconciler r = Reconciler.builder(table).drainTimeout(java.time.Duration.ofMinutes(10)).ticker(() -> nanos)
                .build();
        ReconcileResult started = r.reconcile(DirectorConfig.builder()
                .service(WEB.toBuilder().realServer(other).build()).build());
        assertThat(started.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
        assertThat(started.draining()).hasSize(1);
        RealServerState drained = web().realServer(busy.address(), 80).orElseThrow();
        assertThat(drained.server().weight()).isZero();
        assertThat(drained.inactiveConnections()).isEqualTo(1);
        assertThat(r.progressDrains().applied()).as("its connection is still in the table").isEmpty();
        nanos += 61_000_000_000L;
        connections.advance();
        assertThat(r.progressDrains().applied()).extracting(Change::kind).containsExactly(Change.Kind.REMOVE_SERVER);
        assertThat(web().realServers()).extracting(RealServerState::server).containsExactly(other);
    }

    @Test
    void reconciler_bringsTheForwarderToTheConfiguration_thenHasNothingLeftToDo() throws Exception {
        VirtualService want = WEB.toBuilder().realServer(RS1).realServer(RS2).build();
        Reconciler r = Reconciler.builder(table).build();
        ReconcileResult first = r.reconcile(DirectorConfig.builder().service(want).build());
        assertThat(first.applied()).extracting(Change::kind).containsExactly(Change.Kind.ADD_SERVICE,
                Change.Kind.ADD_SERVER, Change.Kind.ADD_SERVER);
        assertThat(r.reconcile(DirectorConfig.builder().service(want).build()).applied()).isEmpty();
        VirtualService changed = WEB.toBuilder().realServer(RS1.withWeight(5)).build();
        assertThat(r.reconcile(DirectorConfig.builder().service(changed).build()).applied()).extracting(Change::kind)
                .containsExactlyInAnyOrder(Change.Kind.EDIT_SERVER, Change.Kind.REMOVE_SERVER);
        assertThat(web().realServers().stream().map(x -> x.server().endpoint() + "=" + x.server().weight())
                .collect(Collectors.joining(" "))).isEqualTo("198.51.100.11:80=5");
        table.flush();
        assertThat(table.serviceStates()).isEmpty();
    }
}
