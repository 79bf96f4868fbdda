package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The value type; how groups behave is {@link SyncGroupTest}. */
class VrrpSyncGroupTest {
    @Test
    void build_needsTwoMembers_eachOnce() {
        assertThatThrownBy(() -> VrrpSyncGroup.builder("G1").member("VI_1").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_sync_group G1 group: 1 (expected: at least 2 instances)");
        assertThatThrownBy(() -> VrrpSyncGroup.builder("G1").member("VI_1").member("VI_1"))
                .hasMessage("vrrp_sync_group G1 group: \"VI_1\" (expected: each instance once)");
        assertThatThrownBy(() -> VrrpSyncGroup.builder("G1").members(java.util.Arrays.asList("VI_1", null)))
                .hasMessage("vrrp_sync_group G1 group: null (expected: non-null)");
    }

    @Test
    void setters_checkTheirArguments() {
        assertThatThrownBy(() -> VrrpSyncGroup.builder("G1").trackScript("chk", 300, false))
                .hasMessage("vrrp_sync_group G1 track_script chk weight: 300 (expected: -254..254)");
        assertThatThrownBy(() -> VrrpSyncGroup.builder("G1").notifyFault("\"x"))
                .hasMessageStartingWith("vrrp_sync_group G1 notify_fault: ");
    }

    @Test
    void everySetting_keptAndRebuiltByToBuilder() {
        VrrpSyncGroup g = VrrpSyncGroup.builder("G1").members(List.of("VI_1", "VI_2")).trackInterface("eth1")
                .trackInterface("eth2", -10, false).trackScript("chk").trackScript("chk2", 5, true)
                .notifyMaster("/bin/m").notifyBackup("/bin/b").notifyFault("/bin/f").notifyStop("/bin/s")
                .notifyAny("/bin/n").build();
        assertThat(g.members()).containsExactly("VI_1", "VI_2");
        assertThat(g.trackedInterfaces()).hasSize(2);
        assertThat(g.trackedScripts()).extracting(Track::toString).containsExactly("chk", "chk2 weight 5 reverse");
        assertThat(g.notifyAny()).contains("/bin/n");
        assertThat(g.toBuilder().build()).isEqualTo(g).hasSameHashCodeAs(g);
        assertThat(g.toBuilder().member("VI_3").build()).isNotEqualTo(g);
    }
}
