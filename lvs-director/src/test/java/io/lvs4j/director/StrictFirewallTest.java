package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.director.host.HostSetupException;
import io.lvs4j.director.host.VipFirewall;
import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.VirtualAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which addresses the strict-mode firewall drops, in which VRRP state, as keepalived 2.2.7 does. */
class StrictFirewallTest {
    private static final String VI = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n virtual_ipaddress {\n  192.0.2.10\n }\n}\n";

    /** What the firewall was told, one line per change: the sorted addresses, "closed". */
    private final List<String> calls = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final VipFirewall recording = new VipFirewall() {
        @Override
        public void drop(Set<InetAddress> addresses) throws HostSetupException {
            TreeSet<String> t = new TreeSet<>();
            addresses.forEach(a -> t.add(Addresses.format(a)));
            calls.add(t.toString());
        }

        @Override
        public void close() {
            calls.add("closed");
        }
    };

    private StrictFirewall firewall(String config) throws Exception {
        StrictFirewall f = new StrictFirewall(() -> recording, (op, e) -> failures.add(op));
        f.configure(strict(config));
        return f;
    }

    /** The instances the file's strict mode firewalls, as its mapping gives them. */
    private static Set<String> strict(String config) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", config, ReadOptions.defaults()).config().toDirectorConfig()
                .strictFirewall();
    }

    private static List<VirtualAddress> vips(String... a) {
        List<VirtualAddress> out = new ArrayList<>();
        for (String s : a) {
            out.add(VirtualAddress.of(s));
        }
        return out;
    }

    @Test
    void strictMasterWithoutAccept_dropsItsAddresses_untilItGivesThemUp() throws Exception {
        StrictFirewall f = firewall("global_defs {\n vrrp_strict\n}\n" + VI);
        assertThat(calls).isEmpty(); // backup: no table, as keepalived has none
        f.added("VI_1", false, vips("192.0.2.10/24", "2001:db8::10/64"));
        assertThat(calls).containsExactly("[192.0.2.10, 2001:db8::10]");
        f.removed("VI_1");
        assertThat(calls).containsExactly("[192.0.2.10, 2001:db8::10]", "[]");
        f.removed("VI_1"); // nothing held: no change
        assertThat(calls).hasSize(2);
        assertThat(failures).isEmpty();
    }

    @Test
    void acceptMode_orNotStrict_dropsNothing() throws Exception {
        StrictFirewall f = firewall("global_defs {\n vrrp_strict\n}\n" + VI);
        f.added("VI_1", true, vips("192.0.2.10/24"));
        firewall(VI).added("VI_1", false, vips("192.0.2.10/24"));
        f.added("VI_9", false, vips("192.0.2.99/24")); // not an instance of the configuration
        assertThat(calls).isEmpty();
        assertThat(StrictFirewall.NONE).isNotNull();
        StrictFirewall.NONE.added("VI_1", false, vips("192.0.2.10/24"));
        assertThat(calls).isEmpty();
    }

    @Test
    void reloadWithoutStrict_andClose_removeTheRules() throws Exception {
        StrictFirewall f = firewall("global_defs {\n vrrp_strict\n}\n" + VI);
        f.added("VI_1", false, vips("192.0.2.10/24"));
        f.configure(strict(VI));
        assertThat(calls).containsExactly("[192.0.2.10]", "[]");
        f.added("VI_1", false, vips("192.0.2.10/24"));
        f.close();
        assertThat(calls).containsExactly("[192.0.2.10]", "[]");
    }

    @Test
    void firewallRefuses_reportedAsAFailure_andRetriedAtTheNextChange() throws Exception {
        StrictFirewall f = new StrictFirewall(() -> new VipFirewall() {
            @Override
            public void drop(Set<InetAddress> addresses) throws HostSetupException {
                throw new HostSetupException("nft -f - exited with 1", null);
            }

            @Override
            public void close() {}
        }, (op, e) -> failures.add(op + ": " + e.getMessage()));
        f.configure(strict("global_defs {\n vrrp_strict\n}\n" + VI));
        f.added("VI_1", false, vips("192.0.2.10/24"));
        assertThat(failures).containsExactly("dropping the traffic of strict mode's virtual addresses [192.0.2.10]: "
                + "nft -f - exited with 1");
    }
}
