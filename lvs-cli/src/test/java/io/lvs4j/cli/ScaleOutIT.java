package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's scale-out scenario inside one User-Mode Linux guest ({@code src/test/lab/scaleout.sh}):
 * a client, a router running BIRD 2 with ECMP ({@code merge paths on}, L4 hash), three directors
 * each running {@code lvs4j run} (LVS-DR, {@code lb_algo mh} with {@code mh-port}, TCP_CHECK, the
 * {@code bgp_speaker} block, {@code director-sysctl --active-active}) and two nginx real servers
 * pacing downloads at 24 KB/s. Checked here from the script's {@code RESULT} lines: all three
 * directors carry connections; 24 downloads all complete when a director's process is killed
 * (the route goes at once) and when a director's host dies (link down, process killed: the route
 * goes within the hold time, 3 s); new connections keep succeeding meanwhile; the killed director,
 * started again, is announced again while downloads run and takes some of them over without
 * breaking any, and while it alone still sees one real server down (its route back 3 s after the
 * other's) it does not announce its table of one; every director holds its real servers in the same order (the kernel's list, which
 * mh's table depends on); a service losing quorum on one director withdraws that director's route
 * only; a real server failing its check leaves both live directors' tables.
 * Figures in benchmarks/RESULTS.md.
 */
@RequiresUmlLab
class ScaleOutIT {
    private static final int DOWNLOADS = 24;
    private static final long HOLD_MS = 3000;

    @Test
    void threeDirectorsBehindEcmp_crashesLoseNoDownload_quorumAndChecksWithdraw() throws Exception {
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        assertThat(Paths.get(jar)).as("the shaded jar (mvn package)").exists();
        Path repo = UmlLab.findRepoRoot().orElseThrow();
        Path out = Paths.get(System.getProperty(UmlLab.WORKDIR_PROPERTY, "target/lab"), "scaleout").toAbsolutePath();
        Files.createDirectories(out);
        // three JVMs in a one-CPU guest: small heaps, and a class-data archive the script writes once per jar
        UmlLab lab = UmlLab.builder().memory("2G").timeout(Duration.ofMinutes(20)).extraModules("bridge")
                .workingDirectory(repo)
                .env("LVS4J_JAR", jar)
                .env("LVS4J_CDS", jar.replaceAll("\\.jar$", "") + "-scaleout.jsa")
                .env("LVS4J_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto"
                        + " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xmx64m -Xss512k")
                .build();
        LabResult r = lab.run("bash lvs-cli/src/test/lab/scaleout.sh '" + out + "'\n");
        System.out.println(r.stdout().lines().filter(l -> !l.contains("] INFO ")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(r.succeeded()).as("the scenario ran to its end: %s", r).isTrue();
        Map<String, String> res = results(r.stdout());

        // all three announced; each carried some of the downloads and packets
        assertThat(Long.parseLong(res.get("start_ms"))).isPositive();
        for (int i = 1; i <= 3; i++) {
            assertThat(Integer.parseInt(res.get("crash_conns_d" + i))).as("d%d's established connections", i)
                    .isPositive();
            assertThat(Long.parseLong(res.get("stats_inpkts_d" + i))).as("d%d's packets in", i).isPositive();
        }
        assertThat(res.entrySet().stream().filter(e -> e.getKey().startsWith("crash_conns_d"))
                .mapToInt(e -> Integer.parseInt(e.getValue())).sum()).as("downloads seen established").isGreaterThanOrEqualTo(DOWNLOADS);

        // a director's process killed: the route goes at once, no download lost, new connections succeed
        long processMs = Long.parseLong(res.get("process_crash_withdrawal_ms"));
        // at once: BIRD's session to d1 ended by the closed socket, not by its hold timer (no expiry logged for
        // d1 across the kill, which is what proves it); the bound only keeps it under the hold time, as a
        // loaded guest can take hundreds of ms (452 ms seen) to show the withdrawal
        assertThat(processMs).as("route withdrawn after the process was killed").isBetween(0L, HOLD_MS - 1);
        assertThat(res.get("process_crash_expiries_d1_after")).as("BIRD's hold-timer expiries for d1 after the kill")
                .isNotNull().isEqualTo(res.get("process_crash_expiries_d1_before"));
        assertThat(res).containsEntry("crash_client_exit", "0").containsEntry("crash_downloads_ok", "" + DOWNLOADS);
        assertProbesAllOk(res.get("crash_probes"));

        // started again with its real servers unreachable; reachable while downloads run: announced
        // again, it takes flows over mid-download and none breaks
        assertThat(Long.parseLong(res.get("restart_ms"))).as("restarted director's control socket").isNotNegative();
        assertThat(res).containsEntry("restart_route", "192.0.2.12,192.0.2.13");
        // rs1 reachable, rs2 not yet (from d1 only): d1's table of one is not announced
        assertThat(res).containsEntry("comeback_split_route", "192.0.2.12,192.0.2.13");
        assertThat(Long.parseLong(res.get("comeback_ms"))).as("restarted director announced again").isNotNegative();
        assertThat(Integer.parseInt(res.get("comeback_conns_d1"))).as("connections taken over by d1").isPositive();
        assertThat(res).containsEntry("back_client_exit", "0").containsEntry("back_downloads_ok", "" + DOWNLOADS);
        assertProbesAllOk(res.get("back_probes"));
        // every director's real servers in the same order in the kernel's list (ipvsadm --nosort):
        // the kernel's Maglev table depends on it
        assertThat(res.get("order_back_d1")).contains("192.0.2.21:80,").contains("192.0.2.22:80,")
                .isEqualTo(res.get("order_back_d2")).isEqualTo(res.get("order_back_d3"));

        // quorum lost on d3 only: only d3's next hop goes, its VIP leaves lo; back when it heals
        assertThat(res).containsEntry("quorum_route", "192.0.2.11,192.0.2.12")
                .containsEntry("quorum_vip_on_d3_lo", "no").containsEntry("quorum_back", "yes");
        assertThat(res.get("order_quorum_d3")).contains("192.0.2.21:80,").contains("192.0.2.22:80,")
                .isEqualTo(res.get("order_quorum_d1")).isEqualTo(res.get("order_quorum_d2"));

        // a director's host dies: the route goes within the hold time, no download lost
        long hostMs = Long.parseLong(res.get("host_crash_withdrawal_ms"));
        // the hold timer (HOLD_MS from the last keepalive, before the crash) plus BIRD's and the kernel's
        // reaction on a loaded guest; the one expiry logged for d2 shows it was the hold timer
        assertThat(hostMs).as("route withdrawn after the host died").isBetween(0L, HOLD_MS + 2000);
        assertThat(Integer.parseInt(res.get("host_crash_expiries_d2_after"))
                - Integer.parseInt(res.get("host_crash_expiries_d2_before")))
                .as("BIRD's hold-timer expiries for d2 across the host crash").isEqualTo(1);
        assertThat(Integer.parseInt(res.get("host_conns_d2"))).as("downloads through the dying director").isPositive();
        assertThat(res).containsEntry("host_client_exit", "0").containsEntry("host_downloads_ok", "" + DOWNLOADS);
        assertProbesAllOk(res.get("host_probes"));

        // a real server failing its check leaves both live directors' tables; the route stays
        assertThat(res).containsEntry("rs_withdrawn", "yes").containsEntry("rs_down_route", "192.0.2.11,192.0.2.13")
                .containsEntry("rs_down_replies", "rs1,rs1,rs1,rs1,rs1,rs1");
        System.out.printf("scale-out: process crash -> route gone %d ms; host crash -> %d ms; downloads %s+%s+%s of %d;"
                + " hold-timer expiries %s%n", processMs, hostMs, res.get("crash_downloads_ok"),
                res.get("back_downloads_ok"), res.get("host_downloads_ok"), 3 * DOWNLOADS, res.get("expiries_total"));
    }

    private static void assertProbesAllOk(String probes) {
        String[] p = probes.split("/");
        assertThat(Integer.parseInt(p[0])).as("new connections during the downloads: %s", probes).isPositive()
                .isEqualTo(Integer.parseInt(p[1]));
    }

    /** The script's "RESULT key value" lines. */
    static Map<String, String> results(String stdout) {
        Map<String, String> m = new LinkedHashMap<>();
        stdout.lines().filter(l -> l.startsWith("RESULT ")).forEach(l -> {
            String[] kv = l.substring(7).split(" ", 2);
            m.put(kv[0], kv.length > 1 ? kv[1].trim() : "");
        });
        return m;
    }
}
