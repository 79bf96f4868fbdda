package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor's decisions under a fake clock: keepalived's timing, rise/fall, the view it publishes, quorum. */
class HealthMonitorTest {
    final FakeClock clock = new FakeClock();
    final ViewTable table = new ViewTable(); // the table a director would derive from the views
    final List<HealthEvent> events = new ArrayList<>();
    final List<Double> eventTimes = new ArrayList<>();
    CheckRuntime runtime;
    HealthMonitor monitor;

    /** A checker whose result the test sets; counts its runs; equal by name. */
    static final class Scripted implements Checker {
        final String name;
        volatile CheckResult next = CheckResult.up(1000);
        volatile RuntimeException toThrow;
        int runs;

        Scripted(String name) {
            this.name = name;
        }

        void fail(FailureReason reason, String detail) {
            next = CheckResult.down(reason, detail, 2000);
        }

        void pass() {
            next = CheckResult.up(1000);
        }

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            runs++;
            if (toThrow != null) {
                throw toThrow;
            }
            return CompletableFuture.completedFuture(next);
        }

        @Override
        public String describe() {
            return "scripted " + name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Scripted s && s.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    /** Every completed check as the check listener got it: "kind UP|REASON latencyNanos". */
    final List<String> checks = new ArrayList<>();

    static final RealServer RS1 = RealServer.of("10.0.0.1", 80).weight(5).build();
    static final RealServer RS2 = RealServer.of("10.0.0.2", 80).weight(3).build();
    static final RealServer RS3 = RealServer.of("10.0.0.3", 80).weight(1).build();
    static final VirtualService VS = VirtualService.tcp("192.0.2.10", 80).realServer(RS1).realServer(RS2).build();
    static final ServiceKey KEY = VS.key();

    HealthMonitor monitor(ServiceHealth... services) {
        runtime = CheckRuntime.create();
        HealthMonitor.Builder b = HealthMonitor.builder().runtime(runtime).scheduler(clock)
                .random(() -> 0.5).listener(table).listener(this::record)
                .checkListener((kind, r) -> checks.add(kind + " " + (r.isUp() ? "UP" : r.reason()) + " " + r.latencyNanos()));
        for (ServiceHealth s : services) {
            b.service(s);
        }
        monitor = b.build().start();
        clock.advance(Duration.ZERO);
        return monitor;
    }

    void record(HealthView view, List<HealthEvent> es) {
        for (HealthEvent e : es) {
            events.add(e);
            eventTimes.add(clock.seconds());
        }
    }

    /** The real server as the monitor's last view has it. */
    RealServerView view(ServiceKey key, RealServer rs) {
        return monitor.view().service(key).orElseThrow().realServer(rs.address(), rs.port()).orElseThrow();
    }

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    static CheckPolicy keepalived(int delayLoop, int retry, int delayBeforeRetry) {
        return CheckPolicy.builder().interval(Duration.ofSeconds(delayLoop)).retry(retry)
                .delayBeforeRetry(Duration.ofSeconds(delayBeforeRetry)).build();
    }

    List<String> weights() {
        return table.realServers(KEY).stream().map(r -> r.endpoint() + "=" + r.weight()).toList();
    }

    @Test
    void builder_sameServiceTwiceAmongMany_refusedNamingIt() {
        HealthMonitor.Builder b = HealthMonitor.builder();
        for (int i = 0; i < 300; i++) {
            b.service(ServiceHealth.builder(VirtualService.tcp("192.0.2." + (i % 250 + 1), 1000 + i)
                    .realServer(RealServer.of("10.0.0.1", 80).build()).build()).build());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.service(ServiceHealth.builder(
                VirtualService.tcp("192.0.2.8", 1007).realServer(RealServer.of("10.0.0.2", 80).build()).build()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TCP 192.0.2.8:1007").hasMessageContaining("each service once");
    }

    @Test
    void failure_downAfterRetryPlusOneFailuresAtDelayBeforeRetry_thenRemoved() {
        Scripted c = new Scripted("a");
        monitor(ServiceHealth.builder(VS).check(RS1, c, keepalived(10, 2, 1)).build());
        assertThat(weights()).containsExactly("10.0.0.1:80=5", "10.0.0.2:80=3");
        assertThat(c.runs).isEqualTo(1); // at t=0
        clock.advance(Duration.ofSeconds(5));
        c.fail(FailureReason.STATUS, "status 503 (expected: 200-299)");
        clock.advance(Duration.ofSeconds(6)); // t=11: failures at 10 and 11
        assertThat(c.runs).isEqualTo(3);
        assertThat(events).isEmpty();
        clock.advance(Duration.ofMillis(999));
        assertThat(events).isEmpty();
        clock.advance(Duration.ofMillis(1)); // t=12: the third consecutive failure
        assertThat(events).extracting(HealthEvent::type, HealthEvent::sequence)
                .containsExactly(tuple(HealthEvent.Type.REAL_SERVER_DOWN, 1L));
        assertThat(eventTimes).containsExactly(12.0);
        HealthEvent down = events.get(0);
        assertThat(down.cause().reason()).isEqualTo(FailureReason.STATUS);
        assertThat(down.cause().latencyNanos()).isEqualTo(2000);
        assertThat(down.realServer()).isEqualTo(RS1);
        assertThat(down.weight()).isEqualTo(-1);
        assertThat(weights()).containsExactly("10.0.0.2:80=3");
        assertThat(view(KEY, RS1).up()).isFalse();
        // steady down: back to delay_loop
        clock.advance(Duration.ofSeconds(9));
        assertThat(c.runs).isEqualTo(4);
        clock.advance(Duration.ofSeconds(1));
        assertThat(c.runs).isEqualTo(5); // t=22
    }

    @Test
    void checkListener_everyResult_kindReasonAndLatencyOncePerSharedCheck() {
        Scripted c = new Scripted("a");
        VirtualService other = VirtualService.tcp("192.0.2.11", 80).realServer(RS1).build();
        monitor(ServiceHealth.builder(VS).check(RS1, c, keepalived(10, 1, 1)).build(),
                ServiceHealth.builder(other).check(RS1, c, keepalived(10, 1, 1)).build()); // one check, two users
        c.fail(FailureReason.STATUS, "status 503 (expected: 200-299)");
        clock.advance(Duration.ofSeconds(11)); // t=10 fails, t=11 fails again: down
        assertThat(checks).containsExactly("scripted UP 1000", "scripted STATUS 2000", "scripted STATUS 2000");
    }

    @Test
    void recovery_upAfterRiseSuccessesAtFastInterval_weightRestored() {
        Scripted c = new Scripted("a");
        CheckPolicy p = keepalived(10, 0, 1).toBuilder().rise(3).build();
        monitor(ServiceHealth.builder(VS).check(RS1, c, p).build());
        c.fail(FailureReason.REFUSED, "connect 10.0.0.1:80: Connection refused");
        clock.advance(Duration.ofSeconds(10)); // t=10: down at once (retry 0)
        assertThat(eventTimes).containsExactly(10.0);
        c.pass();
        clock.advance(Duration.ofSeconds(10)); // t=20 success 1
        clock.advance(Duration.ofSeconds(1)); // t=21 success 2
        assertThat(events).hasSize(1);
        clock.advance(Duration.ofSeconds(1)); // t=22 success 3
        assertThat(events).extracting(HealthEvent::type)
                .containsExactly(HealthEvent.Type.REAL_SERVER_DOWN, HealthEvent.Type.REAL_SERVER_UP);
        assertThat(eventTimes).containsExactly(10.0, 22.0);
        assertThat(weights()).containsExactly("10.0.0.2:80=3", "10.0.0.1:80=5");
        assertThat(table.operations()).containsExactly("add 10.0.0.1:80 weight 5", "add 10.0.0.2:80 weight 3",
                "remove 10.0.0.1:80", "add 10.0.0.1:80 weight 5");
    }

    @Test
    void flapping_successBetweenFailures_resetsTheCount() {
        Scripted c = new Scripted("a");
        monitor(ServiceHealth.builder(VS).check(RS1, c, keepalived(10, 1, 1)).build());
        c.fail(FailureReason.READ_TIMEOUT, "slow");
        clock.advance(Duration.ofSeconds(10)); // failure 1 at t=10
        c.pass();
        clock.advance(Duration.ofSeconds(1)); // success at t=11
        c.fail(FailureReason.READ_TIMEOUT, "slow");
        clock.advance(Duration.ofSeconds(10)); // failure 1 at t=21
        assertThat(events).isEmpty();
        clock.advance(Duration.ofSeconds(1)); // failure 2 at t=22
        assertThat(eventTimes).containsExactly(22.0);
    }

    @Test
    void inhibitOnFailure_weightZeroThenRestored() {
        Scripted c = new Scripted("a");
        monitor(ServiceHealth.builder(VS).check(RS2, c, keepalived(10, 0, 1)).inhibitOnFailure().build());
        c.fail(FailureReason.CONNECT_TIMEOUT, "timeout");
        clock.advance(Duration.ofSeconds(10));
        assertThat(weights()).containsExactly("10.0.0.1:80=5", "10.0.0.2:80=0");
        assertThat(events.get(0).weight()).isZero();
        c.pass();
        clock.advance(Duration.ofSeconds(10));
        assertThat(weights()).containsExactly("10.0.0.1:80=5", "10.0.0.2:80=3");
        assertThat(table.operations()).endsWith("update 10.0.0.2:80 weight 0", "update 10.0.0.2:80 weight 3");
    }

    @Test
    void checkerThrows_failedCheckWithReasonAndMonitorKeepsRunning() {
        Scripted c = new Scripted("a");
        Scripted other = new Scripted("b");
        monitor(ServiceHealth.builder(VS).check(RS1, c, keepalived(10, 0, 1)).check(RS2, other, keepalived(10, 0, 1))
                .build());
        c.toThrow = new IllegalStateException("boom");
        clock.advance(Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).cause().reason()).isEqualTo(FailureReason.CHECKER_ERROR);
        assertThat(events.get(0).cause().detail()).contains("boom");
        clock.advance(Duration.ofSeconds(30));
        assertThat(c.runs).isEqualTo(5);
        assertThat(other.runs).isEqualTo(5);
        c.toThrow = null;
        clock.advance(Duration.ofSeconds(10));
        assertThat(events).extracting(HealthEvent::type).containsExactly(HealthEvent.Type.REAL_SERVER_DOWN,
                HealthEvent.Type.REAL_SERVER_UP);
    }

    @Test
    void checkNeverCompletes_watchdogFailsIt() {
        Checker hung = new Checker() {
            @Override
            public CompletionStage<CheckResult> check(CheckContext context) {
                return new CompletableFuture<>();
            }

            @Override
            public String describe() {
                return "hung";
            }
        };
        monitor(ServiceHealth.builder(VS).check(RS1, hung, keepalived(10, 0, 1).toBuilder()
                .watchdog(Duration.ofSeconds(3)).build()).build());
        clock.advance(Duration.ofSeconds(3));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).cause().detail()).contains("watchdog 3000 ms");
    }

    @Test
    void identicalChecksOfTwoServices_runOnceAndFeedBoth() {
        Scripted a1 = new Scripted("same");
        Scripted a2 = new Scripted("same");
        VirtualService vs2 = VirtualService.tcp("192.0.2.11", 80).realServer(RS1).build();
        monitor(ServiceHealth.builder(VS).check(RS1, a1, keepalived(10, 0, 1)).build(),
                ServiceHealth.builder(vs2).check(RS1, a2, keepalived(10, 0, 1)).build());
        assertThat(monitor.distinctChecks()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        assertThat(a1.runs + a2.runs).isEqualTo(4);
        a1.fail(FailureReason.REFUSED, "refused");
        a2.fail(FailureReason.REFUSED, "refused");
        clock.advance(Duration.ofSeconds(10));
        assertThat(events).extracting(HealthEvent::type, HealthEvent::service)
                .containsExactly(tuple(HealthEvent.Type.REAL_SERVER_DOWN, KEY),
                        tuple(HealthEvent.Type.REAL_SERVER_DOWN, vs2.key()),
                        tuple(HealthEvent.Type.QUORUM_DOWN, vs2.key())); // vs2's only real server
        assertThat(table.realServers(vs2.key())).isEmpty();
    }

    @Test
    void quorumWithHysteresis_hooksAndSorryServer() {
        VirtualService vs = VirtualService.tcp("192.0.2.12", 80).realServer(RS1.withWeight(1))
                .realServer(RS2.withWeight(1)).realServer(RS3).build();
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        Scripted[] c = {new Scripted("1"), new Scripted("2"), new Scripted("3")};
        List<String> hooks = new ArrayList<>();
        ServiceHealth sh = ServiceHealth.builder(vs).check(RS1, c[0], keepalived(10, 0, 1))
                .check(RS2, c[1], keepalived(10, 0, 1)).check(RS3, c[2], keepalived(10, 0, 1))
                .quorum(2, 1).onQuorumUp(() -> hooks.add("up")).onQuorumDown(() -> hooks.add("down"))
                .sorryServer(sorry).build();
        monitor(sh);
        c[0].fail(FailureReason.REFUSED, "x");
        c[1].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10)); // alive 1: not below 2 - 1
        assertThat(hooks).isEmpty();
        c[2].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10)); // alive 0 < 1: quorum down, sorry on
        assertThat(hooks).containsExactly("down");
        assertThat(table.realServers(vs.key())).extracting(RealServer::endpoint).containsExactly("10.0.0.99:80");
        c[0].pass();
        c[1].pass();
        clock.advance(Duration.ofSeconds(10)); // alive 2 < 2 + 1: still down
        assertThat(hooks).containsExactly("down");
        c[2].pass();
        clock.advance(Duration.ofSeconds(10)); // alive 3: up, sorry off
        assertThat(hooks).containsExactly("down", "up");
        assertThat(table.realServers(vs.key())).extracting(RealServer::endpoint)
                .containsExactlyInAnyOrder("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");
        assertThat(events).extracting(HealthEvent::type).containsSubsequence(HealthEvent.Type.REAL_SERVER_DOWN,
                HealthEvent.Type.QUORUM_DOWN, HealthEvent.Type.SORRY_SERVER_ON, HealthEvent.Type.REAL_SERVER_UP,
                HealthEvent.Type.QUORUM_UP, HealthEvent.Type.SORRY_SERVER_OFF);
        assertThat(events).extracting(HealthEvent::sequence).isSorted().doesNotHaveDuplicates();
    }

    private static List<String> weights(List<RealServer> rs) {
        return rs.stream().map(r -> r.endpoint() + "=" + r.weight()).sorted().toList();
    }

    /** keepalived's ipwrapper: with sorry_server_inhibit the sorry server is added at weight 0 and only edited after. */
    @Test
    void sorryServerInhibit_atWeightZeroWhileQuorumMet_weightOneWhileLost_neverRemoved() {
        VirtualService vs = VirtualService.tcp("192.0.2.14", 80).realServer(RS1.withWeight(1))
                .realServer(RS2.withWeight(1)).build();
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        Scripted[] c = {new Scripted("1"), new Scripted("2")};
        monitor(ServiceHealth.builder(vs).check(RS1, c[0], keepalived(10, 0, 1)).check(RS2, c[1], keepalived(10, 0, 1))
                .sorryServer(sorry).sorryServerInhibit().build());
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.1:80=1", "10.0.0.2:80=1",
                "10.0.0.99:80=0");
        c[0].fail(FailureReason.REFUSED, "x");
        c[1].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10)); // alive 0: quorum lost, the sorry server enabled
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.99:80=1");
        c[1].pass();
        clock.advance(Duration.ofSeconds(10)); // alive 1: quorum back, the sorry server inhibited again
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.2:80=1", "10.0.0.99:80=0");
        assertThat(table.operations()).filteredOn(o -> o.contains("10.0.0.99"))
                .containsExactly("add 10.0.0.99:80 weight 0", "update 10.0.0.99:80 weight 1",
                        "update 10.0.0.99:80 weight 0");
        assertThat(events).extracting(HealthEvent::type).containsSubsequence(HealthEvent.Type.QUORUM_DOWN,
                HealthEvent.Type.SORRY_SERVER_ON, HealthEvent.Type.QUORUM_UP, HealthEvent.Type.SORRY_SERVER_OFF);
    }

    @Test
    void sorryServerInhibit_withoutSorryServer_isRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServiceHealth.builder(VS).sorryServerInhibit().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sorry_server_inhibit")
                .hasMessageContaining("expected: a sorry_server");
    }

    /**
     * keepalived's perform_quorum_state: when the sorry server comes in, the real servers still alive
     * leave the service (an inhibit_on_failure one drops to weight 0); they return when quorum does.
     */
    @Test
    void quorumLostWithSorryServer_aliveRealServersLeave_inhibitedAtZero_backWithQuorum() {
        RealServer a = RS1.withWeight(1);
        RealServer b = RS2.withWeight(1);
        VirtualService vs = VirtualService.tcp("192.0.2.15", 80).realServer(a).realServer(b).realServer(RS3).build();
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        Scripted[] c = {new Scripted("1"), new Scripted("2"), new Scripted("3")};
        monitor(ServiceHealth.builder(vs).check(a, c[0], keepalived(10, 0, 1)).check(b, c[1], keepalived(10, 0, 1))
                .check(RS3, c[2], keepalived(10, 0, 1)).inhibitOnFailure(a).quorum(2, 0).sorryServer(sorry).build());
        c[2].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10)); // alive 2: quorum 2 still met
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.1:80=1", "10.0.0.2:80=1");
        c[1].fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10)); // alive 1 < 2: the sorry server serves alone, 10.0.0.1 (alive) inhibited
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.1:80=0", "10.0.0.99:80=1");
        c[1].pass();
        clock.advance(Duration.ofSeconds(10)); // alive 2: quorum back
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.1:80=1", "10.0.0.2:80=1");
        // keepalived's order, in the events: the sorry server leaves, then the real servers return
        // (in one view: a director's table follows it in one reconcile)
        assertThat(events).extracting(HealthEvent::type).containsSubsequence(HealthEvent.Type.QUORUM_DOWN,
                HealthEvent.Type.SORRY_SERVER_ON, HealthEvent.Type.REAL_SERVER_UP, HealthEvent.Type.QUORUM_UP,
                HealthEvent.Type.SORRY_SERVER_OFF);
        assertThat(monitor.view().service(vs.key()).orElseThrow().inService()).extracting(RealServer::endpoint)
                .containsExactly("10.0.0.1:80", "10.0.0.2:80");
    }

    /** Quorum lost at start (alpha): only the sorry server goes in, as keepalived's init does. */
    @Test
    void quorumDownAtStart_withSorryServer_realServersNotAdded() {
        RealServer a = RS1.withWeight(1);
        VirtualService vs = VirtualService.tcp("192.0.2.16", 80).realServer(a).realServer(RS2).build();
        RealServer sorry = RealServer.of("10.0.0.99", 80).weight(1).build();
        Scripted c = new Scripted("1");
        monitor(ServiceHealth.builder(vs).check(a, c, keepalived(10, 0, 1).toBuilder().alpha()
                .warmup(Duration.ofSeconds(2)).build()).quorum(4, 0).sorryServer(sorry).build());
        // alive weight 3 (10.0.0.2 has no checks) < quorum 4
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.99:80=1");
        assertThat(table.operations()).containsExactly("add 10.0.0.99:80 weight 1");
        clock.advance(Duration.ofSeconds(1)); // first check passes: alive 4
        assertThat(weights(table.realServers(vs.key()))).containsExactly("10.0.0.1:80=1", "10.0.0.2:80=3");
    }

    @Test
    void alpha_startsDownWithSorryServerUntilFirstSuccess() {
        Scripted c = new Scripted("a");
        VirtualService one = VirtualService.tcp("192.0.2.13", 80).realServer(RS1).build();
        RealServer sorry = RealServer.of("10.0.0.99", 80).build();
        monitor(ServiceHealth.builder(one).check(RS1, c, keepalived(10, 0, 1).toBuilder().alpha()
                .warmup(Duration.ofSeconds(2)).build()).sorryServer(sorry).build());
        assertThat(table.realServers(one.key())).containsExactly(sorry);
        assertThat(events).extracting(HealthEvent::type).containsExactly(HealthEvent.Type.QUORUM_DOWN,
                HealthEvent.Type.SORRY_SERVER_ON);
        clock.advance(Duration.ofSeconds(1)); // the first check, at warmup 2 s * 0.5, passes
        assertThat(c.runs).isEqualTo(1);
        assertThat(table.realServers(one.key())).containsExactly(RS1);
    }

    @Test
    void hookThrows_actionFailedEventAndStateGoesOn() {
        VirtualService one = VirtualService.tcp("192.0.2.14", 80).realServer(RS1).build();
        Scripted c = new Scripted("a");
        monitor(ServiceHealth.builder(one).check(RS1, c, keepalived(10, 0, 1))
                .onQuorumDown(() -> {
                    throw new IllegalStateException("hook broke");
                }).build());
        c.fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(10));
        assertThat(events).extracting(HealthEvent::type).containsExactly(HealthEvent.Type.REAL_SERVER_DOWN,
                HealthEvent.Type.QUORUM_DOWN, HealthEvent.Type.ACTION_FAILED);
        assertThat(events.get(2).detail()).contains("hook broke");
    }

    @Test
    void dynamicWeight_inTheViewWhileUp() {
        Scripted c = new Scripted("a");
        monitor(ServiceHealth.builder(VS).check(RS1, c, keepalived(10, 0, 1)).build());
        c.next = CheckResult.up(10, 42);
        clock.advance(Duration.ofSeconds(10));
        assertThat(weights()).containsExactly("10.0.0.1:80=42", "10.0.0.2:80=3");
        assertThat(events).extracting(HealthEvent::type).containsExactly(HealthEvent.Type.WEIGHT_CHANGED);
        c.next = CheckResult.up(10, 0);
        clock.advance(Duration.ofSeconds(10));
        assertThat(weights()).containsExactly("10.0.0.1:80=0", "10.0.0.2:80=3");
    }

    @Test
    void slowStart_weightRampsToFullOverTheSlowStart() {
        Scripted c = new Scripted("a");
        VirtualService one = VirtualService.tcp("192.0.2.15", 80).realServer(RealServer.of("10.0.0.1", 80).weight(100)
                .build()).build();
        monitor(ServiceHealth.builder(one).check(RS1, c, keepalived(60, 0, 1).toBuilder()
                .slowStart(Duration.ofSeconds(10)).build()).build());
        assertThat(table.realServers(one.key()).get(0).weight()).isEqualTo(100); // at start: full
        c.fail(FailureReason.REFUSED, "x");
        clock.advance(Duration.ofSeconds(60));
        c.pass();
        clock.advance(Duration.ofSeconds(60)); // up at t=120
        assertThat(table.realServers(one.key()).get(0).weight()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(table.realServers(one.key()).get(0).weight()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(5));
        assertThat(table.realServers(one.key()).get(0).weight()).isEqualTo(100);
        List<Integer> ramp = table.operations().stream().filter(o -> o.startsWith("update"))
                .map(o -> Integer.parseInt(o.substring(o.lastIndexOf(' ') + 1))).toList();
        assertThat(ramp).isSorted().hasSize(10).endsWith(100);
    }

    @Test
    void warmupAndJitter_firstAndNextChecksDrawnWithinBounds() {
        Scripted c = new Scripted("a");
        runtime = CheckRuntime.create();
        double[] draws = {0.25, 0.0, 1.0 - 1e-9};
        int[] i = {0};
        monitor = HealthMonitor.builder().runtime(runtime).scheduler(clock).random(() -> draws[i[0]++ % 3])
                .listener(table).service(ServiceHealth.builder(VS).check(RS1, c, CheckPolicy.builder()
                        .interval(Duration.ofSeconds(10)).warmup(Duration.ofSeconds(8)).jitter(0.2).build()).build())
                .build().start();
        clock.advance(Duration.ofMillis(1999));
        assertThat(c.runs).isZero();
        clock.advance(Duration.ofMillis(1)); // warmup 8 s * 0.25
        assertThat(c.runs).isEqualTo(1);
        clock.advance(Duration.ofSeconds(8)); // 10 s * (1 - 0.2)
        assertThat(c.runs).isEqualTo(2);
        clock.advance(Duration.ofMillis(11_999));
        assertThat(c.runs).isEqualTo(2);
        clock.advance(Duration.ofMillis(1)); // ~10 s * (1 + 0.2)
        assertThat(c.runs).isEqualTo(3);
    }
}
