package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lvs4j ipvs ...} against the real ipvsadm 1.31 on a real 6.1 kernel inside
 * User-Mode Linux, in one boot: the same kernel state printed by both tools, rules restored by
 * both tools, and error cases. Every expected output comes from ipvsadm in the same boot.
 *
 * <p>The kernel's table may change between ipvsadm's read and lvs4j's (a JVM start later, seconds
 * inside UML): connection entries expire (TCP SYN_RECV after 60 s), and the estimator folds counters
 * and rates in every 2 s. So the estimator is stopped once it has counted the test's traffic, and each
 * listing is read by ipvsadm, lvs4j and ipvsadm again ({@code compare.sh}); only an attempt whose two
 * ipvsadm reads agree is compared, and one that does not is made again (at most 5 times, then this
 * fails showing every read). A change between the reads can thus neither fail nor pass a comparison.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class IpvsCliIT {
    private static final Path RESOURCES = Paths.get("src/test/resources/io/lvs4j/cli").toAbsolutePath();
    private static Map<String, String> sections;
    private static String transcript;

    /** The list variants compared on the idle state (no traffic yet): ipvsadm's arguments and lvs4j's. */
    private static final String[][] IDLE = {
        {"save", "-Sn", "ipvs save"},
        {"save-n", "-S -n", "ipvs save -n"},
        {"list", "-Ln", "ipvs list"},
        {"list-n", "-L -n", "ipvs list -n"},
    };

    /**
     * The list variants compared after the traffic (counters, rates, ActiveConn/InActConn and
     * connection entries that are not zero or empty), with the kernel's estimator stopped.
     */
    private static final String[][] AFTER_TRAFFIC = {
        {"connections", "-Lnc", "ipvs list -c"},
        {"rate", "-Ln --rate", "ipvs list --rate"},
        {"stats", "-Ln --stats", "ipvs list --stats"},
        {"stats-exact", "-Ln --stats --exact", "ipvs list --stats --exact"},
        {"thresholds", "-Ln --thresholds", "ipvs list --thresholds"},
        {"persistent-conn", "-Ln --persistent-conn", "ipvs list --persistent-conn"},
        {"tun-info", "-Ln --tun-info", "ipvs list --tun-info"},
        {"timeout", "-Ln --timeout", "ipvs list --timeout"},
        {"one-tcp", "-Ln -t 192.0.2.1:8002", "ipvs list -t 192.0.2.1:8002"},
        {"one-fwmark-v6", "-Ln -f 2 -6", "ipvs list -f 2 -6"},
        {"one-stats", "-Ln --stats -t 192.0.2.1:8001", "ipvs list --stats -t 192.0.2.1:8001"},
    };

    /** The connection entries the traffic leaves, which the comparison of -Lnc must include. */
    private static final String SYN_RECV_ROW = "^TCP [0-9:]+ +SYN_RECV +192\\.0\\.2\\.254:[0-9]+ +192\\.0\\.2\\.1:8001 ";

    /**
     * {@code -Dlvs4j.it.provoke=expiry} or {@code =traffic}: the table changes on purpose between
     * the first two reads of each comparison's first attempt (see compare.sh), to show that such a
     * change is detected and the comparison repeated. Empty in ordinary runs.
     */
    private static final String PROVOKE = System.getProperty("lvs4j.it.provoke", "");

    @BeforeAll
    static void runInLab() throws Exception {
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        assertThat(Paths.get(jar)).as("the shaded jar (mvn package)").exists();
        assertThat(PROVOKE).as("lvs4j.it.provoke").matches("|expiry|traffic");
        Path repo = UmlLab.findRepoRoot().orElseThrow();
        StringBuilder s = new StringBuilder();
        // about 65 lvs4j starts: a class-data archive of this test's own (bin/lvs4j writes it at the
        // end of the warm-up run below, once per jar; no other test writes it) takes a fifth to a
        // quarter off each
        String jsa = jar.replaceFirst("\\.jar$", "") + "-ipvscli.jsa";
        s.append("set -u\nexport LVS4J_JAR='").append(jar).append("' LVS4J_CDS='").append(jsa).append("'\n");
        s.append("cd '").append(repo).append("'\n");
        s.append("L=bin/lvs4j\n");
        s.append("[ \"$LVS4J_CDS\" -nt \"$LVS4J_JAR\" ] || $L ipvs list -n >/dev/null 2>&1\n");
        // sec NAME CMD...: a section with the command's stdout, then its stderr and exit status
        s.append("sec() { local n=$1; shift; echo \"== $n\"; \"$@\" 2>/tmp/err; local rc=$?;"
                + " echo \"== $n.err\"; cat /tmp/err; echo \"== $n.rc\"; echo $rc; }\n");
        s.append(". '").append(RESOURCES.resolve("rich-state.sh")).append("'\n");
        // compare NAME IPVSADM-ARGS LVS4J-ARGS [REQUIRED]: ipvsadm, lvs4j, ipvsadm again, repeated
        // until the two ipvsadm reads agree
        s.append(". '").append(RESOURCES.resolve("compare.sh")).append("'\n");
        for (String[] l : IDLE) {
            s.append("compare ").append(l[0]).append(" '").append(l[1]).append("' '").append(l[2]).append("'\n");
        }
        // a UDP datagram (IPv4 and IPv6) and a TCP connection attempt through the VIPs, then the
        // kernel's estimator stopped once it has counted them (rich-state.sh)
        s.append("traffic\n");
        // provoked changes (if asked for) only here: a datagram before the traffic would change its counts
        s.append("PROVOKE='").append(PROVOKE).append("'\n");
        for (String[] l : AFTER_TRAFFIC) {
            // the connection entries must include a TCP one, which expires after 60 s: made again
            // before an attempt when it is gone
            boolean connections = l[0].equals("connections");
            s.append(connections ? "prepare=ensure_synrecv " : "").append("compare ").append(l[0]).append(" '")
                    .append(l[1]).append("' '").append(l[2]).append("'")
                    .append(connections ? " '" + SYN_RECV_ROW + "'" : "").append('\n');
        }
        // the mechanism itself: a datagram between the first two reads must make the comparison
        // repeat (a new connection entry)
        s.append("provoke=traffic compare probe '-Lnc' 'ipvs list -c'\n");
        s.append("estimator_on\n");
        // restore round trip: ipvsadm -Sn, clear, lvs4j restore, ipvsadm -Sn (fwmarks above 2^31-1
        // are printed negative by ipvsadm and rejected by ipvsadm -R and lvs4j alike: left out)
        s.append("ipvsadm -Sn | grep -v -- '-f -' >/tmp/saved\n");
        s.append("grep -v -e ' -t [0-9]*\\.0\\.0\\.1:80 ' -e ' -t 1\\.2\\.3\\.4:80 ' -e ':8004 ' -e 'fe80::1' -e 'a000::1'"
                + " /tmp/saved >/tmp/saved-numeric\n");
        s.append("sec roundtrip-clear $L ipvs clear\n");
        s.append("sec roundtrip-after-clear ipvsadm -Sn\n");
        s.append("sec roundtrip-restore $L ipvs restore </tmp/saved-numeric\n");
        s.append("sec roundtrip-saved cat /tmp/saved-numeric\n");
        s.append("sec roundtrip-after ipvsadm -Sn\n");
        s.append("ipvsadm -C; sec roundtrip-full-lvs4j $L ipvs restore </tmp/saved\n");
        s.append("sec roundtrip-full-after-lvs4j ipvsadm -Sn\n");
        s.append("ipvsadm -C; ipvsadm -R </tmp/saved\n");
        s.append("sec roundtrip-full-after-ipvsadm ipvsadm -Sn\n");
        // sync daemons (a mixed-family real server would block them: cleared first)
        s.append("ipvsadm -C; ip link add s0 type veth peer name s1; ip link set s0 up; ip link set s1 up\n");
        s.append("ipvsadm --start-daemon master --mcast-interface s0 --syncid 9 --sync-maxlen 1400"
                + " --mcast-group 239.1.2.3 --mcast-port 8849 --mcast-ttl 3\n");
        s.append("ipvsadm --start-daemon backup --mcast-interface s1 --syncid 7\n");
        s.append("compare daemon '-Ln --daemon' 'ipvs list --daemon'\n");
        s.append("ipvsadm --stop-daemon master; ipvsadm --stop-daemon backup\n");
        // the same rules through ipvsadm -R and lvs4j ipvs restore
        String rules = RESOURCES.resolve("restore-semantics.rules").toString();
        String show = "ipvsadm -Sn; echo --; ipvsadm -Ln --thresholds; echo --; ipvsadm -Ln --timeout;"
                + " echo --; ipvsadm -Ln --daemon";
        String reset = "ipvsadm -C; ipvsadm --stop-daemon master 2>/dev/null; ipvsadm --stop-daemon backup 2>/dev/null;"
                + " ipvsadm --set 900 120 300; ipvsadm -A -t 192.0.2.99:80\n";
        s.append(reset);
        s.append("sec semantics-ipvsadm-R ipvsadm -R <'").append(rules).append("'\n");
        s.append("sec semantics-ipvsadm bash -c '").append(show).append("'\n");
        s.append(reset);
        s.append("sec semantics-lvs4j-restore $L ipvs restore '").append(rules).append("'\n");
        s.append("sec semantics-lvs4j bash -c '").append(show).append("'\n");
        // errors
        s.append("ipvsadm -C; ipvsadm -A -t 192.0.2.50:80 -s rr\n");
        s.append("printf -- '-A -t 192.0.2.51:80\\n\\n-A -t 192.0.2.50:80 -s wrr\\n-A -t 192.0.2.52:80\\n'"
                + " >/tmp/dup\n");
        s.append("sec err-duplicate-service $L ipvs restore /tmp/dup\n");
        s.append("sec err-duplicate-service-state ipvsadm -Sn\n");
        s.append("printf -- '-d -t 192.0.2.50:80 -r 198.51.100.99:80\\n' >/tmp/missing\n");
        s.append("sec err-missing-destination $L ipvs restore /tmp/missing\n");
        s.append("printf -- '-A -t 192.0.2.53:80 -s nosuch\\n-A -t 192.0.2.54:80\\n' >/tmp/sched\n");
        s.append("sec err-unknown-scheduler $L ipvs restore /tmp/sched\n");
        s.append("printf -- '-A -t 192.0.2.55:80 -s twos\\n' >/tmp/twos\n");
        s.append("sec err-scheduler-not-in-kernel $L ipvs restore /tmp/twos\n");
        s.append("sec err-no-such-service $L ipvs list -t 192.0.2.56:80\n");
        s.append("sec err-state ipvsadm -Sn\n");
        s.append("echo '== end'\n");
        LabResult r = UmlLab.defaults().run(Duration.ofMinutes(30), s.toString());
        transcript = r.stdout() + "\n--- stderr:\n" + r.stderr();
        // every read, also of a run that passed (the attempts of each comparison)
        Path keep = Path.of(System.getProperty(UmlLab.WORKDIR_PROPERTY, "target/lab"), "ipvs-cli-it.txt");
        Files.createDirectories(keep.getParent());
        Files.writeString(keep, transcript);
        assertThat(r.timedOut()).as("lab run timed out: %s", transcript).isFalse();
        sections = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : r.stdout().split("\n", -1)) {
            if (line.startsWith("== ")) {
                if (name != null) {
                    sections.put(name, body.toString());
                }
                name = line.substring(3);
                body.setLength(0);
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            sections.put(name, body.toString());
        }
        assertThat(sections).as("sections of %s", transcript).containsKey("end");
        assertThat(r.stderr()).as("setup").doesNotContain("SETUP FAILED");
    }

    private static String section(String name) {
        assertThat(sections).as("section %s in %s", name, transcript).containsKey(name);
        return sections.get(name);
    }

    /** Connection entries with their expiry ("TCP 00:58  SYN_RECV ...") masked: it counts down. */
    private static String mask(String listing) {
        return EXPIRY.matcher(listing).replaceAll("$1mm:ss ");
    }

    private static final Pattern EXPIRY = Pattern.compile("(?m)^([A-Z]+ )(\\d\\d):(\\d\\d) ");

    /** One attempt of compare.sh: ipvsadm's read of the table, lvs4j's, ipvsadm's again. */
    private record Reads(String name, int attempt, String first, String firstRc, String lvs4j, String lvs4jErr,
            String lvs4jRc, String again, String againRc) {
        /** The two ipvsadm reads agree: lvs4j's, between them, read the same table. */
        boolean stable() {
            return mask(first).equals(mask(again)) && firstRc.equals(againRc);
        }

        @Override
        public String toString() {
            return "attempt " + attempt + " of " + name + (stable() ? "" : " (the ipvsadm reads differ)")
                    + ":\n-- ipvsadm (exit " + firstRc.trim() + "):\n" + first
                    + "-- lvs4j (exit " + lvs4jRc.trim() + "):\n" + lvs4j + lvs4jErr
                    + "-- ipvsadm again (exit " + againRc.trim() + "):\n" + again;
        }
    }

    /** Every attempt compare.sh made for {@code name}, in order. */
    private static List<Reads> attempts(String name) {
        int n = Integer.parseInt(section(name + ".attempts").trim());
        List<Reads> all = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            String id = name + "#" + k;
            all.add(new Reads(name, k, section("ipvsadm-" + id), section("ipvsadm-" + id + ".rc"),
                    section("lvs4j-" + id), section("lvs4j-" + id + ".err"), section("lvs4j-" + id + ".rc"),
                    section("again-" + id), section("again-" + id + ".rc")));
        }
        return all;
    }

    /**
     * The attempt to compare for {@code name}: the last one, whose two ipvsadm reads must agree (and
     * whose first must contain {@code required}, when not null); else the comparison never found
     * the table standing still, and this fails showing every attempt.
     */
    private static Reads stableReads(String name, String required) {
        List<Reads> all = attempts(name);
        Reads last = all.get(all.size() - 1);
        boolean ok = last.stable()
                && (required == null || Pattern.compile(required, Pattern.MULTILINE).matcher(last.first()).find());
        if (!ok) {
            throw new AssertionError("ipvsadm read the table for " + name + " differently before and after lvs4j"
                    + (required == null ? "" : ", or without an entry matching " + required) + ", in all "
                    + all.size() + " attempts:\n"
                    + all.stream().map(Reads::toString).collect(Collectors.joining("\n")));
        }
        return last;
    }

    /** The expiry in seconds of each connection entry in a -Lnc listing, in order. */
    private static List<Integer> expiries(String listing) {
        List<Integer> e = new ArrayList<>();
        Matcher m = EXPIRY.matcher(listing);
        while (m.find()) {
            e.add(Integer.parseInt(m.group(2)) * 60 + Integer.parseInt(m.group(3)));
        }
        return e;
    }

    @Test
    void saveAndList_richStateMadeByIpvsadm_byteIdenticalToIpvsadm() {
        List<String> attempts = new ArrayList<>();
        for (String[][] group : List.of(IDLE, AFTER_TRAFFIC)) {
            for (String[] l : group) {
                boolean connections = l[0].equals("connections");
                Reads r = stableReads(l[0], connections ? SYN_RECV_ROW : null);
                attempts.add(l[0] + " " + r.attempt());
                assertThat(r.lvs4jRc()).as("%s", r).isEqualTo("0\n");
                assertThat(r.lvs4jErr()).as("%s", r).isEmpty();
                assertThat(r.firstRc()).as("%s", r).isEqualTo("0\n");
                if (connections) {
                    // byte for byte but the expiry, which counts down between the reads: lvs4j's lies
                    // between ipvsadm's before and after
                    assertThat(mask(r.lvs4j())).as("lvs4j %s vs ipvsadm %s: %s", l[2], l[1], r)
                            .isEqualTo(mask(r.first()));
                    List<Integer> before = expiries(r.first());
                    List<Integer> lvs4j = expiries(r.lvs4j());
                    List<Integer> after = expiries(r.again());
                    for (int i = 0; i < lvs4j.size(); i++) {
                        assertThat(lvs4j.get(i)).as("expiry of entry %d: %s", i, r)
                                .isBetween(after.get(i), before.get(i));
                    }
                    // the traffic's entries: UDP (IPv4 and IPv6) and TCP (SYN_RECV, required above)
                    assertThat(r.first())
                            .containsPattern("(?m)^UDP [0-9:]+ +UDP +192\\.0\\.2\\.254:\\d+ +192\\.0\\.2\\.3:53 ")
                            .containsPattern("(?m)^UDP [0-9:]+ +UDP +\\[2001:db8::fe\\]:\\d+ +\\[2001:db8::10\\]:53 ");
                } else {
                    assertThat(r.lvs4j()).as("lvs4j %s vs ipvsadm %s: %s", l[2], l[1], r).isEqualTo(r.first());
                }
            }
        }
        if (!PROVOKE.isEmpty()) {
            // a provoked run proves something only if the provoked change happened and was seen: an
            // entry expired (expiry) or came (traffic) between the first two reads of -Lnc
            Reads provoked = attempts("connections").get(0);
            assertThat(provoked.stable()).as("provoked (%s) change not seen: %s\n%s", PROVOKE, provoked,
                    transcript).isFalse();
        }
        System.out.println("[IpvsCliIT] attempts per comparison"
                + (PROVOKE.isEmpty() ? "" : " (provoked: " + PROVOKE + ")") + ": " + attempts + "; the probe's: "
                + attempts("probe").size());
        assertThat(section("ipvsadm-save#1")).contains("-A -f -2147483648 -s wlc\n", "-A -t 100.0.0.1:80 -s rr\n",
                "--tun-type gue --tun-port 6083 --tun-remcsum", "-A -u 192.0.2.5:5062 -s rr --pe sip\n");
        // the traffic reached the counters (the estimator had counted it before it was stopped) and
        // the rates: the comparisons above are not of zeros
        assertThat(stableReads("stats", null).first()).containsPattern("(?m)^UDP  192\\.0\\.2\\.3:53 +1 +1 ");
        assertThat(stableReads("rate", null).first())
                .containsPattern("(?m)^UDP  192\\.0\\.2\\.3:53 +\\d+ +\\d+ +\\d+ +[1-9]");
    }

    @Test
    void compare_tableChangedBetweenTheReads_detectedAndRepeatedOnAStablePair() {
        // compare.sh's probe: a UDP datagram (a new connection entry) between the first ipvsadm read
        // and lvs4j's in the first attempt
        List<Reads> all = attempts("probe");
        Reads first = all.get(0);
        assertThat(first.stable()).as("the change shows in the third read: %s", first).isFalse();
        assertThat(mask(first.lvs4j())).as("lvs4j read the changed table: %s", first)
                .isNotEqualTo(mask(first.first()));
        assertThat(all).as("attempts").hasSizeBetween(2, 5);
        Reads last = stableReads("probe", null);
        assertThat(mask(last.lvs4j())).as("%s", last).isEqualTo(mask(last.first()));
    }

    @Test
    void daemons_asIpvsadm() {
        Reads r = stableReads("daemon", null);
        assertThat(r.lvs4j()).isEqualTo(r.first()).contains("master sync daemon", "backup sync daemon");
    }

    @Test
    void restore_ipvsadmSave_givesTheSameSave() {
        assertThat(section("roundtrip-clear.rc")).isEqualTo("0\n");
        assertThat(section("roundtrip-after-clear")).isEmpty();
        assertThat(section("roundtrip-restore.rc")).isEqualTo("0\n");
        assertThat(section("roundtrip-restore.err")).isEmpty();
        assertThat(section("roundtrip-saved").split("\n")).hasSizeGreaterThan(60);
        // the saved rules come back byte for byte; left out of this file: services and real servers
        // whose addresses are 2^31 or more apart, whose place in ipvsadm's (non-transitive) sort
        // depends on the kernel's list order, which a restore changes (for ipvsadm -R as well)
        assertThat(section("roundtrip-after")).isEqualTo(section("roundtrip-saved"));
        // the whole save through lvs4j and through ipvsadm -R: the same rules (as sets of lines,
        // for that order)
        assertThat(section("roundtrip-full-lvs4j.rc")).isEqualTo("0\n");
        assertThat(section("roundtrip-full-after-lvs4j").split("\n"))
                .containsExactlyInAnyOrder(section("roundtrip-full-after-ipvsadm").split("\n"))
                .contains("-A -t 1.2.3.4:80 -s rr", "-a -t 192.0.2.1:8004 -r 250.0.0.1:80 -m -w 1");
    }

    @Test
    void restore_sameRulesAsIpvsadmR_sameKernelState() throws Exception {
        // the rules: edits (-E, -e) that leave settings out, -a to services added earlier in the input,
        // -C in the middle (removing what the test added before), -d, -D, -Z, --set. (ipvsadm -R
        // takes no comment lines.) No sync daemons: after earlier start/stop cycles in the same boot,
        // --start-daemon/--stop-daemon lines hung ipvsadm -R and lvs4j alike in this UML kernel.
        assertThat(Files.readString(RESOURCES.resolve("restore-semantics.rules"))).contains("-C\n", "-E ", "-e ");
        assertThat(section("semantics-ipvsadm-R.rc")).isEqualTo("0\n");
        assertThat(section("semantics-lvs4j-restore.err")).isEmpty();
        assertThat(section("semantics-lvs4j-restore.rc")).isEqualTo("0\n");
        assertThat(section("semantics-lvs4j")).isEqualTo(section("semantics-ipvsadm"))
                .contains("-A -t 192.0.2.12:443 -s wrr\n", "Timeout (tcp tcpfin udp): 100 20 30",
                        "  -> 198.51.100.5:8443            100        0 ")
                .contains("-A -t 192.0.2.10:80 -s wlc\n", "-a -t 192.0.2.10:80 -r 198.51.100.1:80 -g -w 1\n")
                .doesNotContain("192.0.2.13", "192.0.2.14", "192.0.2.99", "198.51.100.6", "sync daemon");
    }

    @Test
    void restore_duplicateService_exit1NamesTheLineAndWhatWasApplied() {
        assertThat(section("err-duplicate-service.rc")).isEqualTo("1\n");
        assertThat(section("err-duplicate-service")).isEmpty();
        assertThat(section("err-duplicate-service.err")).isEqualTo(
                "lvs4j: /tmp/dup:3: IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.50:80\n"
                + "lvs4j: /tmp/dup: applied 2 of 3 commands (lines 1,4); not applied: lines 3\n");
        // the kernel applied the lines around the refused one, as the report says
        assertThat(section("err-duplicate-service-state")).isEqualTo(
                "-A -t 192.0.2.50:80 -s rr\n-A -t 192.0.2.51:80 -s wlc\n-A -t 192.0.2.52:80 -s wlc\n");
    }

    @Test
    void restore_missingDestination_exit1() {
        assertThat(section("err-missing-destination.rc")).isEqualTo("1\n");
        assertThat(section("err-missing-destination.err")).startsWith(
                "lvs4j: /tmp/missing:1: IPVS_CMD_DEL_DEST failed: ").contains("192.0.2.50:80", "198.51.100.99:80")
                .endsWith("lvs4j: /tmp/missing: applied 0 of 1 commands (lines none); not applied: lines 1\n");
    }

    @Test
    void restore_unknownScheduler_exit2NothingApplied() {
        assertThat(section("err-unknown-scheduler.rc")).isEqualTo("2\n");
        assertThat(section("err-unknown-scheduler.err")).isEqualTo("lvs4j: /tmp/sched:1: scheduler: \"nosuch\" "
                + "(expected: one of rr, wrr, lc, wlc, sed, nq, fo, ovf, lblc, lblcr, dh, sh, mh, twos)\n");
        assertThat(section("err-scheduler-not-in-kernel.rc")).isEqualTo("1\n");
        assertThat(section("err-scheduler-not-in-kernel.err")).startsWith(
                "lvs4j: /tmp/twos:1: IPVS_CMD_NEW_SERVICE failed: ").contains("ip_vs_twos");
        assertThat(section("err-no-such-service.rc")).isEqualTo("1\n");
        assertThat(section("err-no-such-service.err")).isEqualTo("lvs4j: no such service: TCP 192.0.2.56:80\n");
        assertThat(section("err-state")).doesNotContain("192.0.2.53", "192.0.2.54", "192.0.2.55");
    }
}
