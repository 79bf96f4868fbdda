package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the example in memory (no root: in-memory IPVS and VRRP, real TCP checks against its
 * loopback listeners) and reads what it printed, step by step.
 */
class EmbeddedDirectorTest {
    private static final Pattern EVENT = Pattern.compile("^  event #(\\d+) (.*)$");
    private static String output;
    private static int status;
    /** The printed sections by their "== " heading, "" for what came before the first. */
    private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    @BeforeAll
    static void runExample() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = EmbeddedDirector.run(out);
        }
        output = bytes.toString(StandardCharsets.UTF_8);
        String heading = "";
        StringBuilder body = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.startsWith("== ")) {
                SECTIONS.put(heading, body.toString());
                heading = line.substring(3);
                body.setLength(0);
            } else {
                body.append(line).append('\n');
            }
        }
        SECTIONS.put(heading, body.toString());
    }

    private static String section(String prefix) {
        return SECTIONS.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no section " + prefix + " in:\n" + output));
    }

    private static String server(String address, String health, int configured, String table) {
        return "      " + Pattern.quote(address) + ":\\d+ " + health + " configured weight " + configured + ", "
                + Pattern.quote(table) + "\n";
    }

    @Test
    void run_inMemory_exitsZeroWithEveryStepInOrder() {
        assertThat(status).as(output).isZero();
        assertThat(new ArrayList<>(SECTIONS.keySet())).as(output).hasSize(6);
        assertThat(List.copyOf(SECTIONS.keySet()).subList(0, 2)).containsExactly("", "start");
        assertThat(SECTIONS).containsKeys("close", "closed");
    }

    @Test
    void start_noOtherRouter_becomesMasterHoldsVipAndInstallsBothServices() {
        String start = section("start");
        assertThat(start).contains("(VI_1) INIT -> BACKUP (STARTUP)", "(VI_1) BACKUP -> MASTER (MASTER_DOWN)",
                "(VI_1) added 192.0.2.10/24", "    vrrp VI_1 MASTER priority 100 holding 192.0.2.10/24\n");
        assertThat(start.indexOf("BACKUP -> MASTER")).isLessThan(start.indexOf("added 192.0.2.10/24"));
        assertThat(start).containsPattern("kernel \\[ADD_SERVICE TCP 192.0.2.10:80, ADD_SERVICE TCP 192.0.2.10:8443,"
                + " ADD_SERVER TCP 192.0.2.10:80 -> 127.0.0.2:\\d+, ADD_SERVER TCP 192.0.2.10:80 -> 127.0.0.3:\\d+,"
                + " ADD_SERVER TCP 192.0.2.10:8443 -> 127.0.0.2:\\d+, ADD_SERVER TCP 192.0.2.10:8443 -> 127.0.0.3:\\d+\\]");
        assertThat(start).containsPattern("    service TCP 192.0.2.10:80 wrr\n"
                + server("127.0.0.2", "UP", 3, "in the table at weight 3")
                + server("127.0.0.3", "UP", 1, "in the table at weight 1")
                + "    service TCP 192.0.2.10:8443 rr\n"
                + server("127.0.0.2", "UP", 3, "in the table at weight 3")
                + server("127.0.0.3", "UP", 1, "in the table at weight 1"));
        assertThat(start).doesNotContain("REAL_SERVER_DOWN", "failed");
    }

    @Test
    void weight_changedAtRuntime_oneEditInOneServiceOnly() {
        String weight = section("weight of 127.0.0.2:");
        assertThat(weight).containsPattern(
                "  applied \\[EDIT_SERVER TCP 192.0.2.10:80 -> 127.0.0.2:\\d+ weight 3 -> 5\\]\n");
        assertThat(weight).containsPattern("    service TCP 192.0.2.10:80 wrr\n"
                + server("127.0.0.2", "UP", 5, "in the table at weight 5")
                + server("127.0.0.3", "UP", 1, "in the table at weight 1")
                + "    service TCP 192.0.2.10:8443 rr\n"
                + server("127.0.0.2", "UP", 3, "in the table at weight 3"));
        assertThat(weight).doesNotContain("ADD_", "REMOVE_");
    }

    @Test
    void realServerStops_checksFail_removedFromOneServiceInhibitedInTheOther() {
        String stop = section("the real server 127.0.0.3:");
        assertThat(stop).containsPattern("health REAL_SERVER_DOWN TCP 192.0.2.10:80 127.0.0.3:\\d+: .*REFUSED");
        assertThat(stop).containsPattern("health REAL_SERVER_DOWN TCP 192.0.2.10:8443 127.0.0.3:\\d+: .*REFUSED");
        assertThat(stop).containsPattern("kernel \\[EDIT_SERVER TCP 192.0.2.10:8443 -> 127.0.0.3:\\d+ weight 1 -> 0,"
                + " REMOVE_SERVER TCP 192.0.2.10:80 -> 127.0.0.3:\\d+\\]");
        assertThat(stop).containsPattern("    service TCP 192.0.2.10:80 wrr\n"
                + server("127.0.0.2", "UP", 5, "in the table at weight 5")
                + server("127.0.0.3", "DOWN", 1, "not in the table")
                + "    service TCP 192.0.2.10:8443 rr\n"
                + server("127.0.0.2", "UP", 3, "in the table at weight 3")
                + server("127.0.0.3", "DOWN", 1, "in the table at weight 0"));
        assertThat(stop).contains("    vrrp VI_1 MASTER priority 100 holding 192.0.2.10/24\n");
    }

    @Test
    void close_releasesVipAndRemovesServices() {
        String close = section("close");
        assertThat(close).contains("kernel [REMOVE_SERVICE TCP 192.0.2.10:80, REMOVE_SERVICE TCP 192.0.2.10:8443]",
                "(VI_1) MASTER -> INIT (SHUTDOWN)", "(VI_1) removed 192.0.2.10/24");
    }

    @Test
    void events_numberedOneByOneInPrintedOrder() {
        List<Long> sequence = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = EVENT.matcher(line);
            if (m.matches()) {
                sequence.add(Long.parseLong(m.group(1)));
            }
        }
        assertThat(sequence).as(output).hasSizeGreaterThanOrEqualTo(10);
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(sequence.get(i)).as("event %d of%n%s", i, output).isEqualTo(i + 1L);
        }
    }

    @Test
    void run_unknownArgument_usageAndStatusTwo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int s;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            s = EmbeddedDirector.run(out, "--nosuch");
        }
        assertThat(s).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("usage: EmbeddedDirector");
    }
}
