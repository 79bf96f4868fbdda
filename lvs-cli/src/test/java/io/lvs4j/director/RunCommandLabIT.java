package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lvs4j run FILE} (the shaded jar) inside User-Mode Linux with the kernel's IPVS: a
 * VRRP instance on a dummy interface becomes master and takes its VIP; the virtual server's rules
 * are installed; a TCP_CHECK fails and keepalived's log lines say so; {@code lvs4j status --json}
 * (default control socket) shows instances, health and weights; SIGHUP applies a changed file
 * (one weight edited, one real server added, the VRRP instance untouched); a bad file on SIGHUP
 * (and {@code lvs4j reload}) is reported with file:line:column and the rules stay; SIGTERM exits 0
 * with the VIP and the rules gone. Then a file with virtual servers and no vrrp_instance runs as a
 * pure LVS director.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class RunCommandLabIT {
    private static final String VRRP = """
            vrrp_instance VI_1 {
             state BACKUP
             interface ka0
             virtual_router_id 51
             priority 100
             advert_int 1
             virtual_ipaddress {
              203.0.113.10/32
             }
            }
            """;

    @Test
    void run_statusJson_sighupReload_badFileKept_sigtermClean(UmlLab lab) throws Exception {
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        assertThat(Paths.get(jar)).as("the shaded jar (mvn package)").exists();
        Path repo = UmlLab.findRepoRoot().orElseThrow();
        Path d = DirectorIT.workDir("run-it");
        Path conf = d.resolve("run.conf");
        Files.writeString(conf, VRRP + DirectorIT.CONF);
        String reloaded = VRRP + DirectorIT.CONF.replace("real_server 192.0.2.251 80 {\n  weight 1\n }",
                "real_server 192.0.2.251 80 {\n  weight 4\n }\n real_server 192.0.2.251 81 {\n  weight 2\n }");
        assertThat(reloaded).isNotEqualTo(VRRP + DirectorIT.CONF);
        Files.writeString(d.resolve("run2.conf"), reloaded);
        Files.writeString(d.resolve("bad.conf"), reloaded.replace("lb_algo wrr", "lb_algo wrrr"));
        Files.writeString(d.resolve("pure.conf"), DirectorIT.CONF);
        String script = DirectorIT.HELPERS + "D=" + d + "\nexport LVS4J_JAR='" + jar + "' LVS4J_CDS=off\ncd '" + repo
                + "'\n" + """
                listen 7000; l0=$lpid
                listen 7001; l1=$lpid
                bin/lvs4j run $D/run.conf > $D/run.log 2>&1 &
                pid=$!
                waitfor 90 grep -q 'Entering MASTER STATE' $D/run.log
                stable $D/run-start.sn
                ip addr show ka0 > $D/addr-master.txt
                bin/lvs4j status --json > $D/status1.json; echo "status exit $?"
                bin/lvs4j status > $D/status1.txt
                kill $l1; wait $l1 2>/dev/null
                waitfor 15 lacks 192.0.2.250:7001 && sleep 0.5
                bin/lvs4j status --json > $D/status2.json
                cp $D/run2.conf $D/run.conf
                kill -HUP $pid
                waitfor 30 sh -c "ipvsadm -Sn | grep -q -- '-r 192.0.2.251:81 '"
                stable $D/run-reload.sn
                cp $D/bad.conf $D/run.conf
                kill -HUP $pid
                waitfor 30 grep -q 'Reload failed' $D/run.log
                bin/lvs4j reload > $D/reload.out 2> $D/reload.err; echo "reload exit $?"
                ipvsadm -Sn > $D/run-bad.sn
                kill -TERM $pid
                waitfor 30 sh -c "! kill -0 $pid 2>/dev/null"
                wait $pid; echo "run exit $?"
                ipvsadm -Sn > $D/run-stopped.sn
                ip addr show ka0 > $D/addr-stopped.txt
                # a pure LVS director: virtual servers, no vrrp_instance
                bin/lvs4j run --control /run/lvs4j/pure.sock $D/pure.conf > $D/pure.log 2>&1 &
                pid=$!
                waitfor 60 sh -c "ipvsadm -Sn | grep -q -- '-r 192.0.2.251:80 '"
                waitfor 15 lacks 192.0.2.250:7001
                stable $D/pure-start.sn
                bin/lvs4j status --json --control /run/lvs4j/pure.sock > $D/pure.json; echo "pure status exit $?"
                kill -TERM $pid
                waitfor 30 sh -c "! kill -0 $pid 2>/dev/null"
                wait $pid; echo "pure exit $?"
                ipvsadm -Sn > $D/pure-stopped.sn
                kill $l0
                """;
        LabResult r = lab.run(Duration.ofMinutes(10), script);
        String log = Files.exists(d.resolve("run.log")) ? Files.readString(d.resolve("run.log")) : "";
        assertThat(r.succeeded()).as("lab: %s%nrun.log: %s", r, log).isTrue();
        assertThat(r.stdout()).as("%s%nrun.log: %s", r, log).doesNotContain("timed out").contains("status exit 0",
                "reload exit 2", "run exit 0");

        // started: VRRP master with its VIP, the rules keepalived installs (DirectorIT compares them to keepalived's)
        assertThat(Files.readString(d.resolve("addr-master.txt"))).contains("203.0.113.10/32");
        assertThat(DirectorIT.sorted(d.resolve("run-start.sn"))).containsExactly("-A -t 203.0.113.10:80 -s wrr",
                "-a -t 203.0.113.10:80 -r 192.0.2.250:7000 -m -w 3", "-a -t 203.0.113.10:80 -r 192.0.2.250:7001 -m -w 2",
                "-a -t 203.0.113.10:80 -r 192.0.2.251:80 -m -w 1");
        Map<String, Object> s1 = json(d.resolve("status1.json"));
        Map<String, Object> vi1 = list(s1, "instances").get(0);
        assertThat(vi1).containsEntry("name", "VI_1").containsEntry("state", "MASTER").containsEntry("addressesHeld", true);
        Map<String, Object> svc = list(s1, "services").get(0);
        assertThat(svc).containsEntry("key", "TCP 203.0.113.10:80").containsEntry("inKernel", true)
                .containsEntry("scheduler", "wrr");
        assertThat(list(svc, "realServers")).extracting(m -> m.get("address") + ":" + m.get("port") + " "
                + m.get("health") + " " + m.get("weight") + "/" + m.get("kernelWeight"))
                .containsExactly("192.0.2.250:7000 UP 3/3", "192.0.2.250:7001 UP 2/2", "192.0.2.251:80 UNCHECKED 1/1");
        assertThat(Files.readString(d.resolve("status1.txt"))).contains("VI_1  MASTER", "TCP 203.0.113.10:80");

        // the check failed: keepalived's log lines, the state
        assertThat(log).contains("(VI_1) Entering MASTER STATE", "TCP_CHECK on service [192.0.2.250]:tcp:7001 failed.",
                "Removing service [192.0.2.250]:tcp:7001 from VS [203.0.113.10]:tcp:80");
        Map<String, Object> down = list(list(json(d.resolve("status2.json")), "services").get(0), "realServers").get(1);
        assertThat(down).containsEntry("port", 7001).containsEntry("health", "DOWN").containsEntry("kernelWeight", null);

        // SIGHUP: only the difference; the VRRP instance kept
        assertThat(DirectorIT.sorted(d.resolve("run-reload.sn"))).containsExactly("-A -t 203.0.113.10:80 -s wrr",
                "-a -t 203.0.113.10:80 -r 192.0.2.250:7000 -m -w 3", "-a -t 203.0.113.10:80 -r 192.0.2.251:80 -m -w 4",
                "-a -t 203.0.113.10:80 -r 192.0.2.251:81 -m -w 2");
        assertThat(log).contains("Reloaded: VRRP kept [VI_1], restarted []").contains("Reload done: 2 IPVS changes");
        assertThat(log.lines().filter(l -> l.contains("Entering MASTER STATE")).count()).isEqualTo(1);

        // a bad file: located error, nothing changed
        assertThat(log).contains(d.resolve("run.conf") + ":").contains("wrrr")
                .contains("Reload failed: keeping the running configuration");
        assertThat(Files.readString(d.resolve("reload.err"))).contains("wrrr", "keeping the running configuration");
        assertThat(DirectorIT.sorted(d.resolve("run-bad.sn"))).isEqualTo(DirectorIT.sorted(d.resolve("run-reload.sn")));

        // SIGTERM: exit 0 (checked above), VIP and rules gone
        assertThat(Files.readString(d.resolve("addr-stopped.txt"))).doesNotContain("203.0.113.10");
        assertThat(DirectorIT.sorted(d.resolve("run-stopped.sn"))).isEmpty();

        // the pure LVS director: its rules (7001's listener is gone, so that one is out), state, clean exit
        assertThat(r.stdout()).contains("pure status exit 0", "pure exit 0");
        assertThat(DirectorIT.sorted(d.resolve("pure-start.sn"))).containsExactly("-A -t 203.0.113.10:80 -s wrr",
                "-a -t 203.0.113.10:80 -r 192.0.2.250:7000 -m -w 3", "-a -t 203.0.113.10:80 -r 192.0.2.251:80 -m -w 1");
        Map<String, Object> pure = json(d.resolve("pure.json"));
        assertThat(list(pure, "instances")).isEmpty();
        assertThat(list(pure, "services")).singleElement().satisfies(v -> assertThat(v).containsEntry("inKernel", true));
        assertThat(DirectorIT.sorted(d.resolve("pure-stopped.sn"))).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String name) {
        return (List<Map<String, Object>>) m.get(name);
    }

    /** A JSON document as maps and lists (jackson-core's streaming parser; numbers as int or long). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path file) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            p.nextToken();
            return (Map<String, Object>) value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + t);
        }
    }
}
