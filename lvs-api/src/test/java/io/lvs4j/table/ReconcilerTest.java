package io.lvs4j.table;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Draining and failure reporting on the in-memory table, with a hand-driven ticker. */
class ReconcilerTest {
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private final InMemoryIpvs table = new InMemoryIpvs();
    private long nanos = 1_000_000_000L;
    private Reconciler rec;

    private static final VirtualService THREE = VirtualService.tcp("192.0.2.10", 80).scheduler("wrr")
            .realServer(RealServer.of("10.0.0.1", 80).masquerade().weight(2))
            .realServer(RealServer.of("10.0.0.2", 80).masquerade().weight(3))
            .realServer(RealServer.of("10.0.0.3", 80).masquerade().weight(0))
            .build();
    private static final ServiceKey KEY = THREE.key();

    private static DirectorConfig config(VirtualService s) {
        return DirectorConfig.builder().service(s).build();
    }

    private static VirtualService without(String address) throws Exception {
        return THREE.toBuilder().removeRealServer(InetAddress.getByName(address), 80).build();
    }

    private static List<String> names(List<Change> changes) {
        return changes.stream().map(Change::toString).toList();
    }

    private RealServerState server(String address) throws Exception {
        return table.serviceStates().get(0).realServer(InetAddress.getByName(address), 80).orElse(null);
    }

    private void advance(Duration d) {
        nanos += d.toNanos();
    }

    @BeforeEach
    void setUp() throws Exception {
        rec = Reconciler.builder(table).drainTimeout(DRAIN).ticker(() -> nanos).build();
        rec.reconcile(config(THREE));
    }

