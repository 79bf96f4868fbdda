package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressesTest {

    // expected strings produced by glibc inet_ntop (python3 socket.inet_ntop), the formatter ipvsadm uses
    @ParameterizedTest
    @CsvSource({
        "2001:db8::1, 2001:db8::1",
        "2001:0db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "::, ::",
        "::1, ::1",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",
        "::192.0.2.1, ::192.0.2.1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "fe80::, fe80::",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "0:0:1::, 0:0:1::",
        "::0.0.0.2, ::2",
        "[2001:DB8::A], 2001:db8::a",
        "192.0.2.10, 192.0.2.10",
        "0.0.0.0, 0.0.0.0",
    })
    void format_parsedLiteral_matchesInetNtop(String literal, String expected) {
        assertThat(Addresses.format(Addresses.parse(literal, "address"))).isEqualTo(expected);
    }

    @Test
    void parse_ipv4MappedLiteral_staysIpv6() {
        InetAddress a = Addresses.parse("::ffff:192.0.2.1", "address");
        assertThat(a).isInstanceOf(Inet6Address.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "192.0.2", "192.0.2.256", "192.0.2.1.5", "01.2.3.4", "1:2:3:4:5:6:7:8:9",
        "1::2::3", ":1:2", "12345::", "", "2001:db8::1%eth0", "1.2.3.4:80", "::g"})
    void parse_notALiteral_saysWhatWasExpected(String text) {
        assertThatThrownBy(() -> Addresses.parse(text, "address"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address: \"" + text + "\" (expected: an IPv4 or IPv6 address literal)");
    }

    @Test
    void endpoint_ipv6_isBracketed() {
        assertThat(Addresses.endpoint(Addresses.parse("2001:db8::2", "a"), 80)).isEqualTo("[2001:db8::2]:80");
        assertThat(Addresses.endpoint(Addresses.parse("10.0.0.2", "a"), 8080)).isEqualTo("10.0.0.2:8080");
    }

    @Test
    void toInt_roundTripsThroughOfInt() {
        assertThat(Addresses.toInt(Addresses.ofInt(0xC0000201))).isEqualTo(0xC0000201);
        assertThat(Addresses.format(Addresses.ofInt(0xFFFFFF00))).isEqualTo("255.255.255.0");
    }
}
