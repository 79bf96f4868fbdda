package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Connection synchronisation (issue 14, the classic pair) inside User-Mode Linux: two LVS-NAT
 * directors run {@code lvs4j run} on a keepalived.conf with {@code lvs_sync_daemon eth1 VI_1}; the
 * real servers' default route is a second VRRP address on the inside. Eight downloads paced by
 * nginx's {@code limit_rate} run through the master; before the crash the backup's
 * {@code ipvsadm -Lnc} must list all eight (the synchronised connections); then the master's host
 * dies (its links down, its JVM killed by PID) and every download must complete, full size and
 * checksum, through the backup. The script ({@code connsync-lab.sh}) prints the transcript and the
 * figures (takeover time from the kernel's address event, when data flowed again, downloads lost).
 */
@RequiresUmlLab
class ConnSyncIT {
    private static final int DOWNLOADS = 8;
    private static final Pattern FIGURE = Pattern.compile("^FIGURE (\\w+)=(\\S+)$", Pattern.MULTILINE);

    @Test
    void natPair_masterHostDies_everyDownloadCompletesThroughTheBackup(UmlLab lab) throws Exception {
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).as("the shaded jar (mvn package)").exists();
        Path repo = UmlLab.findRepoRoot().orElseThrow();
        Path keep = repo.resolve("lvs-cli/target/connsync-lab");
        Files.createDirectories(keep);
        UmlLab guest = lab.toBuilder().memory("1G").timeout(Duration.ofSeconds(600)).extraModules("bridge")
                .env("REPO", repo.toString()).env("LVS4J_JAR", jar)
                .env("LVS4J_CDS", jar.replaceFirst("\\.jar$", "") + "-connsync.jsa")
                .env("N", Integer.toString(DOWNLOADS)).env("KEEP", keep.toString())
                .workingDirectory(repo).build();
        LabResult r = guest.run(script());
        String out = r.stdout();
        System.out.println(out);
        System.out.println(r.stderr());
        Files.writeString(keep.resolve("transcript.txt"), out);

        assertThat(r.timedOut()).as("the lab timed out").isFalse();
        assertThat(out).doesNotContain("FAIL").contains("RESULT all checks held");
        assertThat(r.exitCode()).as("exit status of the lab script").isZero();
        // both sync daemons use the instance's VRID as sync id (keepalived's default)
        assertThat(out).contains("cs-d1: master sync daemon (mcast=eth1, syncid=51,")
                .contains("cs-d2: backup sync daemon (mcast=eth1, syncid=51,");
        // the backup's own table, before the crash: one ESTABLISHED entry per download, client -> VIP -> RS
        long rows = out.lines().filter(l -> l.matches(
                "\\s+TCP \\S+\\s+ESTABLISHED 192\\.0\\.2\\.50:\\d+\\s+192\\.0\\.2\\.100:80\\s+198\\.51\\.100\\.2[12]:80\\s*"))
                .count();
        assertThat(rows).as("ESTABLISHED rows in the backup's ipvsadm -Lnc").isEqualTo(DOWNLOADS);
        Map<String, String> f = figures(out);
        assertThat(f.get("synced")).isEqualTo(Integer.toString(DOWNLOADS));
        assertThat(f.get("complete")).isEqualTo(Integer.toString(DOWNLOADS));
        assertThat(f.get("lost")).isEqualTo("0");
        assertThat(f.get("through_backup")).as("downloads under way at the crash, finished through the backup")
                .isEqualTo(Integer.toString(DOWNLOADS));
        assertThat(Integer.parseInt(f.get("takeover_ms"))).as("takeover (ms)").isBetween(1, 15_000);
        // takeover_ms is when `ip -ts monitor` read the address event, which a loaded guest can schedule a
        // little late, so the client may see data first: 0.5 s of that lag is allowed (data flowing again
        // more than that before the takeover would mean the measurement, or the crash, is not what it seems)
        assertThat(Integer.parseInt(f.get("resume_ms"))).as("data again after (ms)")
                .isGreaterThanOrEqualTo(Integer.parseInt(f.get("takeover_ms")) - 500);
    }

    static Map<String, String> figures(String out) {
        Map<String, String> m = new HashMap<>();
        Matcher x = FIGURE.matcher(out);
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    private static String script() throws IOException {
        try (InputStream in = ConnSyncIT.class.getResourceAsStream("connsync-lab.sh")) {
            assertThat(in).as("connsync-lab.sh on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
