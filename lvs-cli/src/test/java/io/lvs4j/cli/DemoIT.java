package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.RequiresUmlLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README's main command, {@code scripts/demo}, as CI runs it: the seeds' cluster inside User-Mode
 * Linux with {@code lvs4j run} on both directors, in DR and in NAT mode (one run of the script).
 * Besides the script's own verdict (exit status, one PASS line per step) the transcript's evidence
 * is checked here again: the replies of each step, the client's failure counts, the 3:1
 * distribution, and the forwarding method in the {@code ipvsadm -Ln} tables.
 */
@RequiresUmlLab
class DemoIT {
    /**
     * The guests' own budget ({@code DEMO_TIMEOUT}, seconds per guest; the script's default is also 600).
     * A quiet 2-core host finishes both guests in about 180 s, the DR guest's last step at about
     * 166 s; a loaded CI host can take several times the start-up, so the budget is generous: it
     * only bounds a hung run, the steps check behaviour.
     */
    private static final long GUEST_TIMEOUT_SECONDS = 600;
    /** The whole script: both guests side by side, plus the transcript printing, above the guests' budget. */
    private static final long LIMIT_SECONDS = 700;

    record Run(int status, String transcript) {}

    private static Run run;

    /** Runs {@code scripts/demo --no-build} once: both modes, booted side by side. */
    @BeforeAll
    static void runDemo() throws Exception {
        run = demo();
    }

    static Run demo() throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        Path script = repo.resolve("scripts/demo");
        assertThat(script).isExecutable();
        String jar = System.getProperty("lvs4j.cli.jar", repo.resolve("lvs-director/target/lvs4j.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--no-build")
                .directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("LVS4J_JAR", jar);
        pb.environment().put("DEMO_TIMEOUT", Long.toString(GUEST_TIMEOUT_SECONDS));
        String workdir = System.getProperty("lvs4j.lab.workdir");
        if (workdir != null) {
            Files.createDirectories(Path.of(workdir));
            pb.environment().put("LAB_WORKDIR", workdir);
            pb.environment().put("DEMO_KEEP", Path.of(workdir, "demo").toString());
        }
        Process p = pb.start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("reading the transcript failed: " + e).getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String transcript = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
        System.out.println(transcript);
        return new Run(p.isAlive() ? -1 : p.exitValue(), transcript);
    }

    /** The reply names printed after "replies:" following the line that starts step {@code n}. */
    static List<String> replies(String transcript, int step) {
        String[] lines = transcript.split("\n");
        boolean in = false;
        for (String l : lines) {
            if (l.contains("step " + step + ": ") && !l.contains("PASS") && !l.contains("FAIL")) {
                in = true;
            } else if (in && l.contains("replies: ")) {
                return Arrays.asList(l.substring(l.indexOf("replies: ") + 9).trim().split(" "));
            }
        }
        return List.of();
    }

    /** The transcript of one mode: from its "=== MODE ===" header to the next header or the summary. */
    static String section(String all, String mode) {
        String header = "=== " + mode.toUpperCase() + " ===";
        int from = all.indexOf(header);
        assertThat(from).as("header %s in the output", header).isNotNegative();
        int to = all.indexOf("\n=== ", from + header.length());
        int summary = all.indexOf("\ndemo: DR:", from);
        int end = to >= 0 ? to : summary >= 0 ? summary : all.length();
        return all.substring(from, end);
    }

    static void assertSteps(Run run, String mode) {
        String t = section(run.transcript(), mode);
        assertThat(run.transcript()).contains("demo: " + mode.toUpperCase() + ": all 5 steps held");
        for (int step = 1; step <= 5; step++) {
            assertThat(t).as("transcript").contains("PASS step " + step + ": ");
        }
        assertThat(t).doesNotContain("FAIL").contains("RESULT " + mode + ": 5 of 5 steps held");
        assertThat(run.status()).as("exit status of scripts/demo").isEqualTo(0);

        List<String> one = replies(t, 1);
        assertThat(one).hasSize(6).containsOnly("rs1", "rs2");
        for (int i = 1; i < one.size(); i++) {
            assertThat(one.get(i)).as("reply %d alternates", i).isNotEqualTo(one.get(i - 1));
        }
        assertThat(replies(t, 2)).hasSize(6).containsOnly("rs2");
        assertThat(replies(t, 3)).hasSize(6).contains("rs1", "rs2");
        assertThat(replies(t, 4)).hasSize(4).contains("rs1", "rs2");
        List<String> five = replies(t, 5);
        assertThat(five).hasSize(8);
        assertThat(five.stream().filter("rs1"::equals).count()).isEqualTo(6);
        assertThat(t).containsPattern("keep-alive connection: [1-9][0-9]* requests, 0 failed, served by rs[12]; "
                + "new connections: [1-9][0-9]* requests, 0 failed");
        assertThat(t).contains("VIP 192.0.2.100 moved to demo-d2", "demo-d1 took the VIP back");
        List<String> ipvsRows = new ArrayList<>();
        for (String l : t.split("\n")) {
            if (l.contains("-> ") && l.contains(":80 ")) {
                ipvsRows.add(l.trim());
            }
        }
        assertThat(ipvsRows).as("ipvsadm -Ln rows in the transcript").isNotEmpty()
                .allMatch(r -> r.contains(mode.equals("dr") ? "Route" : "Masq"));
    }

    @Test
    void demo_dr_everyStepHolds() throws Exception {
        assertSteps(run, "dr");
    }

    @Test
    void demo_nat_everyStepHolds() throws Exception {
        assertSteps(run, "nat");
    }
}
