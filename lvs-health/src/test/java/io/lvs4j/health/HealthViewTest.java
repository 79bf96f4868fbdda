package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link HealthView} the monitor publishes: what health wants, per service and real server. */
class HealthViewTest {
    private final HealthMonitorTest h = new HealthMonitorTest(); // its fake clock and scripted checkers
    private final FakeClock clock = h.clock;
    private final List<HealthView> views = new ArrayList<>();
    private final List<List<HealthEvent>> batches = new ArrayList<>();
    private HealthMonitor monitor;

    private static final RealServer RS1 = HealthMonitorTest.RS1; // weight 5
    private static final RealServer RS2 = HealthMonitorTest.RS2; // weight 3
    private static final VirtualService VS = HealthMonitorTest.VS;
    private static final ServiceKey KEY = HealthMonitorTest.KEY;

    @AfterEach
    void close() {
        h.close();
    }

    private HealthMonitor start(ServiceHealth... services) {
        h.runtime = CheckRuntime.create();
        HealthMonitor.Builder b = HealthMonitor.builder().runtime(h.runtime).scheduler(clock).random(() -> 0.5)
                .listener((v, es) -> {
                    views.add(v);
                    batches.add(es);
                });
        for (ServiceHealth s : services) {
            b.service(s);
        }
        monitor = b.build();
        h.monitor = monitor;
        assertThat(monitor.view()).isSameAs(HealthView.EMPTY);
        monitor.start();
        clock.advance(Duration.ZERO);
        return monitor;
    }

    private ServiceView service(ServiceKey key) {
        return monitor.view().service(key).orElseThrow();
    }

    private RealServerView server(ServiceKey key, RealServer rs) {
        return service(key).realServer(rs.address(), rs.port()).orElseThrow();
    }

    private static CheckPolicy fast() {
        return HealthMonitorTest.keepalived(10, 0, 1);
    }

    @Test
    void view_afterStart_everyRealServerUpAtItsWeight_quorumMet() {
        HealthMonitorTest.Scripted c = new HealthMonitorTest.Scripted("a");
        start(ServiceHealth.builder(VS).check(RS1, c, fast()).build());
        ServiceView s = service(KEY);
        assertThat(s.quorumMet()).isTrue();
        assertThat(s.sorryServerServing()).isFalse();
        assertThat(s.aliveWeight()).isEqualTo(8);
        assertThat(s.realServers()).extracting(RealServerView::up, RealServerView::checked, RealServerView::weight)
                .containsExactly(org.assertj.core.api.Assertions.tuple(true, true, 5),
                        org.assertj.core.api.Assertions.tuple(true, false, 3));
        assertThat(s.inService()).containsExactly(RS1, RS2);
        // the first view settling (the check not reported yet), the second settled by its first result
        assertThat(views).extracting(v -> v.service(KEY).orElseThrow().settled()).containsExactly(false, true);
        assertThat(batches).allMatch(List::isEmpty);
    }

