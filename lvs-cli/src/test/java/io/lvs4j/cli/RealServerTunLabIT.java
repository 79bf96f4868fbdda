package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The TUN real-server recipe where {@code tunl0} exists: inside User-Mode Linux, whose lab loads
 * the {@code ipip} module (the host has none). {@code lvs4j realserver up --mode tun} in a fresh
 * namespace whose rp_filter values were set beforehand, read back with {@code ip} and
 * {@code sysctl}, then {@code down}.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class RealServerTunLabIT {
    @Test
    void realserverUp_tun_setsTunl0UpRpFilterOffAndDownRestoresEverything(UmlLab lab) throws Exception {
        String jar = System.getProperty("lvs4j.cli.jar");
        Path repo = UmlLab.findRepoRoot().orElseThrow();
        String lvs4j = "LVS4J_JAR=" + jar + " LVS4J_CDS=off " + repo.resolve("bin/lvs4j");
        String show = "ip -n rs -o link show tunl0 | grep -o '<[^>]*>'; "
                + "ip netns exec rs sysctl -n net.ipv4.conf.tunl0.rp_filter net.ipv4.conf.all.rp_filter "
                + "net.ipv4.conf.all.arp_ignore; ip -n rs -o addr show dev lo | grep -c 192.0.2.100 || true; ";
        LabResult r = lab.run(Duration.ofMinutes(3), "set -e; ip netns add rs; ip -n rs link set lo up; "
                + "ip netns exec rs sysctl -q -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.tunl0.rp_filter=2; "
                + show + "echo ---; "
                + lvs4j + " realserver up --vip 192.0.2.100 --mode tun --netns rs --state /tmp/rs.state; echo ---; "
                + show + "echo ---; "
                + lvs4j + " realserver down --vip 192.0.2.100 --netns rs --state /tmp/rs.state >/dev/null; "
                + show).requireSuccess();

        String[] parts = r.stdout().split("---\n");
        assertThat(parts).hasSize(4);
        assertThat(parts[0]).isEqualTo("<NOARP>\n2\n1\n0\n0\n"); // before: tunl0 down, rp_filter 2 and 1
        assertThat(parts[1]).contains("link tunl0 set up", "sysctl net.ipv4.conf.tunl0.rp_filter: 2 -> 0",
                "sysctl net.ipv4.conf.all.rp_filter: 1 -> 0", "address 192.0.2.100/32 added on lo");
        assertThat(parts[2]).startsWith("<NOARP,UP,LOWER_UP>\n0\n0\n1\n1\n");
        assertThat(parts[3]).isEqualTo(parts[0]);
    }
}
