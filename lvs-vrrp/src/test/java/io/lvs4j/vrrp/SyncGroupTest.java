package io.lvs4j.vrrp;

import static io.lvs4j.vrrp.Sim.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Two nodes, each with VRID 1 and VRID 2 in one sync group; node 1 (priority 200) over node 2 (100). */
class SyncGroupTest {
    final Sim sim = new Sim();
    final VrrpRouter a1 = member("A1", "n1", "192.0.2.1", 1, 200);
    final VrrpRouter a2 = member("A2", "n1", "192.0.2.1", 2, 200);
    final VrrpRouter b1 = member("B1", "n2", "192.0.2.2", 1, 100);
    final VrrpRouter b2 = member("B2", "n2", "192.0.2.2", 2, 100);
    final InterfaceTracker eth0 = new InterfaceTracker("eth0", true);

    VrrpRouter member(String name, String node, String address, int vrid, int priority) {
        return sim.router(name, node, address, priority, "192.0.2." + (100 + vrid), b -> b.virtualRouterId(vrid));
    }

    void start() {
        SyncGroup.of("G1", List.of(a1, a2));
        SyncGroup.of("G2", List.of(b1, b2));
        a1.track(eth0);
        sim.startAll();
    }

    @Test
    void startup_membersBecomeMasterTogether() {
        start();
        sim.runTo(10 * S);
        assertThat(sim.entered("A1", RouterState.MASTER)).containsExactly(3_218_750L);
        assertThat(sim.entered("A2", RouterState.MASTER)).containsExactly(3_218_750L);
        // A1's timer fired first but waited for A2's: A2 went on its own timer, A1 with the group
        assertThat(sim.transitions("A1")).last().extracting(VrrpEvent.StateChanged::reason)
                .isEqualTo(TransitionReason.SYNC_GROUP);
        assertThat(sim.masters()).containsExactly("A1", "A2");
    }

    @Test
    void interfaceDownOnOneMember_wholeGroupFaults_peerGroupTakesOverTogether_andBack() {
        start();
        sim.runTo(10 * S);
        eth0.linkUp(false);
        assertThat(a1.state()).isEqualTo(RouterState.FAULT);
        assertThat(a2.state()).isEqualTo(RouterState.FAULT);
        assertThat(sim.transitions("A2")).last().extracting(VrrpEvent.StateChanged::reason)
                .isEqualTo(TransitionReason.SYNC_GROUP);
        sim.runTo(20 * S);
        // both masters sent priority 0: backups wait Skew_Time (prio 100: 609375 us)
        assertThat(sim.entered("B1", RouterState.MASTER)).containsExactly(10_609_375L);
        assertThat(sim.entered("B2", RouterState.MASTER)).containsExactly(10_609_375L);
        eth0.linkUp(true);
        assertThat(sim.transitions("A1")).last().extracting(VrrpEvent.StateChanged::reason)
                .isEqualTo(TransitionReason.FAULT_CLEARED);
        assertThat(a2.state()).isEqualTo(RouterState.BACKUP);
        sim.runTo(40 * S);
        // back in BACKUP at 20 s, discarding the lower adverts: master at 20 + 3.21875 s
        assertThat(sim.entered("A1", RouterState.MASTER)).containsExactly(3_218_750L, 23_218_750L);
        assertThat(sim.entered("A2", RouterState.MASTER)).containsExactly(3_218_750L, 23_218_750L);
        assertThat(sim.entered("B1", RouterState.BACKUP)).containsExactly(0L, 23_218_750L);
        assertThat(sim.entered("B2", RouterState.BACKUP)).containsExactly(0L, 23_218_750L);
    }

    @Test
    void onlyOneMemberWouldWin_groupStaysPut() {
        ScriptTracker script = ScriptTracker.of("chk", 1, 1, -150, false, false);
        a1.track(script);
        start();
        sim.runTo(10 * S);
        script.recordResult(false);
        assertThat(a1.effectivePriority()).isEqualTo(50);
        sim.runTo(60 * S);
        // B1 wants master, B2 still hears A2 at 200: keepalived prefers backup, nobody moves
        assertThat(sim.masters()).containsExactly("A1", "A2");
        assertThat(sim.entered("B1", RouterState.MASTER)).isEmpty();
    }

    @Test
    void preemptedMember_takesGroupToBackup() {
        ScriptTracker script = ScriptTracker.of("chk", 1, 1, 101, false, true);
        b1.track(script);
        b2.track(script);
        start();
        sim.runTo(10 * S);
        script.recordResult(true); // node 2 now 201 on both members
        sim.runTo(30 * S);
        // the timers set at 9.21875 s for priority 100 (MDI 3609375) shrink to priority 201's
        // MDI 3000000 + 55/256 s = 3214843: both fire at 12.433593 s
        assertThat(sim.entered("B1", RouterState.MASTER)).containsExactly(12_433_593L);
        assertThat(sim.entered("B2", RouterState.MASTER)).containsExactly(12_433_593L);
        assertThat(sim.masters()).containsExactly("B1", "B2");
        assertThat(sim.entered("A1", RouterState.BACKUP)).containsExactly(0L, 12_433_593L);
        assertThat(sim.entered("A2", RouterState.BACKUP)).containsExactly(0L, 12_433_593L);
        assertThat(sim.transitions("A1").get(2).reason()).isNotEqualTo(sim.transitions("A2").get(2).reason());
    }

    @Test
    void of_startedOrGroupedTwice_rejected() {
        SyncGroup.of("G1", List.of(a1, a2));
        assertThatThrownBy(() -> SyncGroup.of("G3", List.of(a1, b1)))
                .hasMessage("vrrp_sync_group G3 group: \"A1\" (expected: an instance in no other sync group)");
        assertThatThrownBy(() -> SyncGroup.of("G4", List.of(b1)))
                .hasMessage("vrrp_sync_group G4 group: 1 (expected: at least 2 instances)");
    }
}