    @Test
    void view_realServerDown_outOfTheServiceWithTheEventThatSaysWhy() {
        HealthMonitorTest.Scripted c = new HealthMonitorTest.Scripted("a");
        start(ServiceHealth.builder(VS).check(RS1, c, fast()).build());
        HealthView before = monitor.view();
        c.fail(FailureReason.REFUSED, "connect 10.0.0.1:80: Connection refused");
        clock.advance(Duration.ofSeconds(10));
        RealServerView rs1 = server(KEY, RS1);
        assertThat(rs1.up()).isFalse();
        assertThat(rs1.inService()).isFalse();
        assertThat(rs1.weight()).isEqualTo(-1);
        assertThat(rs1.fullWeight()).isEqualTo(5);
        assertThat(service(KEY).inService()).containsExactly(RS2);
        assertThat(service(KEY).aliveWeight()).isEqualTo(3);
        assertThat(batches.get(batches.size() - 1)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(HealthEvent.Type.REAL_SERVER_DOWN);
            assertThat(e.cause().reason()).isEqualTo(FailureReason.REFUSED);
            assertThat(e.weight()).isEqualTo(-1);
        });
        // a view is a snapshot: the one before is as it was
        assertThat(before.service(KEY).orElseThrow().inService()).containsExactly(RS1, RS2);
        assertThat(monitor.view().version()).isGreaterThan(before.version());
    }

    @Test
    void view_inhibitOnFailure_inTheServiceAtZeroAndInhibited() {
        HealthMonitorTest.Scripted c = new HealthMonitorTest.Scripted("a");
        start(ServiceHealth.builder(VS).check(RS2, c, fast()).inhibitOnFailure().build());
        assertThat(server(KEY, RS2).inhibited()).isFalse();
        c.fail(FailureReason.CONNECT_TIMEOUT, "timeout");
        clock.advance(Duration.ofSeconds(10));
        RealServerView rs2 = server(KEY, RS2);
        assertThat(rs2.up()).isFalse();
        assertThat(rs2.inService()).isTrue();
        assertThat(rs2.inhibited()).isTrue();
        assertThat(rs2.weight()).isZero();
        assertThat(service(KEY).inService()).containsExactly(RS1, RS2.withWeight(0));
    }

    @Test
    void view_slowStart_weightRampsTowardsTheFullWeight() {
        HealthMonitorTest.Scripted c = new HealthMonitorTest.Scripted("a");
        RealServer rs = RealServer.of("10.0.0.1", 80).weight(100).build();
        VirtualService one = VirtualService.tcp("192.0.2.15", 80).realServer(rs).build();
        start(ServiceHealth.builder(one).check(rs, c, HealthMonitorTest.keepalived(60, 0, 1).toBuilder()
                .slowStart(Duration.ofSeconds(10)).build()).build());
        c.fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(60));
        c.pass();
        clock.advance(Duration.ofSeconds(60)); // up at t=120
        clock.advance(Duration.ofSeconds(5));
        RealServerView v = server(one.key(), rs);
        assertThat(v.weight()).isEqualTo(50);
        assertThat(v.fullWeight()).isEqualTo(100);
        assertThat(v.inhibited()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(server(one.key(), rs).weight()).isEqualTo(100);
    }

    @Test
    void view_dynamicWeight_fullWeightIsTheCheckersWeight() {
        HealthMonitorTest.Scripted c = new HealthMonitorTest.Scripted("a");
        start(ServiceHealth.builder(VS).check(RS1, c, fast()).build());
        c.next = CheckResult.up(10, 42);
        clock.advance(Duration.ofSeconds(10));
        RealServerView v = server(KEY, RS1);
        assertThat(v.weight()).isEqualTo(42);
        assertThat(v.fullWeight()).isEqualTo(42);
        assertThat(v.realServer().weight()).isEqualTo(5); // as configured
        assertThat(v.wanted()).isEqualTo(RS1.withWeight(42));
        assertThat(service(KEY).aliveWeight()).isEqualTo(45);
    }

    @Test
    void view_quorumLostWithSorryServer_realServersOutSorryServerServing() {
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        HealthMonitorTest.Scripted[] c = {new HealthMonitorTest.Scripted("1"), new HealthMonitorTest.Scripted("2")};
        start(ServiceHealth.builder(VS).check(RS1, c[0], fast()).check(RS2, c[1], fast()).quorum(4, 0)
                .sorryServer(sorry).build());
        assertThat(service(KEY).sorryServer().orElseThrow().inService()).isFalse();
        c[0].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10)); // alive 3 < 4
        ServiceView s = service(KEY);
        assertThat(s.quorumMet()).isFalse();
        assertThat(s.sorryServerServing()).isTrue();
        assertThat(s.aliveWeight()).isEqualTo(3);
        assertThat(server(KEY, RS2).up()).isTrue();
        assertThat(server(KEY, RS2).inService()).isFalse(); // up, but out while the sorry server serves
        assertThat(s.sorryServer().orElseThrow().weight()).isEqualTo(1);
        assertThat(s.inService()).containsExactly(sorry);
        assertThat(batches.get(batches.size() - 1)).extracting(HealthEvent::type).containsExactly(
                HealthEvent.Type.REAL_SERVER_DOWN, HealthEvent.Type.QUORUM_DOWN, HealthEvent.Type.SORRY_SERVER_ON);
    }

    @Test
    void view_sorryServerInhibit_inAtZeroWhileQuorumMet() {
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        HealthMonitorTest.Scripted c = new HealthMonitorTest.Scripted("1");
        VirtualService one = VirtualService.tcp("192.0.2.14", 80).realServer(RS1).build();
        start(ServiceHealth.builder(one).check(RS1, c, fast()).sorryServer(sorry).sorryServerInhibit().build());
        ServiceView s = service(one.key());
        assertThat(s.sorryServerInhibit()).isTrue();
        assertThat(s.sorryServer().orElseThrow().inhibited()).isTrue();
        assertThat(s.inService()).containsExactly(RS1, sorry.withWeight(0));
        c.fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10));
        assertThat(service(one.key()).sorryServer().orElseThrow().inhibited()).isFalse();
        assertThat(service(one.key()).inService()).containsExactly(sorry);
    }

    @Test
    void listener_everyChange_newViewWithItsEvents_sequenceWithoutGaps() {
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        HealthMonitorTest.Scripted[] c = {new HealthMonitorTest.Scripted("1"), new HealthMonitorTest.Scripted("2")};
        start(ServiceHealth.builder(VS).check(RS1, c[0], fast()).check(RS2, c[1], fast()).sorryServer(sorry).build());
        c[0].fail(FailureReason.REFUSED, "x");
        c[1].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10));
        c[0].pass();
        clock.advance(Duration.ofSeconds(10));
        List<HealthEvent> all = batches.stream().flatMap(List::stream).toList();
        assertThat(all).extracting(HealthEvent::sequence).containsExactly(
                java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().toArray(Long[]::new));
        assertThat(views).extracting(HealthView::version).isSorted().doesNotHaveDuplicates();
        assertThat(views.get(views.size() - 1)).isSameAs(monitor.view());
        // each view reflects its events: the last with events says the sorry server left and RS1 is
        // back (the one after it: settled, RS2 reported since quorum returned)
        assertThat(batches.stream().filter(b -> !b.isEmpty()).reduce((a, b) -> b).orElseThrow())
                .extracting(HealthEvent::type).contains(
                HealthEvent.Type.REAL_SERVER_UP, HealthEvent.Type.SORRY_SERVER_OFF);
        assertThat(monitor.view().service(KEY).orElseThrow().inService()).containsExactly(RS1);
    }

    @Test
    void putService_configuredWeightChanged_viewFollowsWithoutAHealthEvent() {
        start(ServiceHealth.builder(VS).check(RS1, new HealthMonitorTest.Scripted("a"), fast()).build());
        int before = views.size();
        VirtualService changed = VS.toBuilder().clearRealServers().realServer(RS1).realServer(RS2.withWeight(7)).build();
        monitor.putService(ServiceHealth.builder(changed).check(RS1, new HealthMonitorTest.Scripted("a"), fast()).build());
        clock.advance(Duration.ZERO);
        assertThat(views).hasSize(before + 1);
        assertThat(batches.get(batches.size() - 1)).isEmpty(); // configuration, not health
        assertThat(server(KEY, RS2).weight()).isEqualTo(7);
    }

    @Test
    void removeService_leavesTheView() {
        VirtualService other = VirtualService.tcp("192.0.2.11", 80).realServer(RS2).build();
        start(ServiceHealth.builder(VS).build(), ServiceHealth.builder(other).build());
        assertThat(monitor.view().services()).extracting(ServiceView::key).containsExactly(KEY, other.key());
        monitor.removeService(KEY);
        clock.advance(Duration.ZERO);
        assertThat(monitor.view().services()).extracting(ServiceView::key).containsExactly(other.key());
        assertThat(monitor.view().service(KEY)).isEmpty();
    }
}
