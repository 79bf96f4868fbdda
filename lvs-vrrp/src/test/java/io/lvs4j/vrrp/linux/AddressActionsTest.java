package io.lvs4j.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.vrrp.config.VirtualIpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** virtual_ipaddress lines to rtnetlink addresses, with keepalived's defaults. */
class AddressActionsTest {
    private static VirtualIpAddress vip(String a, int prefix, String brd, String scope, String label) {
        return new VirtualIpAddress(Addresses.parse(a, "vip"), prefix, brd == null ? null : Addresses.parse(brd, "brd"),
                null, scope, label, List.of());
    }

    @Test
    void ipv4WithoutPrefix_isHostRouteWithLabelAndBroadcast() {
        InterfaceAddress a = AddressActions.toInterfaceAddress(vip("192.0.2.100", -1, "192.0.2.255", null, "eth0:1"), 3);
        assertThat(a.prefixLength()).isEqualTo(32);
        assertThat(a.label()).isEqualTo("eth0:1");
        assertThat(a.broadcast()).isEqualTo(Addresses.parse("192.0.2.255", "brd"));
        assertThat(a.scope()).isEqualTo(0);
        assertThat(a.flags()).isZero();
        assertThat(a.interfaceIndex()).isEqualTo(3);
    }

    @Test
    void ipv6_isNodadWith128DefaultPrefix() {
        InterfaceAddress a = AddressActions.toInterfaceAddress(vip("2001:db8::100", -1, null, null, null), 2);
        assertThat(a.prefixLength()).isEqualTo(128);
        assertThat(a.flags()).isEqualTo(InterfaceAddress.NODAD);
    }

    @Test
    void scope_namesAndNumbers() {
        assertThat(AddressActions.scope("host")).isEqualTo(254);
        assertThat(AddressActions.scope("link")).isEqualTo(253);
        assertThat(AddressActions.scope("site")).isEqualTo(200);
        assertThat(AddressActions.scope("global")).isZero();
        assertThat(AddressActions.scope("nowhere")).isEqualTo(255);
        assertThat(AddressActions.scope("17")).isEqualTo(17);
        assertThatThrownBy(() -> AddressActions.scope("galaxy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope: \"galaxy\" (expected: one of global, site, link, host, nowhere or 0..255)");
    }
}
