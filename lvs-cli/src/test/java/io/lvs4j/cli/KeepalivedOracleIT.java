package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code lvs4j config render} against keepalived 2.2.7 as the oracle: each seed config and each config under
 * {@code keepalived/oracle/} runs with the real {@code keepalived -C} inside the lab (one boot for
 * all, {@code run-keepalived.sh}); its {@code ipvsadm -Sn} must equal, sorted,
 * {@code lvs4j config render FILE}, and the thresholds of {@code ipvsadm -Ln --thresholds} those
 * lvs4j computes. keepalived's checker process is stopped (SIGSTOP) while the rules are read, so a
 * checker failing on a slow machine cannot change them between the reads; a second
 * {@code ipvsadm -Sn} after the thresholds must agree with the first, and a run in which a checker
 * failed before the stop is made again (at most 3 runs). A config whose
 * first line reads {@code # lvs4j-error: TEXT} is one lvs4j refuses on purpose: {@code lvs4j config
 * check} must fail with a located error containing TEXT (what keepalived made of it is printed for
 * the record). One whose first line reads
 * {@code # lab-kernel-lacks: TEXT} needs a scheduler the lab kernel has no module for: lvs4j must
 * render TEXT and keepalived must have asked the kernel for it.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class KeepalivedOracleIT {
    private static final Path RESOURCES = Path.of("src/test/resources/keepalived").toAbsolutePath();
    /** keepalived's sample configs: with the reader's own tests (SeedsTest) in lvs-director. */
    private static final Path SEEDS = Path.of("../lvs-director/src/test/resources/keepalived/seeds").toAbsolutePath()
            .normalize();
    private static final String ERROR_MARK = "# lvs4j-error: ";
    private static final String KERNEL_MARK = "# lab-kernel-lacks: ";

    /**
     * {@code -Dlvs4j.it.provoke=delay}: 6 s between the two reads of each config's rules (a slow
     * machine on purpose: longer than the seeds' failing checks take), to show that the rules stand
     * still while they are read. Empty in ordinary runs.
     */
    private static final String PROVOKE = System.getProperty("lvs4j.it.provoke", "");

    private record Case(String name, Path file, String expectedError, String labKernelLacks) {
    }

    @Test
    void render_equalsWhatKeepalivedInstalls(UmlLab lab) throws Exception {
        List<Case> cases = new ArrayList<>();
        for (String dir : List.of("seeds", "oracle")) {
            try (Stream<Path> s = Files.list(dir.equals("seeds") ? SEEDS : RESOURCES.resolve(dir))) {
                for (Path f : s.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
                    String first = Files.readAllLines(f).get(0);
                    String name = (dir.equals("seeds") ? "seed-" : "") + f.getFileName().toString().replace(".conf", "");
                    cases.add(new Case(name, f, first.startsWith(ERROR_MARK) ? first.substring(ERROR_MARK.length()) : null,
                            first.startsWith(KERNEL_MARK) ? first.substring(KERNEL_MARK.length()) : null));
                }
            }
        }

        // lvs4j first: all classes are loaded before the long lab run (a concurrent build may rewrite jars)
        List<Run> ours = new ArrayList<>();
        List<List<String>> ourThresholds = new ArrayList<>();
        for (Case c : cases) {
            Run run = cli(c.expectedError() != null ? "check" : "render", c.file());
            ours.add(run);
            ourThresholds.add(run.exit() == 0 && c.expectedError() == null
                    ? thresholds(KeepalivedConfig.read(c.file()).config().virtualServices()) : List.of());
        }

        Path out = Path.of(System.getProperty(UmlLab.WORKDIR_PROPERTY, "target/lab")).toAbsolutePath()
                .resolve("keepalived-oracle");
        deleteTree(out);
        Files.createDirectories(out);
        StringBuilder script = new StringBuilder();
        if (PROVOKE.equals("delay")) {
            script.append("PROVOKE_DELAY=6\n");
        }
        script.append("set -- ").append(quote(out.toString()));
        for (Case c : cases) {
            script.append(' ').append(quote(c.name() + "=" + c.file()));
        }
        script.append('\n').append(Files.readString(RESOURCES.resolve("oracle/run-keepalived.sh")));
        // 40 configs, each until keepalived's rules stand still: about 3 min on a quiet machine, more than
        // 5 on a loaded one
        LabResult r = lab.run(Duration.ofMinutes(24), script.toString());
        assertThat(r.succeeded()).as("lab run: %s", r).isTrue();

        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Run ourRun = ours.get(i);
            String sn = Files.readString(out.resolve(c.name() + ".sn"));
            String log = Files.readString(out.resolve(c.name() + ".log-at-sn"));
            if (c.expectedError() != null) {
                if (ourRun.exit() != Main.USAGE || !ourRun.err().contains(c.expectedError())) {
                    mismatches.add(c.name() + ": expected lvs4j config check to fail with \"" + c.expectedError()
                            + "\", got exit " + ourRun.exit() + ":\n" + ourRun.err());
                }
                System.out.println("[" + c.name() + "] refused by lvs4j as meant; keepalived installed:\n" + sn);
                continue;
            }
            if (c.labKernelLacks() != null) {
                // keepalived asks for it and the lab kernel says no: not comparable, but both must try
                if (ourRun.exit() != 0 || !ourRun.out().contains(c.labKernelLacks())
                        || !log.contains("Scheduler or persistence engine not found")) {
                    mismatches.add(c.name() + ": expected lvs4j to render \"" + c.labKernelLacks()
                            + "\" and keepalived to fail on the lab kernel:\n" + ourRun + "\n" + log);
                }
                continue;
            }
            String snAgain = Files.readString(out.resolve(c.name() + ".sn-again"));
            if (!snAgain.equals(sn)) {
                // run-keepalived.sh stops keepalived's checker process before it reads: this must not happen
                mismatches.add(c.name() + ": the rules changed while they were read, not comparable:\n" + sn
                        + "then:\n" + snAgain + Files.readString(out.resolve(c.name() + ".log")));
                continue;
            }
            if (log.contains("Removing service") || log.contains("Lost quorum")) {
                mismatches.add(c.name() + ": a checker failed in the lab before ipvsadm -Sn in each of "
                        + Files.readString(out.resolve(c.name() + ".runs")).trim() + " runs, not comparable:\n" + log);
                continue;
            }
            if (ourRun.exit() != 0) {
                mismatches.add(c.name() + ": lvs4j config render failed (exit " + ourRun.exit() + "):\n" + ourRun.err()
                        + "keepalived installed:\n" + sn);
                continue;
            }
            compared++;
            List<String> expected = sortedLines(sn);
            List<String> actual = sortedLines(ourRun.out());
            if (!expected.equals(actual)) {
                mismatches.add(c.name() + ":\n  keepalived: " + String.join("\n              ", expected)
                        + "\n  lvs4j:      " + String.join("\n              ", actual));
            }
            List<String> kernelThresholds = thresholds(Files.readString(out.resolve(c.name() + ".thresholds")));
            if (!kernelThresholds.equals(ourThresholds.get(i))) {
                mismatches.add(c.name() + " thresholds:\n  keepalived: " + kernelThresholds + "\n  lvs4j:      "
                        + ourThresholds.get(i));
            }
        }
        System.out.println("[KeepalivedOracleIT] " + cases.size() + " configs, " + compared + " compared, "
                + mismatches.size() + " mismatches; lab run " + r.duration().toSeconds() + " s");
        assertThat(compared).as("configs compared").isGreaterThanOrEqualTo(8 + 20);
        assertThat(mismatches).as("lvs4j vs keepalived 2.2.7 (outputs in %s)", out).isEmpty();
    }

    private record Run(int exit, String out, String err) {
    }

    /** {@code lvs4j config COMMAND -q FILE}, in this JVM. */
    private static Run cli(String command, Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"config", command, "-q", file.toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> sortedLines(String text) {
        return text.lines().filter(l -> !l.isBlank()).sorted().collect(Collectors.toList());
    }

    /** {@code SERVICE -> ENDPOINT U L} from {@code ipvsadm -Ln --thresholds}, sorted. */
    static List<String> thresholds(String listing) {
        TreeSet<String> rows = new TreeSet<>();
        String service = null;
        for (String line : listing.lines().toList()) {
            String[] t = line.trim().split("\\s+");
            if (line.startsWith("TCP") || line.startsWith("UDP") || line.startsWith("SCTP")) {
                service = t[0] + " " + t[1];
            } else if (line.startsWith("FWM")) {
                service = "FWM " + t[1] + (t.length > 2 && t[2].equals("IPv6") ? " IPv6" : "");
            } else if (line.startsWith("  -> ") && !t[1].equals("RemoteAddress:Port") && service != null) {
                rows.add(service + " -> " + t[1] + " " + t[2] + " " + t[3]);
            }
        }
        return new ArrayList<>(rows);
    }

    static List<String> thresholds(List<VirtualService> services) {
        TreeSet<String> rows = new TreeSet<>();
        for (VirtualService s : services) {
            String key = s.key().isFwmark()
                    ? "FWM " + (int) s.key().fwmark() + (s.key().family() == io.lvs4j.AddressFamily.INET6 ? " IPv6" : "")
                    : s.key().toString();
            for (RealServer rs : s.realServers()) {
                rows.add(key + " -> " + rs.endpoint() + " " + rs.upperThreshold() + " " + rs.lowerThreshold());
            }
        }
        return new ArrayList<>(rows);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
