package io.lvs4j.vrrp;

import static io.lvs4j.vrrp.Sim.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VirtualAddressTest {
    @Test
    void of_withoutPrefix_isAHostAddress_withKeepalivedDefaults() {
        VirtualAddress v4 = VirtualAddress.of("192.0.2.10");
        assertThat(v4.prefixLength()).isEqualTo(32);
        assertThat(v4.scope()).isZero();
        assertThat(v4.device()).isEmpty();
        assertThat(v4.label()).isEmpty();
        assertThat(v4.broadcast()).isEmpty();
        assertThat(VirtualAddress.of("2001:db8::10").prefixLength()).isEqualTo(128);
        assertThat(VirtualAddress.of(ip("192.0.2.10"))).isEqualTo(v4).hasSameHashCodeAs(v4);
    }

    @Test
    void scope_namesAndNumbers() {
        assertThat(VirtualAddress.builder("192.0.2.1").scope("host").build().scope()).isEqualTo(254);
        assertThat(VirtualAddress.builder("192.0.2.1").scope("link").build().scope()).isEqualTo(253);
        assertThat(VirtualAddress.builder("192.0.2.1").scope("site").build().scope()).isEqualTo(200);
        assertThat(VirtualAddress.builder("192.0.2.1").scope("global").build().scope()).isZero();
        assertThat(VirtualAddress.builder("192.0.2.1").scope("nowhere").build().scope()).isEqualTo(255);
        assertThat(VirtualAddress.builder("192.0.2.1").scope("17").build().scope()).isEqualTo(17);
        assertThatThrownBy(() -> VirtualAddress.builder("192.0.2.1").scope("galaxy"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("virtual_ipaddress 192.0.2.1 scope: \"galaxy\""
                        + " (expected: one of global, site, link, host, nowhere or 0..255)");
        assertThatThrownBy(() -> VirtualAddress.builder("192.0.2.1").scope(256))
                .hasMessage("virtual_ipaddress 192.0.2.1 scope: 256 (expected: 0..255)");
    }

    @Test
    void options_checked() {
        assertThatThrownBy(() -> VirtualAddress.builder("2001:db8::1").broadcast("192.0.2.255"))
                .hasMessage("virtual_ipaddress 2001:db8::1 brd: \"192.0.2.255\" (expected: an IPv4 address, for an"
                        + " IPv4 virtual address)");
        assertThatThrownBy(() -> VirtualAddress.builder("192.0.2.1").label("a-label-of-16-ch"))
                .hasMessage("virtual_ipaddress 192.0.2.1 label: \"a-label-of-16-ch\" (expected: 1 to 15 characters)");
        assertThatThrownBy(() -> VirtualAddress.builder("192.0.2.1").device("eth 1"))
                .hasMessageStartingWith("virtual_ipaddress 192.0.2.1 dev: \"eth 1\"");
        assertThatThrownBy(() -> VirtualAddress.of("example.com")).hasMessage("virtual_ipaddress: \"example.com\""
                + " (expected: an IPv4 or IPv6 address literal with an optional /prefix length)");
        assertThatThrownBy(() -> VirtualAddress.of("192.0.2.1/x"))
                .hasMessage("virtual_ipaddress: \"192.0.2.1/x\" (expected: a prefix length 0..32)");
    }

    @Test
    void toString_readsAsIpAddressAdd_andToBuilderRebuilds() {
        VirtualAddress v = VirtualAddress.builder("192.0.2.10/24").broadcast("192.0.2.255").device("eth1").scope("link")
                .label("eth1:1").build();
        assertThat(v).hasToString("192.0.2.10/24 brd 192.0.2.255 dev eth1 scope 253 label eth1:1");
        assertThat(v.toBuilder().build()).isEqualTo(v);
        assertThat(v.toBuilder().label("eth1:2").build()).isNotEqualTo(v);
    }
}
