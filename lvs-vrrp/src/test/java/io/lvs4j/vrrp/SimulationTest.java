package io.lvs4j.vrrp;

import static io.lvs4j.vrrp.Sim.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.vrrp.VrrpEvent.GarpReason;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulations on the in-memory link. Every expected time is worked out by hand from
 * the RFC formulas (Skew_Time = (256 - Priority) * Master_Adver_Interval / 256,
 * Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time, in microseconds, truncated):
 * <pre>
 *  advert 1 s (v2 or v3):  prio 200: skew 218750, MDI 3218750
 *                          prio 150: skew 414062 (414062.5), MDI 3414062
 *                          prio 100: skew 609375, MDI 3609375
 *  advert 100 ms (v3):     prio 200: skew 21875, MDI 321875
 *                          prio 100: skew 60937 (60937.5), MDI 360937
 * </pre>
 */
class SimulationTest {
    @Test
    void startup_higherPriority_becomesMasterAfterItsMasterDownInterval() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(20 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.entered("B", RouterState.MASTER)).isEmpty();
        assertThat(sim.entered("B", RouterState.BACKUP)).containsExactly(0L);
        assertThat(sim.masters()).containsExactly("A");
        // adverts at 3.21875 s + k s up to 19.21875 s: 17 of them, all accepted by B
        assertThat(sim.routers.get("A").statistics().advertisementsSent()).isEqualTo(17);
        assertThat(sim.routers.get("B").statistics().advertisementsAccepted()).isEqualTo(17);
    }

    @Test
    void startup_equalPriority_higherPrimaryAddressWins() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 100);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(20 * S);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(3_609_375L);
        // both timers fire at 3.609375 s; A's advert loses the tie-break, A steps down at once
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_609_375L);
        assertThat(sim.transitions("A")).last().satisfies(t -> {
            assertThat(t.to()).isEqualTo(RouterState.BACKUP);
            assertThat(t.reason()).isEqualTo(TransitionReason.PREEMPTED);
            assertThat(t.nanos() / 1000).isEqualTo(3_609_375L);
        });
        assertThat(sim.masters()).containsExactly("B");
    }

    @Test
    void masterDies_backupTakesOverOneMasterDownIntervalAfterLastAdvert() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        sim.net.linkUp("A", false); // kill -9: no priority 0
        sim.runTo(30 * S);
        // A's last advert reached B at 9.21875 s; + 3.609375 s
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(12_828_125L);
    }

    @Test
    void masterDies_v3At100ms_microsecondSkew() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200, b -> b.advertInterval(Duration.ofMillis(100)));
        sim.router("B", "192.0.2.2", 100, b -> b.advertInterval(Duration.ofMillis(100)));
        sim.startAll();
        sim.runTo(S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(321_875L);
        assertThat(sim.routers.get("B").masterDownIntervalMicros()).isEqualTo(360_937L);
        sim.net.linkUp("A", false);
        sim.runTo(3 * S);
        // last advert at 921875 + 360937
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(1_282_812L);
    }

    @Test
    void masterDies_v2_sameTimeline() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200, b -> b.version(2));
        sim.router("B", "192.0.2.2", 100, b -> b.version(2));
        sim.startAll();
        sim.runTo(10 * S);
        sim.net.linkUp("A", false);
        sim.runTo(30 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(12_828_125L);
    }

    @Test
    void masterDies_ipv6_v3() {
        Sim sim = new Sim();
        sim.router("A", "fe80::1", 200);
        sim.router("B", "fe80::2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        sim.net.linkUp("A", false);
        sim.runTo(30 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(12_828_125L);
        assertThat(sim.routers.get("B").statistics().droppedTotal()).isZero();
    }

    @Test
    void networkDelay_shiftsTakeoverByTheDelay() {
        Sim sim = new Sim();
        sim.net.delay(Duration.ofMillis(5));
        sim.router("A", "192.0.2.1", 200);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        sim.net.loss(1.0, 1);
        sim.runTo(30 * S);
        // the advert sent at 9.21875 s arrives at 9.22375 s
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(12_833_125L);
    }

    @Test
    void shutdown_priorityZero_backupTakesOverAfterSkewTime() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200);
        VrrpRouter b = sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        a.stop();
        sim.runTo(20 * S);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(10_609_375L);
        assertThat(b.statistics().priorityZeroReceived()).isEqualTo(1);
        assertThat(a.state()).isEqualTo(RouterState.INIT);
        assertThat(sim.events).filteredOn(e -> e.instance().equals("A") && e.nanos() / 1000 == 10 * S)
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("StateChanged", "AddressesRemoved");
    }

    @Test
    void splitBrain_heal_oneMasterAndWinnerReannouncesWithGarp() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        sim.net.partition(Set.of("A"));
        sim.runTo(20_500_000L);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(12_828_125L);
        assertThat(sim.masters()).containsExactly("A", "B");
        sim.net.heal();
        // B's advert at 20.828125 s reaches A first (A's next is at 21.21875 s)
        sim.runTo(20_828_125L);
        assertThat(sim.masters()).containsExactly("A");
        assertThat(sim.entered("B", RouterState.BACKUP)).containsExactly(0L, 20_828_125L);
        assertThat(sim.garps("A", GarpReason.LOWER_PRIORITY_MASTER_SEEN)).singleElement().satisfies(g -> {
            assertThat(g.nanos() / 1000).isEqualTo(20_828_125L);
            assertThat(g.repeat()).isEqualTo(5);
            assertThat(g.delay()).isEqualTo(Duration.ofSeconds(5));
        });
        for (long t = 21 * S; t <= 40 * S; t += S / 4) {
            sim.runTo(t);
            assertThat(sim.masters()).containsExactly("A");
        }
    }

    @Test
    void splitBrain_healWhileWinnerSpeaksFirst_higherPrioSendAdvertTriggersGarp() {
        for (boolean option : new boolean[] {false, true}) {
            Sim sim = new Sim();
            sim.router("A", "192.0.2.1", 200);
            sim.router("B", "192.0.2.2", 100, b -> b.higherPrioritySendAdvert(option));
            sim.startAll();
            sim.runTo(10 * S);
            sim.net.partition(Set.of("A"));
            sim.runTo(20 * S);
            sim.net.heal();
            sim.runTo(30 * S);
            // A's advert at 20.21875 s reaches B first; B steps down
            assertThat(sim.entered("B", RouterState.BACKUP)).containsExactly(0L, 20_218_750L);
            assertThat(sim.masters()).containsExactly("A");
            assertThat(sim.garps("A", GarpReason.LOWER_PRIORITY_MASTER_SEEN)).extracting(e -> e.nanos() / 1000)
                    .isEqualTo(option ? List.of(20_218_750L) : List.of());
        }
    }

    @Test
    void nopreempt_rebootedHigherPriority_staysBackup() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200, b -> b.nopreempt(true));
        sim.router("B", "192.0.2.2", 100, b -> b.nopreempt(true));
        sim.startAll();
        sim.runTo(10 * S);
        a.stop();
        sim.runTo(15 * S);
        a.start();
        sim.runTo(60 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(10_609_375L);
        assertThat(a.state()).isEqualTo(RouterState.BACKUP);
    }

    @Test
    void preempt_rebootedHigherPriority_takesBackAfterItsMasterDownInterval() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        a.stop();
        sim.runTo(15 * S);
        a.start();
        sim.runTo(60 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L, 18_218_750L);
        assertThat(sim.entered("B", RouterState.BACKUP)).containsExactly(0L, 18_218_750L);
    }

    @Test
    void preemptDelay_acceptsLowerMasterUntilDelayExpires() {
        for (boolean delayed : new boolean[] {false, true}) {
            Sim sim = new Sim();
            VrrpRouter b = sim.router("B", "192.0.2.2", 100);
            VrrpRouter a = sim.router("A", "192.0.2.1", 200,
                    x -> x.preemptDelay(delayed ? Duration.ofSeconds(5) : Duration.ZERO));
            b.start();
            sim.runTo(10 * S);
            a.start();
            sim.runTo(40 * S);
            // B advertises at 3.609375 s + k s. With the delay: the first (10.609375 s) starts it, adverts up to
            // 14.609375 s are accepted, 15.609375 s is not (delay ended), so A fires at 14.609375 + 3.21875 s.
            assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(delayed ? 17_828_125L : 13_218_750L);
            assertThat(sim.masters()).containsExactly("A");
        }
    }

    @Test
    void flappingLink_shortOutagesIgnored_longOutageMovesAndReturns() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        for (int i = 0; i < 10; i++) {
            long t = 10 * S + i * 2 * S;
            sim.runTo(t);
            sim.net.linkUp("A", false);
            sim.runTo(t + S);
            sim.net.linkUp("A", true);
        }
        sim.runTo(30 * S);
        assertThat(sim.entered("B", RouterState.MASTER)).isEmpty();
        sim.net.linkUp("A", false);
        sim.runTo(35 * S);
        sim.net.linkUp("A", true);
        sim.runTo(50 * S);
        assertThat(sim.transitions("B")).extracting(VrrpEvent.StateChanged::to, e -> e.nanos() / 1000).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RouterState.BACKUP, 0L),
                org.assertj.core.groups.Tuple.tuple(RouterState.MASTER, 32_828_125L),
                org.assertj.core.groups.Tuple.tuple(RouterState.BACKUP, 35_218_750L));
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.masters()).containsExactly("A");
    }

    @Test
    void fourRouters_mixedPriorities_electionFailoverTieAndReturn() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 150);
        sim.router("B", "192.0.2.2", 200);
        sim.router("C", "192.0.2.3", 100);
        sim.router("D", "192.0.2.4", 150);
        sim.startAll();
        sim.runTo(10 * S);
        assertThat(sim.masters()).containsExactly("B");
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(3_218_750L);
        sim.net.linkUp("B", false);
        sim.runTo(15 * S);
        // A and D (150) fire together at 9.21875 + 3.414062 s; D has the higher address
        assertThat(sim.entered("D", RouterState.MASTER)).containsExactly(12_632_812L);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(12_632_812L);
        assertThat(sim.entered("A", RouterState.BACKUP)).containsExactly(0L, 12_632_812L);
        assertThat(sim.entered("C", RouterState.MASTER)).isEmpty();
        assertThat(sim.masters()).containsExactly("B", "D"); // B is cut off and still believes it is master
        sim.net.linkUp("B", true);
        sim.runTo(30 * S);
        // B never stopped advertising into the void: its 15.21875 s advert preempts D
        assertThat(sim.entered("D", RouterState.BACKUP)).containsExactly(0L, 15_218_750L);
        assertThat(sim.masters()).containsExactly("B");
    }

    @Test
    void v2PassMismatch_droppedAndCounted_bothBecomeMaster() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200,
                b -> b.version(2).authentication(VrrpAuthentication.pass("secret1")));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100,
                x -> x.version(2).authentication(VrrpAuthentication.pass("other")));
        VrrpRouter c = sim.router("C", "192.0.2.3", 50, x -> x.version(2));
        sim.startAll();
        sim.runTo(20 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(3_609_375L);
        assertThat(a.statistics().advertisementsSent()).isEqualTo(17);
        assertThat(b.statistics().dropped(DropReason.AUTH_FAILURE)).isEqualTo(17);
        assertThat(b.statistics().advertisementsAccepted()).isZero();
        assertThat(c.statistics().dropped(DropReason.AUTH_TYPE_MISMATCH))
                .isEqualTo(a.statistics().advertisementsSent() + b.statistics().advertisementsSent());
        assertThat(a.statistics().dropped(DropReason.AUTH_FAILURE)).isEqualTo(b.statistics().advertisementsSent());
    }

    @Test
    void v2PassMatch_oneMaster() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200, b -> b.version(2).authentication(VrrpAuthentication.pass("pw")));
        sim.router("B", "192.0.2.2", 100, b -> b.version(2).authentication(VrrpAuthentication.pass("pw")));
        sim.startAll();
        sim.runTo(20 * S);
        assertThat(sim.masters()).containsExactly("A");
    }

    @Test
    void v2Ah_election_and_wrongKeyDropped() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200, b -> b.version(2).authentication(VrrpAuthentication.ah("k")));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100,
                x -> x.version(2).authentication(VrrpAuthentication.ah("k")));
        VrrpRouter c = sim.router("C", "192.0.2.3", 50,
                x -> x.version(2).authentication(VrrpAuthentication.ah("wrong")));
        sim.startAll();
        sim.runTo(20 * S);
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(b.statistics().advertisementsAccepted()).isEqualTo(17);
        assertThat(c.statistics().dropped(DropReason.AUTH_FAILURE)).isEqualTo(17);
    }

    /**
     * Issue 16, point 6: the AH master dies after a minute and comes back with its counter at 0.
     * The backup, now master, had accepted sequence numbers up to about 60; it used to drop the
     * restarted router's adverts as replays until their numbers passed that, while the restarted
     * router (hearing the lower priority) made itself master too: two masters for a minute. With
     * keepalived's one counter per instance the restarted router takes the counter from the first
     * advert it accepts, and is accepted in turn.
     */
    @Test
    void v2Ah_masterRestartsWithItsCounterAtZero_acceptedAndOneMaster() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200, b -> b.version(2).authentication(VrrpAuthentication.ah("k")));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100, x -> x.version(2).authentication(VrrpAuthentication.ah("k")));
        sim.startAll();
        sim.runTo(60 * S);
        assertThat(sim.masters()).containsExactly("A");
        sim.net.linkUp("A", false); // killed: no priority 0
        sim.routers.remove("A");
        sim.runTo(65 * S);
        assertThat(sim.masters()).containsExactly("B");

        VrrpRouter a2 = sim.router("A2", "A2", "192.0.2.1", 200,
                x -> x.version(2).authentication(VrrpAuthentication.ah("k")));
        a2.start();
        sim.runTo(75 * S);

        assertThat(sim.masters()).containsExactly("A2");
        assertThat(b.state()).isEqualTo(RouterState.BACKUP);
        assertThat(b.statistics().dropped(DropReason.AH_REPLAY)).isLessThanOrEqualTo(2);
        assertThat(a2.statistics().advertisementsAccepted()).isPositive();
    }
}
