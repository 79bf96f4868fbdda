package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The director with the kernel's IPVS inside User-Mode Linux, against keepalived 2.2.7 as the
 * oracle, in one boot: the same keepalived.conf (a NAT service, two real servers with TCP_CHECK
 * against listeners on a dummy interface, one without checks) runs first under the real
 * keepalived, then under {@link DirectorLabMain}. Both install the same rules; when one listener
 * is killed both remove that real server, to the same rules; a runtime weight change through the
 * director is one edit that {@code ipvsadm -Sn} shows; closing removes the rules, as keepalived's
 * SIGTERM does. A second virtual server ({@link #SORRY_VS}: quorum 2, {@code sorry_server_inhibit})
 * has its sorry server at weight 0 from the start under both; when the listener dies its quorum is
 * lost and under both the sorry server serves alone at weight 1 (the real server still alive leaves).
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class DirectorIT {
    static final String CONF = """
            global_defs {
             router_id lab
            }
            virtual_server 203.0.113.10 80 {
             delay_loop 1
             lb_algo wrr
             lb_kind NAT
             protocol TCP
             real_server 192.0.2.250 7000 {
              weight 3
              TCP_CHECK {
               connect_timeout 1
              }
             }
             real_server 192.0.2.250 7001 {
              weight 2
              TCP_CHECK {
               connect_timeout 1
              }
             }
             real_server 192.0.2.251 80 {
              weight 1
             }
            }
            """;

    /** Quorum 2 over two real servers of weight 1, one checked on the listener the scenario kills. */
    static final String SORRY_VS = """
            virtual_server 203.0.113.11 80 {
             delay_loop 1
             lb_algo rr
             lb_kind NAT
             protocol TCP
             quorum 2
             sorry_server 192.0.2.252 80
             sorry_server_inhibit
             real_server 192.0.2.250 7001 {
              weight 1
              TCP_CHECK {
               connect_timeout 1
              }
             }
             real_server 192.0.2.251 81 {
              weight 1
             }
            }
            """;

    /** Shell helpers for the lab scripts: listeners on a dummy interface, bounded polls. */
    static final String HELPERS = """
            set -u
            ip link add ka0 type dummy && ip link set ka0 up
            ip addr add 192.0.2.250/32 dev ka0
            ip addr add 192.0.2.251/32 dev ka0
            now() { date +%s%3N; }
            waitfor() { # waitfor SECONDS COMMAND...: poll every 100 ms
              local end=$(( $(now) + $1 * 1000 )); shift
              until "$@"; do [ $(now) -lt $end ] || { echo "timed out: $*"; return 1; }; sleep 0.1; done
            }
            listen() { # listen PORT: a TCP listener on 192.0.2.250; its pid in $lpid
              python3 -c 'import socket,sys
            s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("192.0.2.250", int(sys.argv[1]))); s.listen(64)
            while True:
                c,_=s.accept(); c.close()' "$1" >/dev/null 2>&1 &
              lpid=$!
              waitfor 10 sh -c "ss -ltn | grep -q '192.0.2.250:$1 '"
            }
            stable() { # stable FILE: ipvsadm -Sn once unchanged for 1.5 s (at most 20 s)
              local prev="" since=$(now) start=$(now) cur
              while :; do
                cur=$(ipvsadm -Sn 2>&1)
                if [ "$cur" != "$prev" ]; then prev=$cur; since=$(now); fi
                [ $(( $(now) - since )) -ge 1500 ] && [ -n "$cur" ] && break
                [ $(( $(now) - start )) -ge 20000 ] && break
                sleep 0.1
              done
              ipvsadm -Sn > "$1"
            }
            lacks() { ! ipvsadm -Sn | grep -q -- "$1"; }
            """;

    static Path workDir(String name) throws IOException {
        Path d = Path.of(System.getProperty(UmlLab.WORKDIR_PROPERTY, "target/lab")).toAbsolutePath().resolve(name);
        if (Files.exists(d)) {
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(d);
        return d;
    }

    static List<String> sorted(Path f) throws IOException {
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).sorted().toList();
    }

    @Test
    void director_installsWhatKeepalivedInstalls_followsChecks_changesWeight_removesOnClose(UmlLab lab)
            throws Exception {
        Path d = workDir("director-it");
        Files.writeString(d.resolve("ka.conf"), CONF + SORRY_VS);
        List<String> java = new ArrayList<>();
        java.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(UmlLab.DEFAULT_JVM_OPTIONS);
        java.add("-cp");
        java.add("'" + System.getProperty("java.class.path") + "'");
        java.add(DirectorLabMain.class.getName());
        java.addAll(List.of(d.resolve("ka.conf").toString(), d.toString(), "TCP", "203.0.113.10", "80", "192.0.2.251",
                "80", "7"));
        String script = HELPERS + "D=" + d + "\n" + """
                # the oracle: keepalived 2.2.7, checkers only
                listen 7000; l0=$lpid
                listen 7001; l1=$lpid
                keepalived -n -l -D -C -f $D/ka.conf -p /run/ka.pid -c /run/ka-check.pid > $D/ka.log 2>&1 &
                ka=$!
                waitfor 20 grep -q 'Startup complete' $D/ka.log
                stable $D/ka-start.sn
                kill $l1; wait $l1 2>/dev/null
                waitfor 30 lacks 192.0.2.250:7001
                stable $D/ka-down.sn # the quorum/sorry edits may come a reconcile later
                kill -TERM $ka
                waitfor 10 sh -c "! kill -0 $ka 2>/dev/null"
                ipvsadm -Sn > $D/ka-stopped.sn
                ipvsadm -C
                # the same file under the director
                listen 7001; l1=$lpid
                """ + String.join(" ", java) + " > $D/lvs.log 2>&1 &\n" + """
                jv=$!
                waitfor 60 test -e $D/started
                stable $D/lvs-start.sn
                kill $l1; wait $l1 2>/dev/null
                waitfor 30 lacks 192.0.2.250:7001
                stable $D/lvs-down.sn # the quorum/sorry edits may come a reconcile later
                ipvsadm -Ln > $D/lvs-down.ln
                touch $D/weight
                waitfor 30 test -e $D/weight-done
                ipvsadm -Sn > $D/lvs-weight.sn
                touch $D/stop
                waitfor 30 test -e $D/closed
                wait $jv; echo "director exit $?"
                ipvsadm -Sn > $D/lvs-stopped.sn
                kill $l0
                """;
        LabResult r = lab.run(Duration.ofMinutes(4), script);
        String log = Files.exists(d.resolve("lvs.log")) ? Files.readString(d.resolve("lvs.log")) : "";
        assertThat(r.succeeded()).as("lab: %s%nlvs4j: %s", r, log).isTrue();
        assertThat(r.stdout()).as("%s", r).contains("director exit 0").doesNotContain("timed out");

        List<String> kaStart = sorted(d.resolve("ka-start.sn"));
        assertThat(kaStart).contains("-A -t 203.0.113.10:80 -s wrr", "-a -t 203.0.113.10:80 -r 192.0.2.250:7000 -m -w 3",
                "-a -t 203.0.113.10:80 -r 192.0.2.250:7001 -m -w 2", "-a -t 203.0.113.10:80 -r 192.0.2.251:80 -m -w 1");
        assertThat(kaStart).as("sorry_server_inhibit: in at weight 0 while quorum is met").contains(
                "-A -t 203.0.113.11:80 -s rr", "-a -t 203.0.113.11:80 -r 192.0.2.250:7001 -m -w 1",
                "-a -t 203.0.113.11:80 -r 192.0.2.251:81 -m -w 1", "-a -t 203.0.113.11:80 -r 192.0.2.252:80 -m -w 0");
        assertThat(sorted(d.resolve("lvs-start.sn"))).as("installed at start").isEqualTo(kaStart);

        List<String> kaDown = sorted(d.resolve("ka-down.sn"));
        assertThat(kaDown).doesNotContain("-a -t 203.0.113.10:80 -r 192.0.2.250:7001 -m -w 2");
        assertThat(kaDown).filteredOn(l -> l.contains("203.0.113.10:80")).hasSize(3);
        assertThat(kaDown).as("quorum lost: the sorry server alone, at weight 1")
                .filteredOn(l -> l.contains("203.0.113.11:80"))
                .containsExactly("-A -t 203.0.113.11:80 -s rr", "-a -t 203.0.113.11:80 -r 192.0.2.252:80 -m -w 1");
        assertThat(sorted(d.resolve("lvs-down.sn"))).as("after the check failed").isEqualTo(kaDown);
        assertThat(Files.readString(d.resolve("lvs-down.ln"))).doesNotContain("192.0.2.250:7001")
                .contains("192.0.2.250:7000");
        assertThat(log).contains("REAL_SERVER_DOWN TCP 203.0.113.10:80 192.0.2.250:7001");

        List<String> weighted = new ArrayList<>(kaDown);
        weighted.set(weighted.indexOf("-a -t 203.0.113.10:80 -r 192.0.2.251:80 -m -w 1"),
                "-a -t 203.0.113.10:80 -r 192.0.2.251:80 -m -w 7");
        assertThat(sorted(d.resolve("lvs-weight.sn"))).as("after the runtime weight change")
                .containsExactlyInAnyOrderElementsOf(weighted);
        assertThat(log).containsPattern("WEIGHT \\[EDIT_SERVER [^,\\]]*\\]");

        assertThat(sorted(d.resolve("ka-stopped.sn"))).isEmpty();
        assertThat(sorted(d.resolve("lvs-stopped.sn"))).as("after close").isEmpty();
        assertThat(log).contains("STATE TCP 203.0.113.10:80 192.0.2.250:7001 DOWN -1")
                .contains("STATE TCP 203.0.113.10:80 192.0.2.251:80 UNCHECKED 7").contains("CLOSED");
    }
}
