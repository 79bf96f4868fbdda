package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link HealthMonitor#putService} and {@link HealthMonitor#removeService} while it runs, on a fake clock. */
class HealthMonitorRuntimeTest {
    private final HealthMonitorTest h = new HealthMonitorTest(); // its fake clock, view table and helpers
    private final FakeClock clock = h.clock;
    private final ViewTable table = h.table;
    private static final VirtualService VS = HealthMonitorTest.VS;
    private static final io.lvs4j.ServiceKey KEY = HealthMonitorTest.KEY;
    private static final RealServer RS1 = HealthMonitorTest.RS1;
    private static final RealServer RS2 = HealthMonitorTest.RS2;
    private static final RealServer RS3 = HealthMonitorTest.RS3;

    @org.junit.jupiter.api.AfterEach
    void closeMonitor() {
        h.close();
    }

    private HealthMonitor monitor(ServiceHealth s) {
        return h.monitor(s);
    }

    private java.util.List<String> weights() {
        return h.weights();
    }

    private static CheckPolicy keepalived(int delayLoop, int retry, int delayBeforeRetry) {
        return HealthMonitorTest.keepalived(delayLoop, retry, delayBeforeRetry);
    }

    @Test
    void putService_unchangedDownServerKeepsStateAndChecks_changedWeightIsOneUpdate() {
        HealthMonitorTest.Scripted c1 = new HealthMonitorTest.Scripted("c1");
        monitor(ServiceHealth.builder(VS).check(RS1, c1, keepalived(10, 0, 1)).build());
        c1.fail(FailureReason.REFUSED, "refused");
        clock.advance(Duration.ofSeconds(11));
        assertThat(weights()).containsExactly("10.0.0.2:80=3");
        int runs = c1.runs;
        int ops = table.operations().size();

        VirtualService changed = VS.toBuilder().clearRealServers().realServer(RS1).realServer(RS2.withWeight(7))
                .realServer(RS3).build();
        h.monitor.putService(ServiceHealth.builder(changed).check(RS1, new HealthMonitorTest.Scripted("c1"), keepalived(10, 0, 1)).build());
        clock.advance(Duration.ZERO);

        // RS1 stays down (not restarted as up), RS2 is updated in place, RS3 is added
        assertThat(table.operations().subList(ops, table.operations().size()))
                .containsExactly("update 10.0.0.2:80 weight 7", "add 10.0.0.3:80 weight 1");
        assertThat(h.view(KEY, RS1).up()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(c1.runs).isGreaterThan(runs); // the same probe goes on, on its schedule
        c1.pass();
        clock.advance(Duration.ofSeconds(10));
        assertThat(weights()).containsExactlyInAnyOrder("10.0.0.1:80=5", "10.0.0.2:80=7", "10.0.0.3:80=1");
    }

    @Test
    void putService_downServerGetsNewChecks_upAgainWithAnEvent() {
        HealthMonitorTest.Scripted old = new HealthMonitorTest.Scripted("old");
        monitor(ServiceHealth.builder(VS).check(RS1, old, keepalived(10, 0, 1)).build());
        old.fail(FailureReason.REFUSED, "refused");
        clock.advance(Duration.ofSeconds(11));
        assertThat(weights()).containsExactly("10.0.0.2:80=3");
        h.events.clear();
        h.monitor.putService(ServiceHealth.builder(VS).check(RS1, new HealthMonitorTest.Scripted("new"),
                keepalived(10, 0, 1)).build());
        clock.advance(Duration.ZERO);
        assertThat(weights()).containsExactlyInAnyOrder("10.0.0.1:80=5", "10.0.0.2:80=3");
        assertThat(h.events).extracting(HealthEvent::type).contains(HealthEvent.Type.REAL_SERVER_UP);
    }

    @Test
    void putService_droppedServerRemovedAndItsProbeStops() {
        HealthMonitorTest.Scripted c2 = new HealthMonitorTest.Scripted("c2");
        monitor(ServiceHealth.builder(VS).check(RS2, c2, keepalived(5, 0, 1)).build());
        VirtualService only1 = VS.toBuilder().clearRealServers().realServer(RS1).build();
        h.monitor.putService(ServiceHealth.builder(only1).build());
        clock.advance(Duration.ZERO);
        assertThat(weights()).containsExactly("10.0.0.1:80=5");
        int runs = c2.runs;
        clock.advance(Duration.ofSeconds(30));
        assertThat(c2.runs).isEqualTo(runs);
        assertThat(h.monitor.distinctChecks()).isZero();
    }

    @Test
    void removeService_realServersAndSorryServerLeaveTheView() {
        HealthMonitorTest.Scripted c1 = new HealthMonitorTest.Scripted("c1");
        HealthMonitorTest.Scripted c2 = new HealthMonitorTest.Scripted("c2");
        RealServer sorry = RealServer.of("10.0.0.9", 80).build();
        monitor(ServiceHealth.builder(VS).check(RS1, c1, keepalived(5, 0, 1)).check(RS2, c2, keepalived(5, 0, 1))
                .sorryServer(sorry).build());
        c1.fail(FailureReason.REFUSED, "x");
        c2.fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(6));
        assertThat(weights()).containsExactly("10.0.0.9:80=1");
        h.monitor.removeService(KEY);
        clock.advance(Duration.ZERO);
        assertThat(weights()).isEmpty();
        int runs = c1.runs + c2.runs;
        clock.advance(Duration.ofSeconds(30));
        assertThat(c1.runs + c2.runs).isEqualTo(runs);
    }

    @Test
    void putService_newService_addedAndChecked() {
        monitor(ServiceHealth.builder(VS).build());
        VirtualService other = VirtualService.tcp("192.0.2.11", 80).realServer(RS3).build();
        HealthMonitorTest.Scripted c3 = new HealthMonitorTest.Scripted("c3");
        h.monitor.putService(ServiceHealth.builder(other).check(RS3, c3, keepalived(5, 0, 1)).build());
        clock.advance(Duration.ofSeconds(1));
        assertThat(table.realServers(other.key())).containsExactly(RS3);
        assertThat(c3.runs).isEqualTo(1);
    }
}
