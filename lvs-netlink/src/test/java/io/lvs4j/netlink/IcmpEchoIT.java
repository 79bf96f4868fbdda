package io.lvs4j.netlink;

import io.lvs4j.table.IpvsException;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ICMP and ICMPv6 datagram sockets in the lab: refused with EACCES under the default
 * ping_group_range ("1 0", root included, IPv6 included), then round trips to loopback once root's
 * group is allowed, with {@link IcmpEcho#echo} and with {@link IcmpEcho#send}/{@link IcmpEcho#receive}.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class IcmpEchoIT {
    /** Waits for a reply that comes: generous, as only a failure waits that long. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Runs inside the guest: one line per attempt. */
    public static void main(String[] args) throws Exception {
        for (StandardProtocolFamily f : new StandardProtocolFamily[] {StandardProtocolFamily.INET, StandardProtocolFamily.INET6}) {
            InetAddress lo = InetAddress.getByName(f == StandardProtocolFamily.INET ? "127.0.0.1" : "::1");
            try (IcmpEcho ping = IcmpEcho.open(f, null)) {
                for (int i = 0; i < 3; i++) { // sequence numbers advance; each reply is matched to its request
                    // 10 s: loopback answers at once, but a loaded UML guest can stall (and its clock jump)
                    // for seconds; an rtt within the timeout is all a correct echo() can promise
                    var rtt = ping.echo(lo, TIMEOUT);
                    System.out.println(f + " ECHO " + (rtt.isPresent() && rtt.getAsLong() < TIMEOUT.toNanos() ? "ok" : "none"));
                }
                ping.send(lo, 40000);
                ping.send(lo, 40001);
                IcmpEcho.Reply a = ping.receive(TIMEOUT);
                IcmpEcho.Reply b = ping.receive(TIMEOUT);
                System.out.println(f + " REPLIES " + a.from().getHostAddress() + " " + a.sequence() + " "
                        + b.sequence() + " then " + ping.receive(Duration.ofMillis(200)));
                try {
                    ping.echo(InetAddress.getByName(f == StandardProtocolFamily.INET ? "::1" : "127.0.0.1"),
                            TIMEOUT);
                } catch (IllegalArgumentException e) {
                    System.out.println(f + " OTHER " + e.getMessage());
                }
            } catch (IpvsException e) {
                System.out.println(f + " OPEN " + e.errno() + " " + e.getMessage());
            }
        }
    }

    @Test
    void echo_defaultRangeThenAllowed_eaccesThenRoundTrips(UmlLab lab) throws Exception {
        String opts = String.join(" ", UmlLab.DEFAULT_JVM_OPTIONS);
        String cmd = opts + " -cp '" + System.getProperty("java.class.path") + "' " + IcmpEchoIT.class.getName();
        LabResult r = lab.run(Duration.ofMinutes(5), "J=" + java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java")
                + "\nsysctl -qw net.ipv4.ping_group_range='1 0'\n$J " + cmd
                + "\nsysctl -qw net.ipv4.ping_group_range='0 0'\n$J " + cmd + "\n").requireSuccess();
        var lines = r.stdout().lines().toList();
        String why = " (this process's group is not in net.ipv4.ping_group_range, which applies to root and to IPv6 "
                + "too; allow it with sysctl -w net.ipv4.ping_group_range='0 2147483647')";
        assertThat(lines).as(r.stdout() + r.stderr()).containsExactly(
                "INET OPEN 13 socket failed: Permission denied (errno 13) for ICMP echo socket" + why,
                "INET6 OPEN 13 socket failed: Permission denied (errno 13) for ICMPv6 echo socket" + why,
                "INET ECHO ok", "INET ECHO ok", "INET ECHO ok",
                "INET REPLIES 127.0.0.1 40000 40001 then null",
                "INET OTHER target: \"0:0:0:0:0:0:0:1\" (expected: an IPv4 address)",
                "INET6 ECHO ok", "INET6 ECHO ok", "INET6 ECHO ok",
                "INET6 REPLIES 0:0:0:0:0:0:0:1 40000 40001 then null",
                "INET6 OTHER target: \"127.0.0.1\" (expected: an IPv6 address)");
    }
}
