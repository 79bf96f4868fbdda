package io.lvs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScriptPolicyTest {
    @Test
    void scriptUser_unknownUser_rejectedNamingTheSetting() {
        assertThatThrownBy(() -> ScriptPolicy.builder().scriptUser("nosuch-lvs4j"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script_user: \"nosuch-lvs4j\" (expected: a user on this host)");
    }

    @Test
    void scriptUser_unknownGroup_rejectedNamingTheSetting() {
        assertThatThrownBy(() -> ScriptPolicy.builder().scriptUser("nobody", "nosuch-lvs4j"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script_user nobody group: \"nosuch-lvs4j\" (expected: a group on this host)");
    }

    @Test
    void builder_userGroupSecurity_keptAndRoundTrips() {
        ScriptPolicy p = ScriptPolicy.builder().scriptUser("nobody", "nogroup").scriptSecurity(true).build();
        assertThat(p.scriptUser()).hasValue("nobody");
        assertThat(p.scriptGroup()).hasValue("nogroup");
        assertThat(p.scriptSecurity()).isTrue();
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(ScriptPolicy.defaults().scriptUser()).isEmpty();
        assertThat(ScriptPolicy.defaults().scriptSecurity()).isFalse();
    }
}
