package io.lvs4j.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.ScriptPolicy;
import org.junit.jupiter.api.Test;

/** global_defs' script_user and enable_script_security become the director's ScriptPolicy. */
class ScriptPolicyMappingTest {
    private static ScriptPolicy policy(String globalDefs) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", "global_defs {\n" + globalDefs + "}\n",
                ReadOptions.defaults()).config().toDirectorConfig().scriptPolicy();
    }

    @Test
    void scriptPolicy_scriptUserWithGroupAndSecurity_mapped() throws Exception {
        assertThat(policy(" script_user nobody nogroup\n enable_script_security\n")).isEqualTo(
                ScriptPolicy.builder().scriptUser("nobody", "nogroup").scriptSecurity(true).build());
    }

    @Test
    void scriptPolicy_scriptUserAlone_primaryGroupNoSecurity() throws Exception {
        ScriptPolicy p = policy(" script_user nobody\n");
        assertThat(p.scriptUser()).hasValue("nobody");
        assertThat(p.scriptGroup()).isEmpty();
        assertThat(p.scriptSecurity()).isFalse();
    }

    @Test
    void scriptPolicy_neither_keepalivedDefaults() throws Exception {
        assertThat(policy(" router_id r1\n")).isEqualTo(ScriptPolicy.defaults());
    }
}
