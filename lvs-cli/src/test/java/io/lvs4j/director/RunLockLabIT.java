package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 2 with the kernel's IPVS, inside User-Mode Linux, {@code bin/lvs4j run} as a
 * process: an LVS-NAT director in the root namespace (VIP on a dummy interface by VRRP, two
 * services) between a client and a real server in their own namespaces. (a) A second
 * {@code lvs4j run} in the same namespace, with a higher priority and one more service, exits 1
 * naming the first one's PID; the first keeps its VIP, its rules and its run. (c) With a client
 * connection open through the first service, the director is SIGKILLed (VIP and rules stay, the
 * record stays), the second service is removed from the file, and a new run removes it from the
 * kernel while the first keeps its real server's active connection and counters (not flushed, not
 * re-created), and the open connection carries data afterwards.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class RunLockLabIT {
    private static final String VRRP = """
            global_defs {
             router_id lock
            }
            vrrp_instance VI_1 {
             state BACKUP
             interface ka0
             virtual_router_id 51
             priority PRIORITY
             advert_int 1
             virtual_ipaddress {
              203.0.113.10/32
             }
            }
            """;

    private static String service(int port) {
        return "virtual_server 203.0.113.10 " + port + " {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + " real_server 192.0.2.20 " + port + " {\n  weight 1\n }\n}\n";
    }

    private static final String ECHO = """
            import socket, sys, threading
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("192.0.2.20", int(sys.argv[1]))); s.listen(16)
            def echo(c):
                while True:
                    d = c.recv(100)
                    if not d: break
                    c.sendall(d)
            while True:
                c, _ = s.accept(); threading.Thread(target=echo, args=(c,), daemon=True).start()
            """;

    /** One connection through the VIP: "first" now, "second" once the file argv[1] exists (at most 150 s). */
    private static final String CLIENT = """
            import os, socket, sys, time
            c = socket.create_connection(("203.0.113.10", 8080), timeout=5)
            c.sendall(b"first\\n"); print("got " + c.recv(100).decode().strip(), flush=True)
            end = time.time() + 150
            while not os.path.exists(sys.argv[1]) and time.time() < end: time.sleep(0.1)
            c.settimeout(20)
            c.sendall(b"second\\n"); print("got " + c.recv(100).decode().strip(), flush=True)
            """;

    @Test
    void secondRun_refused_firstKeepsAll_thenKilled_restartRemovesDroppedServiceAndAdoptsKeptOne(UmlLab lab)
            throws Exception {
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        assertThat(Paths.get(jar)).as("the shaded jar (mvn package)").exists();
        Path repo = UmlLab.findRepoRoot().orElseThrow();
        Path d = DirectorIT.workDir("run-lock-it");
        Files.writeString(d.resolve("a.conf"), VRRP.replace("PRIORITY", "100") + service(8080) + service(9090));
        Files.writeString(d.resolve("second.conf"), VRRP.replace("PRIORITY", "200") + service(8080) + service(9090)
                + service(7070));
        Files.writeString(d.resolve("kept.conf"), VRRP.replace("PRIORITY", "100") + service(8080));
        Files.writeString(d.resolve("echo.py"), ECHO);
        Files.writeString(d.resolve("client.py"), CLIENT);
        String script = DirectorIT.HELPERS + "D=" + d + "\nexport LVS4J_JAR='" + jar + "' LVS4J_CDS=off\ncd '" + repo
                + "'\n" + """
                sysctl -q -w net.ipv4.ip_forward=1
                ip netns add cl; ip netns add rs
                ip link add c1 type veth peer name c0; ip link set c0 netns cl
                ip link add r1 type veth peer name r0; ip link set r0 netns rs
                ip addr add 198.51.100.1/24 dev c1; ip link set c1 up
                ip addr add 192.0.2.1/24 dev r1; ip link set r1 up
                ip -n cl link set lo up; ip -n cl addr add 198.51.100.2/24 dev c0; ip -n cl link set c0 up
                ip -n cl route add default via 198.51.100.1
                ip -n rs link set lo up; ip -n rs addr add 192.0.2.20/24 dev r0; ip -n rs link set r0 up
                ip -n rs route add default via 192.0.2.1
                ip netns exec rs python3 $D/echo.py 8080 & e1=$!
                ip netns exec rs python3 $D/echo.py 9090 & e2=$!
                cp $D/a.conf $D/run.conf
                bin/lvs4j run $D/run.conf > $D/first.log 2>&1 &
                pid=$!
                echo "first pid $pid"
                waitfor 90 grep -q 'Entering MASTER STATE' $D/first.log
                waitfor 30 sh -c "ipvsadm -Sn | grep -q -- '-r 192.0.2.20:9090 '"
                stable $D/first.sn
                ip -4 addr show ka0 > $D/first-addr.txt
                ls /run/lvs4j > $D/run-dir.txt
                # (a) a second run in the same namespace
                timeout 60 bin/lvs4j run --control /run/lvs4j/second.sock $D/second.conf > $D/second.log 2>&1
                echo "second exit $?"
                sleep 2
                ipvsadm -Sn > $D/after-second.sn
                ip -4 addr show ka0 > $D/after-second-addr.txt
                kill -0 $pid && echo "first alive"
                # (c) a connection through the kept service, then SIGKILL
                ip netns exec cl python3 $D/client.py $D/go > $D/client.out 2>&1 & cpid=$!
                waitfor 20 grep -q 'got first' $D/client.out
                sleep 1
                ipvsadm -Ln --stats -t 203.0.113.10:8080 > $D/stats-before.txt
                ipvsadm -Ln -t 203.0.113.10:8080 > $D/conns-before.txt
                kill -KILL $pid; wait $pid; echo "first killed $?"
                ipvsadm -Sn > $D/killed.sn
                ip -4 addr show ka0 > $D/killed-addr.txt
                ls /run/lvs4j > $D/killed-run-dir.txt
                cp $D/kept.conf $D/run.conf
                bin/lvs4j run $D/run.conf > $D/third.log 2>&1 &
                pid=$!
                waitfor 90 grep -q 'Entering MASTER STATE' $D/third.log
                waitfor 30 lacks 203.0.113.10:9090
                stable $D/third.sn
                ipvsadm -Ln -t 203.0.113.10:8080 > $D/conns-after.txt
                ipvsadm -Ln --stats -t 203.0.113.10:8080 > $D/stats-after.txt
                touch $D/go
                waitfor 30 grep -q 'got second' $D/client.out
                kill -TERM $pid; wait $pid; echo "third exit $?"
                ipvsadm -Sn > $D/stopped.sn
                ls /run/lvs4j > $D/stopped-run-dir.txt
                kill $cpid $e1 $e2 2>/dev/null; true
                """;
        LabResult r = lab.run(Duration.ofMinutes(12), script);
        String first = read(d, "first.log");
        String second = read(d, "second.log");
        String third = read(d, "third.log");
        assertThat(r.succeeded()).as("lab: %s%nfirst: %s%nsecond: %s%nthird: %s", r, first, second, third).isTrue();
        assertThat(r.stdout()).as("%s%nthird: %s", r, third).doesNotContain("timed out");
        String firstPid = r.stdout().lines().filter(l -> l.startsWith("first pid ")).findFirst().orElseThrow()
                .substring("first pid ".length());
        List<String> rules = List.of("-A -t 203.0.113.10:8080 -s rr", "-a -t 203.0.113.10:8080 -r 192.0.2.20:8080 -m -w 1",
                "-A -t 203.0.113.10:9090 -s rr", "-a -t 203.0.113.10:9090 -r 192.0.2.20:9090 -m -w 1");
        assertThat(DirectorIT.sorted(d.resolve("first.sn"))).containsExactlyInAnyOrderElementsOf(rules);
        assertThat(read(d, "first-addr.txt")).contains("203.0.113.10/32");
        assertThat(read(d, "run-dir.txt")).containsPattern("netns-\\d+\\.lock").containsPattern("netns-\\d+\\.owned");

        // (a) refused with the holder's PID, exit 1; nothing changed, the first runs on with its VIP
        assertThat(r.stdout()).contains("second exit 1", "first alive");
        assertThat(second).contains("another lvs4j director runs in the current network namespace",
                "PID " + firstPid + " holds /run/lvs4j/netns-").doesNotContain("Entering MASTER STATE");
        assertThat(DirectorIT.sorted(d.resolve("after-second.sn"))).containsExactlyInAnyOrderElementsOf(rules);
        assertThat(read(d, "after-second-addr.txt")).contains("203.0.113.10/32");

        // (c) SIGKILL leaves VIP, rules and record; the next run removes the dropped service, keeps the other
        assertThat(r.stdout()).contains("first killed 137");
        assertThat(read(d, "killed-addr.txt")).contains("203.0.113.10/32");
        assertThat(DirectorIT.sorted(d.resolve("killed.sn"))).containsExactlyInAnyOrderElementsOf(rules);
        assertThat(read(d, "killed-run-dir.txt")).containsPattern("netns-\\d+\\.owned");
        assertThat(third).contains("Recovering after the lvs4j run (PID " + firstPid + ")",
                "Removing stale VIPs: 203.0.113.10/32 dev ka0",
                "Removing VS [203.0.113.10]:tcp:9090: no longer in the configuration",
                "Adopting VS [203.0.113.10]:tcp:8080 as it is in the kernel");
        assertThat(DirectorIT.sorted(d.resolve("third.sn"))).containsExactly("-A -t 203.0.113.10:8080 -s rr",
                "-a -t 203.0.113.10:8080 -r 192.0.2.20:8080 -m -w 1");
        assertThat(activeConnections(read(d, "conns-before.txt"))).as("before the kill").isEqualTo(1);
        assertThat(activeConnections(read(d, "conns-after.txt"))).as("after the restart: the same destination")
                .isEqualTo(1);
        assertThat(connsCounter(read(d, "stats-after.txt"))).as("the service's counters live on")
                .isGreaterThanOrEqualTo(connsCounter(read(d, "stats-before.txt"))).isGreaterThan(0);
        assertThat(read(d, "client.out")).contains("got first", "got second");
        assertThat(r.stdout()).contains("third exit 0");
        assertThat(DirectorIT.sorted(d.resolve("stopped.sn"))).isEmpty();
        assertThat(read(d, "stopped-run-dir.txt")).doesNotContainPattern("netns-\\d+\\.owned")
                .containsPattern("netns-\\d+\\.lock");
    }

    private static String read(Path d, String name) throws java.io.IOException {
        Path p = d.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /** ActiveConn of the real server line {@code -> 192.0.2.20:8080 Masq 1 ACTIVE INACTIVE} of ipvsadm -Ln. */
    static int activeConnections(String listing) {
        for (String line : listing.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 6 && w[0].equals("->") && w[1].equals("192.0.2.20:8080")) {
                return Integer.parseInt(w[4]);
            }
        }
        return -1;
    }

    /** The Conns counter of the service line {@code TCP 203.0.113.10:8080 CONNS INPKTS ...} of ipvsadm -Ln --stats. */
    static long connsCounter(String listing) {
        for (String line : listing.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 3 && w[0].equals("TCP") && w[1].equals("203.0.113.10:8080")) {
                return Long.parseLong(w[2]);
            }
        }
        return -1;
    }
}
