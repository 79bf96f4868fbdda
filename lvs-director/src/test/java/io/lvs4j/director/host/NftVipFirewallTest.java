package io.lvs4j.director.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ruleset the nft firewall feeds nft: its own tables, the addresses alone, one transaction. */
class NftVipFirewallTest {
    private static Set<InetAddress> addresses(String... a) throws Exception {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (String s : a) {
            out.add(InetAddress.getByName(s));
        }
        return out;
    }

    @Test
    void ruleset_nothingToDrop_removesBothTablesWhetherTheyExistOrNot() {
        assertThat(NftVipFirewall.ruleset(Set.of())).isEqualTo("add table ip lvs4j\ndelete table ip lvs4j\n"
                + "add table ip6 lvs4j\ndelete table ip6 lvs4j\n");
    }

    @Test
    void ruleset_ipv4_dropsToAndFromTheAddresses_beforeTheFilterChains() throws Exception {
        String r = NftVipFirewall.ruleset(addresses("192.0.2.101", "192.0.2.100"));
        assertThat(r).startsWith("add table ip lvs4j\ndelete table ip lvs4j\ntable ip lvs4j {\n")
                .contains("    type ipv4_addr\n    elements = { 192.0.2.100, 192.0.2.101 }\n")
                .contains("type filter hook input priority filter - 1; policy accept;\n    ip daddr @vips drop\n")
                .contains("type filter hook output priority filter - 1; policy accept;\n    ip saddr @vips drop\n")
                .endsWith("}\nadd table ip6 lvs4j\ndelete table ip6 lvs4j\n");
    }

    @Test
    void ruleset_ipv6_letsNeighbourDiscoveryAndLinkLocalPass() throws Exception {
        String r = NftVipFirewall.ruleset(addresses("2001:db8::10", "192.0.2.100"));
        String v6 = r.substring(r.indexOf("table ip6 lvs4j {"));
        assertThat(v6).contains("elements = { 2001:db8::10 }")
                .contains("icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n    ip6 daddr fe80::/10 accept\n"
                        + "    ip6 daddr @vips drop")
                .contains("ip6 saddr fe80::/10 accept\n    ip6 saddr @vips drop")
                .doesNotContain("192.0.2.100");
    }

    @Test
    void namespaceName_checked_noTextReachesNftButAddresses() {
        assertThatThrownBy(() -> new NftVipFirewall(Path.of("/usr/sbin/nft"), "a b; rm -rf /"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("netns: \"a b; rm -rf /\" (expected: a namespace name of letters, digits, _ . -)");
        assertThat(List.of(new NftVipFirewall(Path.of("/usr/sbin/nft"), "ns1").toString()))
                .containsExactly("NftVipFirewall[/usr/sbin/nft netns ns1]");
    }
}
