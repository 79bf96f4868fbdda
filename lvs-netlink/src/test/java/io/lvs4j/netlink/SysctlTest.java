package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SysctlTest {
    @Test
    void path_dottedName_mapsToProcSys() {
        assertThat(Sysctl.path("net.ipv4.conf.all.arp_ignore")).isEqualTo("/proc/sys/net/ipv4/conf/all/arp_ignore");
    }

    @Test
    void path_slashName_keepsDotsInInterfaceNames() {
        assertThat(Sysctl.path("net/ipv4/conf/eth0.100/arp_ignore")).isEqualTo("/proc/sys/net/ipv4/conf/eth0.100/arp_ignore");
    }

    @Test
    void path_escapingName_isRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> Sysctl.path("net/../../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sysctl: \"net/../../etc/passwd\" (expected: a name such as net.ipv4.ip_forward");
        assertThatThrownBy(() -> Sysctl.path("net..ipv4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sysctl.path("/net/ipv4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sysctl.path("net.ipv4.conf.a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sysctl.path("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void write_multiLineValue_isRejectedBeforeAnyIo() {
        assertThatThrownBy(() -> Sysctl.write(null, "net.ipv4.ip_forward", "1\n0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value: \"1\n0\" (expected: a non-empty single line)");
    }

    @Test
    void read_badNamespaceName_isRejectedBeforeAnyIo() {
        assertThatThrownBy(() -> Sysctl.read("../x", "net.ipv4.ip_forward"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("network namespace: \"../x\"");
    }

    @Test
    void read_missingSysctl_isTheCheckedExceptionWithErrno() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Rtnetlink.isAvailable());
        assertThatThrownBy(() -> Sysctl.read(null, "net.ipv4.conf.no-such-if0.arp_ignore"))
                .isInstanceOf(InterfaceException.class)
                .hasMessageContaining("(errno 2) for sysctl net.ipv4.conf.no-such-if0.arp_ignore")
                .hasCauseInstanceOf(io.lvs4j.netlink.internal.NetlinkIoException.class);
    }
}
