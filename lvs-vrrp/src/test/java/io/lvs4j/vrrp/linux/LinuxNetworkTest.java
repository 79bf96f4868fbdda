package io.lvs4j.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import org.junit.jupiter.api.Test;

/** What {@link LinuxNetwork} derives without a kernel. */
class LinuxNetworkTest {
    @Test
    void eui64LinkLocal_mac_isFe80WithUniversalBitFlippedAndFffe() {
        // RFC 4291 appendix A: 52:54:00:12:34:56 gives the interface identifier 5054:00ff:fe12:3456
        byte[] mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        assertThat(LinuxNetwork.eui64LinkLocal(mac)).isEqualTo(Addresses.parse("fe80::5054:ff:fe12:3456", "a"));
        byte[] local = {0x02, 0x00, 0x5e, 0x00, 0x02, (byte) 0xff};
        assertThat(LinuxNetwork.eui64LinkLocal(local)).isEqualTo(Addresses.parse("fe80::5eff:fe00:2ff", "a"));
    }
}
