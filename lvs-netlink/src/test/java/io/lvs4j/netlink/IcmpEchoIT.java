package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The ICMP datagram socket in the lab: refused with EACCES under the default ping_group_range
 * ("1 0", root included), then round trips to loopback once root's group is allowed.
 */
@RequiresUmlLab
class IcmpEchoIT {
    /** Runs inside the guest: one line per attempt. */
    public static void main(String[] args) throws Exception {
        try (IcmpEcho ping = IcmpEcho.open()) {
            for (int i = 0; i < 3; i++) { // sequence numbers advance; each reply is matched to its request
                var rtt = ping.echo(java.net.InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(1));
                System.out.println("ECHO " + (rtt.isPresent() && rtt.getAsLong() < 1_000_000_000L ? "ok" : "none"));
            }
            try {
                ping.echo(java.net.InetAddress.getByName("::1"), Duration.ofSeconds(1));
            } catch (IllegalArgumentException e) {
                System.out.println("V6 " + e.getMessage());
            }
        } catch (IpvsException e) {
            System.out.println("OPEN " + e.errno() + " " + e.getMessage());
        }
    }

    @Test
    void echo_defaultRangeThenAllowed_eaccesThenRoundTrips(UmlLab lab) throws Exception {
        String opts = String.join(" ", UmlLab.DEFAULT_JVM_OPTIONS);
        String cmd = opts + " -cp '" + System.getProperty("java.class.path") + "' " + IcmpEchoIT.class.getName();
        LabResult r = lab.run(Duration.ofMinutes(2), "J=" + java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java")
                + "\nsysctl -qw net.ipv4.ping_group_range='1 0'\n$J " + cmd
                + "\nsysctl -qw net.ipv4.ping_group_range='0 0'\n$J " + cmd + "\n").requireSuccess();
        var lines = r.stdout().lines().toList();
        assertThat(lines).as(r.stdout() + r.stderr()).hasSize(5);
        assertThat(lines.subList(0, 4)).as(r.stdout()).containsExactly(
                "OPEN 13 socket failed: Permission denied (errno 13) for ICMP echo socket (this process's group is not "
                        + "in net.ipv4.ping_group_range, which applies to root too)",
                "ECHO ok", "ECHO ok", "ECHO ok");
        assertThat(lines.get(4)).startsWith("V6 target: ").contains("0:0:0:0:0:0:0:1").endsWith("(expected: an IPv4 address)");
    }
}
