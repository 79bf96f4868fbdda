package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GarpSettingsTest {
    @Test
    void defaults_areKeepalivedDefaults() {
        GarpSettings g = GarpSettings.DEFAULTS;
        assertThat(g.masterDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(g.masterRepeat()).isEqualTo(5);
        assertThat(g.masterRefresh()).isZero();
        assertThat(g.masterRefreshRepeat()).isEqualTo(1);
        assertThat(g.lowerPrioDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(g.lowerPrioRepeat()).isEqualTo(5);
    }

    @Test
    void lowerPrio_followsTheMasterSettingsUnlessSet() {
        GarpSettings g = GarpSettings.builder().masterDelay(Duration.ofSeconds(2)).masterRepeat(3).build();
        assertThat(g.lowerPrioDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(g.lowerPrioRepeat()).isEqualTo(3);
        GarpSettings set = g.toBuilder().lowerPrioDelay(Duration.ZERO).lowerPrioRepeat(1).build();
        assertThat(set.lowerPrioDelay()).isZero();
        assertThat(set.lowerPrioRepeat()).isEqualTo(1);
        assertThat(set.toBuilder().masterRepeat(9).build().lowerPrioRepeat()).isEqualTo(1);
        assertThat(g.toBuilder().masterRepeat(9).build().lowerPrioRepeat()).isEqualTo(9);
        assertThat(g.toBuilder().build()).isEqualTo(g).hasSameHashCodeAs(g);
    }

    @Test
    void setters_rejectOutOfRange() {
        assertThatThrownBy(() -> GarpSettings.builder().masterRepeat(0))
                .hasMessage("garp_master_repeat: 0 (expected: 1..255)");
        assertThatThrownBy(() -> GarpSettings.builder().masterDelay(Duration.ofSeconds(256)))
                .hasMessage("garp_master_delay: PT4M16S (expected: 0s..255s)");
        assertThatThrownBy(() -> GarpSettings.builder().masterRefresh(Duration.ofSeconds(-1)))
                .hasMessage("garp_master_refresh: PT-1S (expected: 0s..4294s)");
        assertThatThrownBy(() -> GarpSettings.builder().masterRefreshRepeat(256))
                .hasMessage("garp_master_refresh_repeat: 256 (expected: 1..255)");
        assertThatThrownBy(() -> GarpSettings.builder().lowerPrioRepeat(0))
                .hasMessage("garp_lower_prio_repeat: 0 (expected: 1..255)");
        assertThatThrownBy(() -> GarpSettings.builder().lowerPrioDelay(null))
                .hasMessage("garp_lower_prio_delay: null (expected: non-null)");
    }
}
