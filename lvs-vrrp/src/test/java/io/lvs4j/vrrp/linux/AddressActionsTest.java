package io.lvs4j.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.vrrp.VirtualAddress;
import org.junit.jupiter.api.Test;

/** Virtual addresses to rtnetlink addresses, with keepalived's defaults. */
class AddressActionsTest {
    @Test
    void ipv4WithoutPrefix_isHostRouteWithLabelAndBroadcast() {
        InterfaceAddress a = AddressActions.toInterfaceAddress(VirtualAddress.builder("192.0.2.100")
                .broadcast("192.0.2.255").label("eth0:1").build(), 3);
        assertThat(a.prefixLength()).isEqualTo(32);
        assertThat(a.label()).isEqualTo("eth0:1");
        assertThat(a.broadcast()).isEqualTo(Addresses.parse("192.0.2.255", "brd"));
        assertThat(a.scope()).isEqualTo(0);
        assertThat(a.flags()).isZero();
        assertThat(a.interfaceIndex()).isEqualTo(3);
    }

    @Test
    void ipv6_isNodadWith128DefaultPrefix_labelIgnored() {
        InterfaceAddress a = AddressActions.toInterfaceAddress(VirtualAddress.builder("2001:db8::100").label("x")
                .build(), 2);
        assertThat(a.prefixLength()).isEqualTo(128);
        assertThat(a.flags()).isEqualTo(InterfaceAddress.NODAD);
        assertThat(a.label()).isNull();
    }

    @Test
    void scope_goesToTheKernelAsItsNumber() {
        assertThat(AddressActions.toInterfaceAddress(VirtualAddress.builder("192.0.2.1").scope("host").build(), 1)
                .scope()).isEqualTo(254);
        assertThat(AddressActions.toInterfaceAddress(VirtualAddress.builder("192.0.2.1").scope(17).build(), 1)
                .scope()).isEqualTo(17);
    }
}
