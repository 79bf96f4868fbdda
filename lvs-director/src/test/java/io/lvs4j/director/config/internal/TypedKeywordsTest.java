package io.lvs4j.director.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.director.config.VrrpInstanceConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The VRRP keywords lvs4j acts on beyond the RFC's settings are typed and located where the file
 * has them, in keepalived.conf(5)'s syntax: {@code unicast_ttl <1-255>}, {@code strict_mode [<BOOL>]},
 * {@code use_vmac [<VMAC_INTERFACE>]}, {@code vmac_xmit_base}, and global_defs' {@code vmac_prefix <NAME>}.
 */
class TypedKeywordsTest {
    private static final String VI = "vrrp_instance VI_1 {\n"   // line 1
            + " interface eth0\n"                                 // line 2
            + " virtual_router_id 51\n";                          // line 3

    private final Problems problems = new Problems();
    private Binder binder;

    private KeepalivedConfig bind(String text) {
        binder = new Binder(problems);
        return binder.bind(new TreeBuilder(new Preprocessor(ReadOptions.defaults(), problems)
                .readString("keepalived.conf", text, ReadOptions.defaults().baseDirectory()), problems).build());
    }

    private Token at(VrrpInstanceConfig i, String keyword) {
        return binder.keywordLocations().getOrDefault(i, Map.of()).get(keyword);
    }

    @Test
    void unicastTtl_number_typedAndLocated() {
        VrrpInstanceConfig i = bind(VI + "   unicast_ttl 64\n}\n").vrrpInstances().get(0);
        assertThat(i.options().unicastTtl()).isEqualTo(64);
        assertThat(at(i, "unicast_ttl")).extracting(Token::line, Token::column).containsExactly(4, 4);
        assertThat(i.otherSettings()).doesNotContainKey("unicast_ttl");
        assertThat(problems.errors()).isEmpty();
    }

    @Test
    void unicastTtl_givenTwice_lastCounts() {
        VrrpInstanceConfig i = bind(VI + " unicast_ttl 300\n unicast_ttl 2\n}\n").vrrpInstances().get(0);
        assertThat(i.options().unicastTtl()).isEqualTo(2);
        assertThat(at(i, "unicast_ttl").line()).isEqualTo(5);
        assertThat(problems.errors()).isEmpty();
    }

    @Test
    void strictMode_bareOnAndOff_typedAndLocated() {
        VrrpInstanceConfig bare = bind(VI + " strict_mode\n}\n").vrrpInstances().get(0);
        assertThat(bare.options().strictMode()).isTrue();
        assertThat(at(bare, "strict_mode")).extracting(Token::line, Token::column).containsExactly(4, 2);
        assertThat(bind(VI + " strict_mode yes\n}\n").vrrpInstances().get(0).options().strictMode()).isTrue();
        VrrpInstanceConfig off = bind(VI + "\n strict_mode false\n}\n").vrrpInstances().get(0);
        assertThat(off.options().strictMode()).isFalse();
        assertThat(at(off, "strict_mode").line()).isEqualTo(5);
        assertThat(bind(VI + "}\n").vrrpInstances().get(0).options().strictMode()).isNull();
        assertThat(off.otherSettings()).doesNotContainKey("strict_mode");
    }

    @Test
    void strictMode_notABool_errorAtTheBlockAndOff() {
        VrrpInstanceConfig i = bind(VI + " strict_mode maybe\n}\n").vrrpInstances().get(0);
        assertThat(i.options().strictMode()).isFalse();
        assertThat(problems.errors()).extracting(io.lvs4j.director.config.ConfigProblem::toString).containsExactly(
                "keepalived.conf:1:1: vrrp_instance VI_1 strict_mode: \"maybe\" (expected: on or off, true or false,"
                        + " yes or no)");
    }

    @Test
    void useVmac_bareNamedAndXmitBase_typedAndLocated() {
        VrrpInstanceConfig bare = bind(VI + " use_vmac\n}\n").vrrpInstances().get(0);
        assertThat(bare.options()).isEqualTo(new VrrpInstanceConfig.Options(null, null, true, null, false));
        assertThat(at(bare, "use_vmac").line()).isEqualTo(4);
        VrrpInstanceConfig named = bind(VI + " vmac_xmit_base\n  use_vmac vrrp51\n}\n").vrrpInstances().get(0);
        assertThat(named.options()).isEqualTo(new VrrpInstanceConfig.Options(null, null, true, "vrrp51", true));
        assertThat(at(named, "vmac_xmit_base")).extracting(Token::line, Token::column).containsExactly(4, 2);
        assertThat(at(named, "use_vmac")).extracting(Token::line, Token::column).containsExactly(5, 3);
        assertThat(named.otherSettings()).isEmpty();
        assertThat(bind(VI + "}\n").vrrpInstances().get(0).options()).isEqualTo(VrrpInstanceConfig.Options.NONE);
    }

    @Test
    void vmacPrefix_name_typed() {
        KeepalivedConfig c = bind("global_defs {\n vmac_prefix vm\n}\n" + VI + "}\n");
        assertThat(c.globalDefs().vmacPrefix()).isEqualTo("vm");
        assertThat(c.globalDefs().otherSettings()).doesNotContainKey("vmac_prefix");
        assertThat(bind(VI + "}\n").globalDefs().vmacPrefix()).isNull();
    }
}
