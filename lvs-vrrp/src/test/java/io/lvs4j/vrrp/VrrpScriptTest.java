package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.ScriptLauncher;
import io.lvs4j.internal.ScriptRunner;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VrrpScriptTest {
    static VrrpScript.Builder base() {
        return VrrpScript.builder("chk").command("/usr/bin/true");
    }

    @Test
    void defaults_areKeepalivedDefaults() {
        VrrpScript s = base().build();
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.weight()).isZero();
        assertThat(s.reverse()).isFalse();
        assertThat(s.rise()).isEqualTo(1);
        assertThat(s.fall()).isEqualTo(1);
        assertThat(s.user()).isEmpty();
        assertThat(s.group()).isEmpty();
        assertThat(s.initFail()).isFalse();
        assertThat(base().interval(Duration.ofSeconds(3)).build().timeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void setters_rejectOutOfRange_namingTheScriptAndSetting() {
        assertThatThrownBy(() -> base().weight(254)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_script chk weight: 254 (expected: -253..253)");
        assertThatThrownBy(() -> base().rise(0)).hasMessage("vrrp_script chk rise: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> base().fall(0)).hasMessage("vrrp_script chk fall: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> base().interval(Duration.ZERO))
                .hasMessage("vrrp_script chk interval: PT0S (expected: more than 0s, up to 4294s)");
        assertThatThrownBy(() -> base().timeout(Duration.ofSeconds(-1)))
                .hasMessage("vrrp_script chk timeout: PT-1S (expected: more than 0s, up to 4294s)");
        assertThatThrownBy(() -> base().command("'/bin/x"))
                .hasMessage("vrrp_script chk script: \"'/bin/x\" (expected: a program and its arguments, quotes"
                        + " balanced)");
        assertThatThrownBy(() -> base().command(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("vrrp_script chk script: null (expected: non-null)");
        assertThatThrownBy(() -> base().user("a b")).hasMessage("vrrp_script chk user: \"a b\" (expected: a user or"
                + " group name)");
        assertThatThrownBy(() -> VrrpScript.builder("")).hasMessage("vrrp_script: \"\" (expected: a non-blank name)");
    }

    @Test
    void build_needsACommand_andAUserForAGroup() {
        assertThatThrownBy(() -> VrrpScript.builder("chk").build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_script chk script: null (expected: a command)");
        assertThatThrownBy(() -> base().group("wheel").build())
                .hasMessage("vrrp_script chk group: \"wheel\" (expected: a user too)");
    }

    @Test
    void everySetting_keptAndRebuiltByToBuilder() {
        VrrpScript s = base().command("\"/bin/check nginx\"").interval(Duration.ofMillis(200))
                .timeout(Duration.ofSeconds(2)).weight(-20).reverse(true).rise(3).fall(2).user("nobody")
                .group("nogroup").initFail(true).build();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.user()).contains("nobody");
        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(s.toBuilder().fall(3).build()).isNotEqualTo(s);
        assertThat(s.toString()).isEqualTo("VrrpScript[chk command=\"\"/bin/check nginx\"\" interval=PT0.2S"
                + " timeout=PT2S weight=-20 reverse rise=3 fall=2 user=nobody:nogroup init_fail]");
    }

    @Test
    void prepare_userAndGroup_runAsThem() {
        try (ScriptRunner runner = ScriptRunner.create(ScriptPolicy.defaults(), ScriptLauncher.create((String) null))) {
            ScriptRunner.Prepared p = Scripts.prepare(runner, base().command("\"/usr/bin/true nginx\"").user("nobody")
                    .group("nogroup").build());
            assertThat(p.argv()).containsExactly("/usr/bin/true", "nginx");
            assertThat(p.user()).isEqualTo("nobody");
            assertThat(p.group()).isEqualTo("nogroup");
            ScriptRunner.Prepared own = Scripts.prepare(runner, base().user("nobody").build());
            assertThat(own.group()).isNull(); // the user's primary group
        }
    }
}
