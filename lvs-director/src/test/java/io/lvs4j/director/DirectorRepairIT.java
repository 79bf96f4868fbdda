package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 7, against the kernel's IPVS and VRRP raw sockets inside User-Mode Linux
 * ({@link RepairLabMain}): {@code ipvsadm -C} behind a running director's back is repaired within
 * its repair interval, with a {@code Repaired} event, and a service the director does not own
 * stays flushed; then a reload whose changed VRRP instance names an interface the host does not
 * have fails naming the instance, and leaves everything running as it was: the instance master
 * with its VIP on the interface, the IPVS rules as before (the bad file also changes a weight).
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class DirectorRepairIT {
    private static final String VRRP = """
            vrrp_instance VI_1 {
             state MASTER
             interface ka0
             virtual_router_id 61
             priority 150
             advert_int 1
             virtual_ipaddress {
              203.0.113.10/32 dev ka0
             }
            }
            """;
    private static final String VS = """
            virtual_server 203.0.113.10 80 {
             lb_algo wrr
             lb_kind NAT
             protocol TCP
             real_server 192.0.2.250 7000 {
              weight 3
             }
             real_server 192.0.2.251 7000 {
              weight WEIGHT
             }
            }
            """;

    @Test
    void ipvsadmFlushBehindItsBack_repairedWithinTheInterval_badReloadChangesNothing(UmlLab lab) throws Exception {
        Path d = DirectorIT.workDir("repair-it");
        Files.writeString(d.resolve("ka.conf"), VRRP + VS.replace("WEIGHT", "2"));
        Files.writeString(d.resolve("bad.conf"), VRRP.replace("priority 150", "priority 160")
                .replace("interface ka0", "interface nosuch0") + VS.replace("WEIGHT", "9"));
        List<String> java = new ArrayList<>();
        java.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(UmlLab.DEFAULT_JVM_OPTIONS);
        java.add("-cp");
        java.add("'" + System.getProperty("java.class.path") + "'");
        java.add(RepairLabMain.class.getName());
        java.addAll(List.of(d.resolve("ka.conf").toString(), d.resolve("bad.conf").toString(), d.toString(), "1000"));
        String script = DirectorIT.HELPERS + "D=" + d + "\nip link set ka0 multicast on\n"
                + String.join(" ", java) + " > $D/lvs.log 2>&1 &\n" + """
                jv=$!
                waitfor 60 test -e $D/started
                waitfor 20 sh -c "ip -4 addr show dev ka0 | grep -q 203.0.113.10/32"
                stable $D/before.sn
                # a service the director does not own
                ipvsadm -A -t 203.0.113.99:80 -s rr
                sleep 2.5
                grep -c 'repaired the IPVS table' $D/lvs.log | sed 's/^/repairs before the flush: /'
                t0=$(now)
                ipvsadm -C
                echo "flushed at $t0"
                waitfor 30 sh -c "ipvsadm -Sn | grep -q 192.0.2.251:7000"
                # again right after that repair: the next one is a whole interval after it
                t1=$(now)
                ipvsadm -C
                echo "flushed again at $t1"
                waitfor 30 sh -c "ipvsadm -Sn | grep -q 192.0.2.251:7000"
                stable $D/after.sn
                touch $D/reload
                waitfor 60 test -e $D/reload-done
                sleep 3
                ipvsadm -Sn > $D/reloaded.sn
                ip -4 addr show dev ka0 > $D/reloaded.addr
                touch $D/stop
                waitfor 30 test -e $D/closed
                wait $jv; echo "director exit $?"
                """;
        LabResult r = lab.run(Duration.ofMinutes(4), script);
        String log = Files.exists(d.resolve("lvs.log")) ? Files.readString(d.resolve("lvs.log")) : "";
        assertThat(r.succeeded()).as("lab: %s%nlvs4j: %s", r, log).isTrue();
        assertThat(r.stdout()).as("%s%n%s", r, log).contains("director exit 0").doesNotContain("timed out")
                .contains("repairs before the flush: 0");

        List<String> before = DirectorIT.sorted(d.resolve("before.sn"));
        assertThat(before).containsExactly("-A -t 203.0.113.10:80 -s wrr",
                "-a -t 203.0.113.10:80 -r 192.0.2.250:7000 -m -w 3",
                "-a -t 203.0.113.10:80 -r 192.0.2.251:7000 -m -w 2");
        assertThat(DirectorIT.sorted(d.resolve("after.sn"))).as("repaired; the foreign service stays flushed")
                .isEqualTo(before);
        List<Long> repairs = new ArrayList<>();
        Matcher m = Pattern.compile("REPAIRED-AT (\\d+)").matcher(log);
        while (m.find()) {
            repairs.add(Long.parseLong(m.group(1)));
        }
        // both clocks are the guest's; the flush time is taken before ipvsadm starts. A loaded
        // guest may take seconds to start ipvsadm and to run the repair, hence 6 s over a 1 s
        // interval. The second flush comes right after the first repair, so with the default
        // 10 s interval (repairInterval ignored) its repair would come about 10 s later: > 6 s.
        for (String flush : List.of("flushed at", "flushed again at")) {
            long flushed = Long.parseLong(r.stdout().replaceAll("(?s).*" + flush + " (\\d+).*", "$1"));
            long repaired = repairs.stream().filter(t -> t >= flushed).findFirst()
                    .orElseThrow(() -> new AssertionError("no repair after " + flush + " in " + log));
            assertThat(repaired - flushed).as("%s: the repair came within the 1 s interval (and a slow UML's "
                    + "margin)", flush).isBetween(0L, 6000L);
        }
        assertThat(log).containsPattern("EVENT #\\d+ repaired the IPVS table: \\[ADD_SERVICE[^\\n]*ADD_SERVER");

        assertThat(log).contains("RELOAD-FAILED VrrpUnitException: VRRP VI_1 cannot start: ")
                .contains("nosuch0").contains("; nothing was changed")
                .contains("INSTANCE VI_1 MASTER 150 true");
        assertThat(DirectorIT.sorted(d.resolve("reloaded.sn"))).as("the bad reload's weight 9 not applied")
                .isEqualTo(before);
        assertThat(Files.readString(d.resolve("reloaded.addr"))).contains("203.0.113.10/32");
        // the one stop of VI_1 is the close at the end: the bad reload stopped nothing
        assertThat(log.split("-> INIT", -1)).as("INIT transitions in%n%s", log).hasSize(2);
        assertThat(log.substring(log.indexOf("-> INIT"))).contains("(SHUTDOWN)").contains("CLOSED");
        assertThat(log.indexOf("-> INIT")).isGreaterThan(log.indexOf("INSTANCE VI_1 MASTER"));
    }
}
