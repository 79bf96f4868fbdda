package io.lvs4j.netlink;

import io.lvs4j.table.IpvsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On a kernel without IPVS (the build machines: {@code CONFIG_IP_VS is not set}, so no
 * {@code /proc/net/ip_vs}) the probe reports that plainly instead of crashing. Inside the lab's
 * UML kernel the ITs prove the other side.
 */
class IpvsAvailabilityTest {
    @Test
    void probe_kernelWithoutIpvs_saysSoPlainly() {
        assumeFalse(Files.exists(Path.of("/proc/net/ip_vs")), "this kernel has IPVS");
        assertThat(Ipvs.isAvailable()).isFalse();
        IpvsException cause = Ipvs.unavailabilityCause();
        assertThat(cause.getMessage()).isEqualTo("CTRL_CMD_GETFAMILY failed: No such file or directory (errno 2)"
                + " for family IPVS (kernel has no IPVS (generic netlink family IPVS not found))");
        assertThat(cause.errno()).isEqualTo(2);
        assertThat(cause.command()).isEqualTo("CTRL_CMD_GETFAMILY");
        assertThatThrownBy(Ipvs::ensureAvailability).isSameAs(cause);
        assertThatThrownBy(Ipvs::open).isInstanceOf(IpvsException.class)
                .hasMessageContaining("kernel has no IPVS");
    }

    @Test
    void open_missingNamespace_namesThePath() {
        assertThatThrownBy(() -> Ipvs.open("lvs4j-no-such-ns-" + ProcessHandle.current().pid()))
                .isInstanceOf(IpvsException.class)
                .hasMessageContaining("open failed: No such file or directory (errno 2)")
                .hasMessageContaining("/run/netns/lvs4j-no-such-ns-");
    }

    @Test
    void open_namespaceWithSlash_isCallerMistake() {
        assertThatThrownBy(() -> Ipvs.open("../etc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("network namespace: \"../etc\" (expected: a name under /run/netns, without '/')");
    }
}
