package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LVS-TUN through the userspace {@link Forwarder}, end to end inside User-Mode Linux (this host's
 * kernel has no ipip, ip_gre or fou modules; the lab's has). One boot: a client, the director and
 * two nginx real servers, each in a network namespace, on one bridge (198.51.100.0/24). The
 * forwarder (in namespace {@code tund}, its JVM in the guest) has one round-robin service per
 * scenario, the virtual address on no interface of the director. The real servers are set up as
 * the seeds and keepalived's LVS-TUN recipe has it: the virtual address as /32 on the tunnel
 * device, {@code rp_filter=0} on it and on {@code all}, {@code arp_ignore=1} and
 * {@code arp_announce=2}; they answer the client directly.
 *
 * <ul>
 *   <li>ipip: 198.51.100.10 on {@code tunl0} (the ipip module's catch-all device), real servers
 *       .11 and .12;</li>
 *   <li>gre: .20 on {@code gre0} (ip_gre's catch-all), real servers .11 and .12;</li>
 *   <li>gre-csum: .21 on {@code grec0}, a gre device with {@code icsum} local to the real
 *       servers' third addresses .51 and .52: the kernel drops (as a CRC error of the device) a
 *       GRE packet whose checksum flag differs from the receiving device's {@code icsum}, so the
 *       catch-all {@code gre0} refuses checksummed GRE; the checksum itself is verified before;</li>
 *   <li>gue, gue-csum, gue-remcsum: {@code ip fou add port 6080 gue} (the fou socket takes the
 *       UDP datagrams, checks a UDP checksum if there is one, strips UDP and GUE and hands the
 *       IPIP packet on) and an ipip device {@code gue0} local to the real servers' second
 *       addresses .41 and .42, carrying .30, .31 and .32 ({@code encap gue} on the device is only
 *       needed for sending; this UML kernel is built without
 *       {@code CONFIG_NET_FOU_IP_TUNNELS} and refuses it with EINVAL).</li>
 *   <li>ip6ip6: an IPv6 service 2001:db8:5::10 with IPv6 real servers ::11 and ::12 (neighbour
 *       discovery by the forwarder), the virtual address /128 on {@code ip6tnl0}, ip6_tunnel's
 *       catch-all device.</li>
 * </ul>
 * For each scenario: six requests with curl, then 100 new connections from a Python client
 * (none failing; the forwarder opens exactly 53 connections to each real server, and the client
 * sees 50 answers from each, give or take one). The tunnel devices' receive counters and the UDP
 * counters on both real servers before and after the curls show which encapsulation arrived (no
 * tcpdump): only the scenario's device grew, without receive errors, and for GUE by as many
 * packets as UDP datagrams arrived.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class ForwarderTunLabIT {
    static final String NET = "198.51.100";
    /** name, VIP, type, checksum, GUE port, real servers. */
    static final String[][] SCENARIOS = {
        {"ipip", NET + ".10", "ipip", "NONE", "0", NET + ".11", NET + ".12"},
        {"gre", NET + ".20", "gre", "NONE", "0", NET + ".11", NET + ".12"},
        {"gre-csum", NET + ".21", "gre", "CSUM", "0", NET + ".51", NET + ".52"},
        {"gue", NET + ".30", "gue", "NONE", "6080", NET + ".41", NET + ".42"},
        {"gue-csum", NET + ".31", "gue", "CSUM", "6080", NET + ".41", NET + ".42"},
        {"gue-remcsum", NET + ".32", "gue", "REMCSUM", "6080", NET + ".41", NET + ".42"},
        {"ip6ip6", "2001:db8:5::10", "ipip", "NONE", "0", "2001:db8:5::11", "2001:db8:5::12"},
    };
    static final int REQUESTS = 6;
    /** New connections per scenario from a Python client, after the curls. */
    static final int LOAD = 100;

    private static String out;
    private static final Map<String, List<String>> replies = new HashMap<>();
    /** "scenario phase rsN key" to value. */
    private static final Map<String, Long> counters = new HashMap<>();
    private static final Map<String, Long> stats = new HashMap<>();
    /** scenario: rs1, rs2, errors, seconds. */
    private static final Map<String, String[]> loads = new HashMap<>();
    /** "VIP real server" to the connections the forwarder scheduled to it. */
    private static final Map<String, Long> conns = new HashMap<>();
    private static Duration took;

    private static final String SETUP = """
            set -e
            V=198.51.100
            q() { sysctl -qw "$@" 2>/dev/null || true; }
            ip netns add tunsw
            ip -n tunsw link add br0 type bridge
            ip -n tunsw link set br0 up
            for n in tunc tund tunr1 tunr2; do
              ip netns add $n
              ip -n $n link set lo up
              ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
              ip -n $n link add eth0 type veth peer name p-$n netns tunsw
              ip -n tunsw link set p-$n master br0
              ip -n tunsw link set p-$n up
              ip -n $n link set eth0 up
            done
            ip -n tunc addr add $V.2/24 dev eth0
            ip -n tund addr add $V.1/24 dev eth0
            ip -n tunc addr add 2001:db8:5::2/64 dev eth0 nodad
            ip -n tund addr add 2001:db8:5::1/64 dev eth0 nodad
            ip netns exec tund sysctl -qw net.ipv4.ip_forward=0
            for i in 1 2; do
              n=tunr$i
              ip -n $n addr add $V.1$i/24 dev eth0
              ip -n $n addr add $V.4$i/24 dev eth0
              ip -n $n addr add 2001:db8:5::1$i/64 dev eth0 nodad
              ip -n $n link set ip6tnl0 up
              ip -n $n addr add 2001:db8:5::10/128 dev ip6tnl0 nodad
              ip netns exec $n sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \\
                net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \\
                net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
              ip -n $n link set tunl0 up
              ip -n $n addr add $V.10/32 dev tunl0
              ip -n $n link set gre0 up
              ip -n $n addr add $V.20/32 dev gre0
              ip -n $n addr add $V.5$i/24 dev eth0
              ip -n $n link add grec0 type gre local $V.5$i icsum
              ip -n $n link set grec0 up
              ip -n $n addr add $V.21/32 dev grec0
              ip netns exec $n ip fou add port 6080 gue
              ip -n $n link add gue0 type ipip local $V.4$i
              ip -n $n link set gue0 up
              for a in 30 31 32; do ip -n $n addr add $V.$a/32 dev gue0; done
              for d in tunl0 gre0 grec0 gue0 lo eth0; do
                ip netns exec $n sysctl -qw net.ipv4.conf.$d.rp_filter=0
              done
              mkdir -p /tmp/ngx$i/logs
              cat > /tmp/ngx$i/nginx.conf <<EOF
            user root;
            worker_processes 1;
            daemon off;
            master_process off;
            pid /tmp/ngx$i/nginx.pid;
            error_log /tmp/ngx$i/logs/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path /tmp/ngx$i/b;
                proxy_temp_path /tmp/ngx$i/p;
                fastcgi_temp_path /tmp/ngx$i/f;
                uwsgi_temp_path /tmp/ngx$i/u;
                scgi_temp_path /tmp/ngx$i/s;
                default_type text/plain;
                server { listen 80; listen [::]:80; location / { return 200 "rs$i\\n"; } }
            }
            EOF
              ip netns exec $n /usr/sbin/nginx -p /tmp/ngx$i -c /tmp/ngx$i/nginx.conf >/tmp/ngx$i/out.log 2>&1 &
            done
            for i in 1 2; do
              end=$(($(date +%s) + 30))
              until ip netns exec tunr$i ss -ltnH | grep -q ':80 ' || [ $(date +%s) -ge $end ]; do sleep 0.1; done
              ip netns exec tunr$i ss -ltnH | grep -q ':80 ' || { echo "nginx $i did not listen"; cat /tmp/ngx$i/*.log /tmp/ngx$i/logs/*; exit 3; }
            done
            cat > /tmp/load.py <<'EOF'
            import socket, sys, time
            vip, n, counts, errors = sys.argv[1], int(sys.argv[2]), {}, 0
            t0 = time.monotonic()
            for i in range(n):
                try:
                    with socket.create_connection((vip, 80), timeout=3) as c:
                        c.sendall(b'GET / HTTP/1.0\\r\\nHost: t\\r\\n\\r\\n')
                        data = b''
                        while True:
                            d = c.recv(4096)
                            if not d:
                                break
                            data += d
                    body = data.split(b'\\r\\n\\r\\n', 1)[1].decode().strip()
                    counts[body] = counts.get(body, 0) + 1
                except OSError:
                    errors += 1
            dt = time.monotonic() - t0
            print('LOAD', sys.argv[3], counts.get('rs1', 0), counts.get('rs2', 0), errors, '%.3f' % dt)
            print('BODIES', sys.argv[3], sorted(counts.items()))
            EOF
            set +e
            settle() { # scenario: until no connection of the previous one still sends (at most 30 s)
              # load.py ends with sockets in LAST-ACK; a retransmitted FIN through the previous
              # scenario's tunnel would count on another device in this scenario's window
              end=$(($(date +%s) + 30))
              while :; do
                busy=$(for n in tunc tunr1 tunr2; do ip netns exec $n ss -Htan state syn-sent state syn-recv \\
                  state fin-wait-1 state closing state last-ack; done)
                [ -z "$busy" ] && return 0
                [ $(date +%s) -ge $end ] && { echo "SETTLE $1: still sending after 30 s:"; echo "$busy"; return 0; }
                sleep 0.1
              done
            }
            counters() { # scenario phase
              for i in 1 2; do
                ip netns exec tunr$i sh -c 'for d in tunl0 gre0 grec0 gue0 ip6tnl0; do
                    echo "$d $(cat /sys/class/net/$d/statistics/rx_packets)"
                    echo "$d-errors $(cat /sys/class/net/$d/statistics/rx_errors)"
                  done; nstat -saz UdpInDatagrams UdpInCsumErrors | grep ^Udp' \\
                  | while read k v rest; do echo "C $1 $2 rs$i $k $v"; done
              done
            }
            """;

    private static String java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(UmlLab.DEFAULT_JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add("'" + System.getProperty("java.class.path") + "'");
        cmd.add(ForwarderTunLabMain.class.getName());
        cmd.addAll(List.of(args));
        return String.join(" ", cmd);
    }

    @BeforeAll
    static void boot(UmlLab lab) throws Exception {
        List<String> args = new ArrayList<>(List.of("/tmp/fwd.ready", "/tmp/fwd.stop"));
        StringBuilder runs = new StringBuilder();
        for (String[] s : SCENARIOS) {
            args.addAll(List.of(s));
            runs.append("settle ").append(s[0]).append('\n')
                    .append("counters ").append(s[0]).append(" before\n")
                    .append("for k in $(seq ").append(REQUESTS).append("); do rm -f /tmp/body; ")
                    .append("t=$(ip netns exec tunc curl -g -s --max-time 10 -o /tmp/body -w '%{time_total}' http://")
                    .append(s[1].contains(":") ? "[" + s[1] + "]" : s[1]).append("/) && echo \"CURL ").append(s[0]).append(" $(cat /tmp/body) $t\" || echo \"CURL ")
                    .append(s[0]).append(" ERR$?\"; done\n")
                    .append("counters ").append(s[0]).append(" after\n")
                    .append("ip netns exec tunc python3 /tmp/load.py ").append(s[1]).append(' ').append(LOAD).append(' ')
                    .append(s[0]).append('\n');
        }
        String script = SETUP
                + java(args.toArray(new String[0])) + " >/tmp/fwd.out 2>&1 &\n"
                + "jpid=$!\n"
                // the JVM's start and awaitResolved's 60 s, on a loaded machine
                + "end=$(($(date +%s) + 180))\n"
                + "until [ -e /tmp/fwd.ready ] || [ $(date +%s) -ge $end ]; do kill -0 $jpid 2>/dev/null || break; sleep 0.1; done\n"
                + "[ -e /tmp/fwd.ready ] || { echo 'forwarder not ready'; cat /tmp/fwd.out; exit 4; }\n"
                + runs
                + "touch /tmp/fwd.stop\n"
                + "for t in $(seq 300); do kill -0 $jpid 2>/dev/null || break; sleep 0.1; done\n"
                + "kill -9 $jpid 2>/dev/null; wait $jpid; echo \"JAVA-EXIT $?\"\n"
                + "cat /tmp/fwd.out\n"
                + "echo '== rs1 links'; ip -n tunr1 -s link show tunl0; ip -n tunr1 -s link show gre0; ip -n tunr1 -s link show grec0; ip -n tunr1 -s link show gue0; ip -n tunr1 -s link show ip6tnl0\n"
                + "echo '== rs1 nstat'; ip netns exec tunr1 nstat -sa | grep -v ' 0 *0.0$'\n"
                + "exit 0\n";
        LabResult r = lab.toBuilder().extraModules("bridge").build().run(Duration.ofSeconds(900), script);
        out = r.stdout() + "\n-- stderr:\n" + r.stderr();
        took = r.duration();
        System.out.println("ForwarderTunLabIT: the UML run took " + took.toMillis() + " ms");
        r.requireSuccess();
        for (String line : r.stdout().lines().toList()) {
            String[] t = line.trim().split("\\s+");
            if (t[0].equals("CURL") && t.length >= 2) {
                replies.computeIfAbsent(t[1], k -> new ArrayList<>()).add(t.length > 2 ? t[2] : "");
                // t[3]: curl's time_total
            } else if (t[0].equals("C") && t.length == 6) {
                counters.put(t[1] + " " + t[2] + " " + t[3] + " " + t[4], Long.parseLong(t[5]));
            } else if ((t[0].equals("STATS") || t[0].equals("DROP")) && t.length == 3) {
                stats.put(t[1], Long.parseLong(t[2]));
            } else if (t[0].equals("LOAD") && t.length == 6) {
                loads.put(t[1], new String[] {t[2], t[3], t[4], t[5]});
            }
            if (t[0].equals("DEST") && t.length == 5) {
                // the forwarder's own count: connections its scheduler opened to each real server
                conns.put(host(t[1]) + " " + host(t[2]), Long.parseLong(t[3]));
            }
            if (t[0].equals("CURL") || t[0].equals("LOAD") || t[0].equals("BODIES") || t[0].equals("STATS")
                    || t[0].equals("DROP") || t[0].equals("DEST")) {
                System.out.println("ForwarderTunLabIT: " + line);
            }
        }
    }

    private static long delta(String scenario, String rs, String key) {
        Long a = counters.get(scenario + " before " + rs + " " + key);
        Long b = counters.get(scenario + " after " + rs + " " + key);
        assertThat(a).as("%s %s %s before in:%n%s", scenario, rs, key, out).isNotNull();
        assertThat(b).as("%s %s %s after in:%n%s", scenario, rs, key, out).isNotNull();
        return b - a;
    }

    /** An address literal in Java's spelling (IPv6 uncompressed), as the forwarder's DEST lines give it. */
    private static String host(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(literal, e);
        }
    }

    private static String[] scenario(String name) {
        for (String[] s : SCENARIOS) {
            if (s[0].equals(name)) {
                return s;
            }
        }
        throw new AssertionError(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipip", "gre", "gre-csum", "gue", "gue-csum", "gue-remcsum", "ip6ip6"})
    void tunnel_sixRequests_alternateBetweenBothRealServers_throughThatEncapsulation(String name) {
        List<String> r = replies.get(name);
        assertThat(r).as(out).hasSize(REQUESTS).containsOnly("rs1", "rs2");
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.get(i)).as("reply %d of %s", i, r).isNotEqualTo(r.get(i - 1));
        }
        String type = scenario(name)[2];
        String device = switch (name) {
            case "ipip" -> "tunl0";
            case "gre" -> "gre0";
            case "gre-csum" -> "grec0";
            case "ip6ip6" -> "ip6tnl0";
            default -> "gue0";
        };
        for (String rs : new String[] {"rs1", "rs2"}) {
            // three connections each: at least SYN, ACK, request and FIN's ACK per connection
            assertThat(delta(name, rs, device)).as("%s packets received on %s of %s:%n%s", name, device, rs, out)
                    .isGreaterThanOrEqualTo(3 * 4);
            for (String other : new String[] {"tunl0", "gre0", "grec0", "gue0", "ip6tnl0"}) {
                if (!other.equals(device)) {
                    assertThat(delta(name, rs, other)).as("%s on %s of %s", name, other, rs).isZero();
                }
                assertThat(delta(name, rs, other + "-errors")).as("%s receive errors on %s of %s", name, other, rs)
                        .isZero();
            }
            long udp = delta(name, rs, "UdpInDatagrams");
            if (type.equals("gue")) {
                // the GUE datagrams reached the fou socket on port 6080, each one a tunnelled packet
                assertThat(udp).as("%s UDP datagrams on %s", name, rs).isEqualTo(delta(name, rs, device));
            } else {
                assertThat(udp).as("%s UDP datagrams on %s", name, rs).isZero();
            }
            assertThat(delta(name, rs, "UdpInCsumErrors")).as("%s UDP checksum errors on %s", name, rs).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipip", "gre", "gre-csum", "gue", "gue-csum", "gue-remcsum", "ip6ip6"})
    void tunnel_hundredNewConnections_allAnswered_aboutHalfByEachRealServer(String name) {
        String[] l = loads.get(name);
        assertThat(l).as(out).isNotNull();
        assertThat(Integer.parseInt(l[2])).as("%s failed connections", name).isZero();
        int rs1 = Integer.parseInt(l[0]);
        int rs2 = Integer.parseInt(l[1]);
        assertThat(rs1 + rs2).as("%s answered by rs1 or rs2", name).isEqualTo(LOAD);
        // The exact split is the forwarder's own count (the next test). What the client saw was
        // 49:51 once in CI on a loaded machine with no drop and no failed connection (not
        // reproduced since; the BODIES line shows every answer), so here one either way.
        assertThat(rs1).as("%s answered by rs1", name).isBetween(LOAD / 2 - 1, LOAD / 2 + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipip", "gre", "gre-csum", "gue", "gue-csum", "gue-remcsum", "ip6ip6"})
    void forwarder_roundRobin_openedHalfOfTheScenariosConnectionsToEachRealServer(String name) {
        String[] s = scenario(name);
        for (String rs : new String[] {s[5], s[6]}) {
            assertThat(conns.get(host(s[1]) + " " + host(rs))).as("%s: connections the forwarder opened to %s in:%n%s", name, rs, out)
                    .isEqualTo((REQUESTS + LOAD) / 2);
        }
    }

    @Test
    void forwarder_sentEveryClientPacketToARealServer_noRepliesThroughIt_noDrops() {
        assertThat(out).contains("JAVA-EXIT 0").contains("FAILURE null");
        assertThat(stats.get("toRealServer")).as(out).isGreaterThanOrEqualTo(SCENARIOS.length * (REQUESTS + LOAD) * 4L);
        assertThat(stats.get("toClient")).as("replies go from the real servers to the client directly").isZero();
        assertThat(stats.get("dropped")).as(out).isZero();
        assertThat(stats.get("sendErrors")).as(out).isZero();
        assertThat(stats.get("unresolvedLinkAddress")).as(out).isZero();
    }
}
