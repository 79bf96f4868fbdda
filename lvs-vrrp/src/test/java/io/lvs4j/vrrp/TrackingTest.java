package io.lvs4j.vrrp;

import static io.lvs4j.vrrp.Sim.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrackingTest {
    static boolean[] run(ScriptTracker s, String results) {
        boolean[] states = new boolean[results.length()];
        for (int i = 0; i < results.length(); i++) {
            s.recordResult(results.charAt(i) == '+');
            states[i] = s.isUp();
        }
        return states;
    }

    @Test
    void script_firstResultDecides_thenRiseAndFall() {
        ScriptTracker s = ScriptTracker.of("chk", 2, 3, 0, false, false);
        assertThat(s.isUp()).isTrue();
        // - : first failure fails at once; + + : rise 2; - - : still OK; + : back to full; - - - : fall 3
        assertThat(run(s, "-++--+---")).containsExactly(false, false, true, true, true, true, true, true, false);
    }

    @Test
    void script_initFail_needsRiseSuccesses() {
        ScriptTracker s = ScriptTracker.of("chk", 3, 1, 0, false, true);
        assertThat(s.isUp()).isFalse();
        assertThat(run(s, "++-+++-")).containsExactly(false, false, false, false, false, true, false);
    }

    @Test
    void script_ofVrrpScript_keepalivedDefaults() {
        ScriptTracker s = ScriptTracker.of(VrrpScript.builder("chk_nginx").command("/bin/true").build());
        assertThat(s.rise()).isEqualTo(1);
        assertThat(s.fall()).isEqualTo(1);
        assertThat(s.weight()).isZero();
        assertThatThrownBy(() -> ScriptTracker.of("x", 0, 1, 0, false, false))
                .hasMessage("rise: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> ScriptTracker.of("x", 1, 1, 254, false, false))
                .hasMessage("weight: 254 (expected: -253..253)");
    }

    VrrpRouter router(int priority) {
        return new Sim().router("R", "192.0.2.1", priority);
    }

    @Test
    void weights_keepalivedSemantics() {
        ScriptTracker plus = ScriptTracker.of("plus", 1, 1, 20, false, false);
        ScriptTracker minus = ScriptTracker.of("minus", 1, 1, -30, false, false);
        ScriptTracker reversed = ScriptTracker.of("rev", 1, 1, 20, true, false);
        VrrpRouter r = router(100).track(plus).track(minus).track(reversed);
        // up: +20 (plus), 0 (minus), -20 (reversed positive weight is subtracted while up)
        assertThat(r.effectivePriority()).isEqualTo(100);
        plus.recordResult(false);
        assertThat(r.effectivePriority()).isEqualTo(80);
        minus.recordResult(false);
        assertThat(r.effectivePriority()).isEqualTo(50);
        reversed.recordResult(false);
        assertThat(r.effectivePriority()).isEqualTo(70);
        plus.recordResult(true);
        assertThat(r.effectivePriority()).isEqualTo(90);
    }

    @Test
    void weights_clampedTo1And254_ownerUnchanged() {
        ScriptTracker up = ScriptTracker.of("up", 1, 1, 50, false, false);
        assertThat(router(250).track(up).effectivePriority()).isEqualTo(254);
        ScriptTracker down = ScriptTracker.of("down", 1, 1, -50, false, true);
        assertThat(router(10).track(down).effectivePriority()).isEqualTo(1);
        assertThatThrownBy(() -> router(255).track(up))
                .hasMessage("weight: 50 (expected: 0 for the address owner (keepalived))");
        assertThat(router(255).track(new InterfaceTracker("eth0", true)).effectivePriority())
                .isEqualTo(255);
    }

    @Test
    void interfaceWeightZero_downGivesFault_upGivesBackup() {
        Sim sim = new Sim();
        InterfaceTracker eth0 = new InterfaceTracker("eth0", true);
        VrrpRouter r = sim.router("R", "192.0.2.1", 100).track(eth0);
        r.start();
        eth0.linkUp(false);
        assertThat(r.state()).isEqualTo(RouterState.FAULT);
        sim.runTo(60 * S);
        assertThat(r.state()).isEqualTo(RouterState.FAULT);
        eth0.linkUp(true);
        assertThat(r.state()).isEqualTo(RouterState.BACKUP);
        sim.runTo(60 * S + 3_609_375L);
        assertThat(r.state()).isEqualTo(RouterState.MASTER);
    }

    @Test
    void interfaceWeightZeroReverse_faultWhileUp() {
        InterfaceTracker eth1 = new InterfaceTracker("eth1", true);
        Sim sim = new Sim();
        VrrpRouter r = sim.router("R", "192.0.2.1", 100).track(eth1, 0, true);
        r.start();
        assertThat(r.state()).isEqualTo(RouterState.FAULT);
        eth1.linkUp(false);
        assertThat(r.state()).isEqualTo(RouterState.BACKUP);
    }

    @Test
    void interfaceWithWeight_lowersPriorityInsteadOfFault() {
        InterfaceTracker eth1 = new InterfaceTracker("eth1", true);
        VrrpRouter r = router(100).track(eth1, -60, false);
        r.start();
        eth1.linkUp(false);
        assertThat(r.state()).isEqualTo(RouterState.BACKUP);
        assertThat(r.effectivePriority()).isEqualTo(40);
    }

    @Test
    void masterInterfaceDown_sendsPriorityZero_backupTakesOverAfterSkew() {
        Sim sim = new Sim();
        InterfaceTracker eth0 = new InterfaceTracker("eth0", true);
        sim.router("A", "192.0.2.1", 200).track(eth0);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        eth0.linkUp(false);
        sim.runTo(20 * S);
        assertThat(sim.entered("A", RouterState.FAULT)).containsExactly(10 * S);
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(10_609_375L);
    }

    /** The seeds' nginx + heartbeat problem: nginx dies on the master, its priority drops, the backup takes the VIP. */
    @Test
    void nginxCheckFailsOnMaster_priorityDrops_backupTakesOver() {
        Sim sim = new Sim();
        ScriptTracker nginx = ScriptTracker.of("chk_nginx", 2, 2, -150, false, false);
        VrrpRouter a = sim.router("A", "192.0.2.1", 200).track(nginx);
        sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(10 * S);
        nginx.recordResult(true);
        nginx.recordResult(false);
        assertThat(a.effectivePriority()).isEqualTo(200); // fall 2: one failure is not enough
        sim.runTo(11 * S);
        nginx.recordResult(false);
        assertThat(a.effectivePriority()).isEqualTo(50);
        sim.runTo(30 * S);
        // A's 11.21875 s advert carries 50 and is discarded; B's timer runs from the 10.21875 s advert
        assertThat(sim.entered("B", RouterState.MASTER)).containsExactly(13_828_125L);
        assertThat(sim.entered("A", RouterState.BACKUP)).containsExactly(0L, 13_828_125L);
        assertThat(sim.events).filteredOn(e -> e instanceof VrrpEvent.PriorityChanged)
                .singleElement().isEqualTo(new VrrpEvent.PriorityChanged("A", 11 * S * 1000, 200, 50));
        // nginx back (rise 2): priority 200 again, A preempts after its Master_Down_Interval
        sim.runTo(40 * S);
        nginx.recordResult(true);
        nginx.recordResult(true);
        sim.runTo(50 * S);
        // the running Master_Down_Timer (set at 39.828125 s for priority 50) shrinks to the priority-200 interval
        assertThat(sim.entered("A", RouterState.MASTER)).containsExactly(3_218_750L, 43_046_875L);
    }

    @Test
    void preemptDelayZeroAndNopreemptDefaults() {
        VrrpRouter r = router(100);
        assertThat(r.instance().preemptDelay()).isEqualTo(Duration.ZERO);
        assertThat(r.instance().nopreempt()).isFalse();
    }

    @Test
    void tracked_scriptAndInterface_eachWithStateWeightAndKindAfterChange() {
        ScriptTracker chk = ScriptTracker.of("chk", 1, 1, -10, false, false);
        InterfaceTracker eth1 = new InterfaceTracker("eth1", true);
        VrrpRouter r = router(100).track(chk).track(eth1, -5, true);
        assertThat(r.tracked()).extracting(Object::toString)
                .containsExactly("script chk up weight -10", "interface eth1 up weight -5 reverse");
        chk.recordResult(false);
        eth1.linkUp(false);
        assertThat(r.tracked()).extracting(t -> t.name() + " " + t.kind() + " " + t.isUp() + " " + t.weight())
                .containsExactly("chk SCRIPT false -10", "eth1 INTERFACE false -5");
    }
}
