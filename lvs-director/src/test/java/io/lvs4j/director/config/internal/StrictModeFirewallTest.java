package io.lvs4j.director.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.config.ConfigException;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** vrrp_strict on a host without the nft program: refused where it stands, never run half. */
class StrictModeFirewallTest {
    private static final String VI = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n virtual_ipaddress {\n  192.0.2.10\n }\n";
    private final BooleanSupplier saved = StrictMode.nftPresent;

    @AfterEach
    void restore() {
        StrictMode.nftPresent = saved;
    }

    private static ConfigException errors(String text) {
        return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
                () -> KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()));
    }

    @Test
    void vrrpStrict_withoutNft_locatedError() {
        StrictMode.nftPresent = () -> false;
        ConfigException e = errors("global_defs {\n vrrp_strict\n}\n" + VI + "}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly("keepalived.conf:2:2: vrrp_strict: "
                + "\"nft not found\" (expected: the nftables program (Debian: apt-get install nftables): strict mode "
                + "drops the traffic of a master's virtual addresses without accept mode, as keepalived does)");
    }

    @Test
    void strictModeOfAnInstance_withoutNft_locatedErrorAtTheKeyword_offIsFine() throws Exception {
        StrictMode.nftPresent = () -> false;
        ConfigException e = errors(VI + " strict_mode on\n}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly("keepalived.conf:9:2: vrrp_instance VI_1 "
                + "strict_mode: \"nft not found\" (expected: the nftables program (Debian: apt-get install nftables): "
                + "strict mode drops the traffic of a master's virtual addresses without accept mode, as keepalived "
                + "does)");
        assertThat(KeepalivedConfig.parse("keepalived.conf", VI + " strict_mode off\n}\n", ReadOptions.defaults())
                .warnings()).isEmpty();
    }

    @Test
    void vrrpStrict_withNft_readsWithoutError_andNamesTheStrictInstances() throws Exception {
        StrictMode.nftPresent = () -> true;
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf", "global_defs {\n vrrp_strict\n}\n" + VI + "}\n"
                + VI.replace("VI_1", "VI_2").replace("51", "52") + " strict_mode off\n}\n", ReadOptions.defaults())
                .config();
        assertThat(StrictMode.strictInstances(c)).containsExactly("VI_1");
    }
}