    @Test
    void reconcile_withTheStatesJustRead_diffsAgainstThemWithoutReadingTheTable() throws Exception {
        List<ServiceState> read = table.serviceStates();
        int[] dumps = {0};
        IpvsTable counting = new IpvsTable() {
            public List<ServiceState> serviceStates() throws IpvsException {
                dumps[0]++;
                return table.serviceStates();
            }

            public io.lvs4j.Timeouts timeouts() throws IpvsException {
                return table.timeouts();
            }

            public void apply(List<Change> changes) throws IpvsException {
                table.apply(changes);
            }

            public List<io.lvs4j.SyncDaemon> daemons() throws IpvsException {
                return table.daemons();
            }

            public void startDaemon(io.lvs4j.SyncDaemon daemon) throws IpvsException {
                table.startDaemon(daemon);
            }

            public void stopDaemon(io.lvs4j.SyncDaemon.Role role) throws IpvsException {
                table.stopDaemon(role);
            }

            public void flush() throws IpvsException {
                table.flush();
            }
        };
        VirtualService heavier = THREE.toBuilder().clearRealServers()
                .realServer(RealServer.of("10.0.0.1", 80).masquerade().weight(7))
                .realServer(RealServer.of("10.0.0.2", 80).masquerade().weight(3))
                .realServer(RealServer.of("10.0.0.3", 80).masquerade().weight(0))
                .build();

        ReconcileResult r = Reconciler.of(counting).reconcile(config(heavier), read);

        assertThat(dumps[0]).isZero();
        assertThat(r.applied()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Change.Kind.EDIT_SERVER);
            assertThat(c.server().weight()).isEqualTo(7);
        });
        assertThat(server("10.0.0.1").server().weight()).isEqualTo(7);
    }

    private static VirtualService two(String scheduler, String... servers) {
        VirtualService.Builder b = VirtualService.tcp("192.0.2.20", 80).scheduler(scheduler);
        for (String a : servers) {
            b.realServer(RealServer.of(a, 80).route().weight(1));
        }
        return b.build();
    }

    private List<String> order(ServiceKey key) throws Exception {
        for (ServiceState s : table.serviceStates()) {
            if (s.service().key().equals(key)) {
                return s.realServers().stream().map(r -> r.server().address().getHostAddress()).toList();
            }
        }
        throw new AssertionError("no service " + key);
    }

    @Test
    void mh_serverAddedInFrontOfOneInTheTable_laterOnesReaddedInConfiguredOrder() throws Exception {
        VirtualService both = two("mh", "10.0.1.1", "10.0.1.2");
        rec.reconcile(DirectorConfig.builder().service(THREE).service(two("mh", "10.0.1.2")).build()); // 2 came up first
        table.connections(both.key(), "10.0.1.2", 80, 3, 0); // connections: removed, not drained
        ReconcileResult r = rec.reconcile(DirectorConfig.builder().service(THREE).service(both).build());
        assertThat(names(r.applied())).containsExactly("REMOVE_SERVER TCP 192.0.2.20:80 -> 10.0.1.2:80",
                "ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.1:80",
                "ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.2:80");
        assertThat(r.draining()).isEmpty();
        // the kernel's list (the in-memory table's too): the last added first, as when added all at once
        assertThat(order(both.key())).containsExactly("10.0.1.2", "10.0.1.1");
        assertThat(rec.reconcile(DirectorConfig.builder().service(THREE).service(both).build()).applied()).isEmpty();
    }

    @Test
    void mh_serverAddedAfterEveryOneInTheTable_justAdded() throws Exception {
        VirtualService three = two("mh", "10.0.1.1", "10.0.1.2", "10.0.1.3");
        rec.reconcile(config(two("mh", "10.0.1.1")));
        ReconcileResult r = rec.reconcile(config(three.toBuilder().removeRealServer(InetAddress.getByName("10.0.1.2"), 80)
                .build()));
        assertThat(names(r.applied())).containsExactly("ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.3:80");
        // 2 back, in front of 3 (edited meanwhile: re-added with its new weight)
        VirtualService heavier = three.toBuilder().removeRealServer(InetAddress.getByName("10.0.1.3"), 80)
                .realServer(RealServer.of("10.0.1.3", 80).route().weight(4)).build();
        assertThat(names(rec.reconcile(config(heavier)).applied())).containsExactly(
                "REMOVE_SERVER TCP 192.0.2.20:80 -> 10.0.1.3:80",
                "ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.2:80",
                "ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.3:80");
        assertThat(order(three.key())).containsExactly("10.0.1.3", "10.0.1.2", "10.0.1.1");
        assertThat(table.serviceStates().get(0).realServer(InetAddress.getByName("10.0.1.3"), 80).orElseThrow()
                .server().weight()).isEqualTo(4);
    }

    @Test
    void mh_tableNotListingNewestFirst_justAdded() throws Exception {
        IpvsTable own = new IpvsTable() { // as the userspace forwarder: it orders its tables itself
            public List<ServiceState> serviceStates() throws IpvsException {
                return table.serviceStates();
            }

            public io.lvs4j.Timeouts timeouts() throws IpvsException {
                return table.timeouts();
            }

            public void apply(List<Change> changes) throws IpvsException {
                table.apply(changes);
            }

            public List<io.lvs4j.SyncDaemon> daemons() throws IpvsException {
                return table.daemons();
            }

            public void startDaemon(io.lvs4j.SyncDaemon daemon) throws IpvsException {
                table.startDaemon(daemon);
            }

            public void stopDaemon(io.lvs4j.SyncDaemon.Role role) throws IpvsException {
                table.stopDaemon(role);
            }

            public void flush() throws IpvsException {
                table.flush();
            }
        };
        Reconciler r = Reconciler.of(own);
        r.reconcile(config(two("mh", "10.0.1.2")));
        assertThat(names(r.reconcile(config(two("mh", "10.0.1.1", "10.0.1.2"))).applied()))
                .containsExactly("ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.1:80");
    }

    @Test
    void wrr_serverAddedInFrontOfOneInTheTable_justAdded() throws Exception {
        rec.reconcile(config(two("wrr", "10.0.1.2")));
        ReconcileResult r = rec.reconcile(config(two("wrr", "10.0.1.1", "10.0.1.2")));
        assertThat(names(r.applied())).containsExactly("ADD_SERVER TCP 192.0.2.20:80 -> 10.0.1.1:80");
    }

    @Test
    void drain_serverWithConnections_weightZeroFirstThenDeletedWhenIdle() throws Exception {
        table.connections(KEY, "10.0.0.2", 80, 1, 4);
        ReconcileResult r = rec.reconcile(config(without("10.0.0.2")));
        assertThat(names(r.applied())).containsExactly("EDIT_SERVER TCP 192.0.2.10:80 -> 10.0.0.2:80 weight 3 -> 0");
        assertThat(r.draining()).containsExactly(new Drain(KEY, THREE.realServers().get(1)));
        assertThat(server("10.0.0.2").server().weight()).isZero();

        advance(Duration.ofSeconds(10));
        table.connections(KEY, "10.0.0.2", 80, 0, 2);
        assertThat(rec.progressDrains().applied()).isEmpty();
        assertThat(server("10.0.0.2")).isNotNull();

        table.connections(KEY, "10.0.0.2", 80, 0, 0);
        ReconcileResult done = rec.progressDrains();
        assertThat(names(done.applied())).containsExactly("REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.2:80");
        assertThat(done.draining()).isEmpty();
        assertThat(server("10.0.0.2")).isNull();
        assertThat(rec.reconcile(config(without("10.0.0.2"))).applied()).isEmpty();
    }

    @Test
    void drain_deadlinePasses_deletedDespiteConnections() throws Exception {
        table.connections(KEY, "10.0.0.1", 80, 3, 0);
        rec.reconcile(config(without("10.0.0.1")));
        advance(DRAIN.minusNanos(1));
        assertThat(rec.progressDrains().applied()).isEmpty();
        advance(Duration.ofNanos(1));
        assertThat(names(rec.progressDrains().applied()))
                .containsExactly("REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.1:80");
        assertThat(server("10.0.0.1")).isNull();
        assertThat(rec.drains()).isEmpty();
    }

    @Test
    void drain_reconcileAgainBeforeDue_nothingSentAndDeadlineKept() throws Exception {
        table.connections(KEY, "10.0.0.1", 80, 3, 0);
        rec.reconcile(config(without("10.0.0.1")));
        advance(Duration.ofSeconds(40));
        int before = table.requests().size();
        ReconcileResult again = rec.reconcile(config(without("10.0.0.1")));
        assertThat(again.applied()).isEmpty();
        assertThat(again.draining()).hasSize(1);
        assertThat(table.requests()).hasSize(before);
        advance(Duration.ofSeconds(20)); // 60 s after the drain started, not after the second reconcile
        assertThat(names(rec.reconcile(config(without("10.0.0.1"))).applied()))
                .containsExactly("REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.1:80");
    }

    @Test
    void drain_serverWantedAgain_editedBackNotDeleted() throws Exception {
        table.connections(KEY, "10.0.0.2", 80, 1, 0);
        rec.reconcile(config(without("10.0.0.2")));
        ReconcileResult back = rec.reconcile(config(THREE));
        assertThat(names(back.applied())).containsExactly("EDIT_SERVER TCP 192.0.2.10:80 -> 10.0.0.2:80 weight 0 -> 3");
        assertThat(back.draining()).isEmpty();
        table.connections(KEY, "10.0.0.2", 80, 0, 0);
        assertThat(rec.progressDrains().applied()).isEmpty();
        assertThat(server("10.0.0.2").server().weight()).isEqualTo(3);
    }

    @Test
    void drain_serverWantedAgainAtWeightZero_keptAsIs() throws Exception {
        table.connections(KEY, "10.0.0.2", 80, 1, 0);
        rec.reconcile(config(without("10.0.0.2")));
        VirtualService quiesced = without("10.0.0.2").toBuilder()
                .realServer(RealServer.of("10.0.0.2", 80).masquerade().weight(0)).build();
        ReconcileResult r = rec.reconcile(config(quiesced));
        assertThat(r.applied()).isEmpty();
        assertThat(r.draining()).isEmpty();
        table.connections(KEY, "10.0.0.2", 80, 0, 0);
        rec.progressDrains();
        assertThat(server("10.0.0.2")).isNotNull();
    }

    @Test
    void drain_alreadyWeightZero_noEditJustDrain() throws Exception {
        table.connections(KEY, "10.0.0.3", 80, 0, 1);
        ReconcileResult r = rec.reconcile(config(without("10.0.0.3")));
        assertThat(r.applied()).isEmpty();
        assertThat(r.draining()).containsExactly(new Drain(KEY, THREE.realServers().get(2)));
        table.connections(KEY, "10.0.0.3", 80, 0, 0);
        assertThat(names(rec.progressDrains().applied()))
                .containsExactly("REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.3:80");
    }

    @Test
    void drain_serviceRemoved_serviceDeletedAndDrainEnds() throws Exception {
        table.connections(KEY, "10.0.0.1", 80, 1, 0);
        rec.reconcile(config(without("10.0.0.1")));
        ReconcileResult r = rec.reconcile(DirectorConfig.empty());
        assertThat(names(r.applied())).containsExactly("REMOVE_SERVICE TCP 192.0.2.10:80");
        assertThat(r.draining()).isEmpty();
        assertThat(table.serviceStates()).isEmpty();
    }

    @Test
    void drain_serverDeletedBySomeoneElse_drainForgotten() throws Exception {
        table.connections(KEY, "10.0.0.1", 80, 1, 0);
        rec.reconcile(config(without("10.0.0.1")));
        table.apply(List.of(Change.removeServer(THREE, THREE.realServers().get(0))));
        ReconcileResult r = rec.progressDrains();
        assertThat(r.applied()).isEmpty();
        assertThat(r.draining()).isEmpty();
    }

    @Test
    void drain_quiesceRefused_noDrainRecorded() throws Exception {
        table.connections(KEY, "10.0.0.1", 80, 1, 0);
        VirtualService twos = without("10.0.0.1").toBuilder().scheduler("twos").build();
        assertThatThrownBy(() -> rec.reconcile(config(twos)))
                .isInstanceOfSatisfying(ReconcileException.class, e -> {
                    assertThat(e.failures()).extracting(f -> f.change().kind()).containsExactly(Change.Kind.EDIT_SERVICE);
                    assertThat(names(e.applied()))
                            .containsExactly("EDIT_SERVER TCP 192.0.2.10:80 -> 10.0.0.1:80 weight 2 -> 0");
                });
        assertThat(rec.drains()).containsExactly(new Drain(KEY, THREE.realServers().get(0)));
    }

    @Test
    void progressDrains_noDrains_sendsNothing() throws Exception {
        int before = table.requests().size();
        ReconcileResult r = rec.progressDrains();
        assertThat(r.applied()).isEmpty();
        assertThat(table.requests()).hasSize(before);
    }

    @Test
    void noDrainTimeout_serverWithConnections_deletedAtOnce() throws Exception {
        Reconciler plain = Reconciler.builder(table).build();
        table.connections(KEY, "10.0.0.1", 80, 5, 5);
        assertThat(names(plain.reconcile(config(without("10.0.0.1"))).applied()))
                .containsExactly("REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.1:80");
    }

    @Test
    void builder_badDrainTimeout_rejectedWithMessage() {
        assertThatThrownBy(() -> Reconciler.builder(table).drainTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("drain timeout: PT-1S (expected: 0 to 365 days)");
        assertThatThrownBy(() -> Reconciler.builder(table).ticker(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("ticker: null (expected: non-null)");
    }

    @Test
    void reconcileException_socketFailedMidBatch_appliedInDoubtAndNotSentSplit() {
        List<Change> plan = List.of(Change.addService(THREE), Change.addServer(THREE, THREE.realServers().get(0)),
                Change.addServer(THREE, THREE.realServers().get(1)), Change.addServer(THREE, THREE.realServers().get(2)));
        IpvsException io = new IpvsException("recvmsg", null, 105, "No buffer space available", null, "lost");
        IpvsBatchException batch = new IpvsBatchException(io, List.of("a"), 1, 2, 4);
        ReconcileException e = ReconcileException.of(plan, batch);
        assertThat(e.applied()).containsExactly(plan.get(0));
        assertThat(e.inDoubt()).containsExactly(plan.get(1), plan.get(2));
        assertThat(e.notSent()).containsExactly(plan.get(3));
        assertThat(e.failures()).isEmpty();
        assertThat(e.errno()).isEqualTo(105);
        assertThat(e.getMessage()).isEqualTo("reconcile of 4 changes: 1 applied, 2 in doubt, 1 not sent: "
                + "recvmsg failed: No buffer space available (errno 105) (lost)");
    }

    @Test
    void reconcileException_afterApplying_countsTheEarlierChangesInItsMessage() {
        List<Change> plan = List.of(Change.addService(THREE), Change.addServer(THREE, THREE.realServers().get(0)),
                Change.addServer(THREE, THREE.realServers().get(1)), Change.addServer(THREE, THREE.realServers().get(2)));
        IpvsException io = new IpvsException("recvmsg", null, 105, "No buffer space available", null, "lost");
        ReconcileException retry = ReconcileException.of(plan, new IpvsBatchException(io, List.of("a"), 1, 2, 4));
        List<Change> earlier = List.of(Change.addServer(THREE, THREE.realServers().get(1)), Change.addService(THREE));
        ReconcileException e = retry.afterApplying(earlier);
        assertThat(e.applied()).containsExactly(earlier.get(0), earlier.get(1), plan.get(0));
        assertThat(e.inDoubt()).isEqualTo(retry.inDoubt());
        assertThat(e.notSent()).isEqualTo(retry.notSent());
        assertThat(e.getMessage()).isEqualTo("reconcile of 6 changes: 3 applied, 2 in doubt, 1 not sent: "
                + "recvmsg failed: No buffer space available (errno 105) (lost)");
        assertThat(retry.afterApplying(List.of())).isSameAs(retry);
    }
}
