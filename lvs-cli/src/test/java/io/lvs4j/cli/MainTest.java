package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.netlink.Ipvs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Exit statuses and stderr lines, without a kernel (parse errors are found before IPVS is opened). */
class MainTest {
    private int code;
    private String out;
    private String err;

    private void run(String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
    }

    @Test
    void restore_badLines_exit2WithEveryBadLineAndNothingApplied() {
        run("-A -t 192.0.2.1:80 -s rr\n-A -t 192.0.2.2:80 -s nosuch\n\n-a -t 192.0.2.1:80 -r 10.0.0.1 -w -1\n",
                "ipvs", "restore");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(out).isEmpty();
        assertThat(err).isEqualTo("lvs4j: stdin:2: scheduler: \"nosuch\" (expected: one of rr, wrr, lc, wlc, sed, nq, "
                + "fo, ovf, lblc, lblcr, dh, sh, mh, twos)\n"
                + "lvs4j: stdin:4: -w: \"-1\" (expected: 0..65535)\n");
    }

    @Test
    void restoreCheck_goodRules_exit0WithoutTouchingTheKernel() {
        run("-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 10.0.0.1 -m\n", "ipvs", "restore", "--check");
        assertThat(code).isEqualTo(Main.OK);
        assertThat(out + err).isEmpty();
    }

    @Test
    void restore_missingFile_exit2() {
        run("", "ipvs", "restore", "/nonexistent/rules");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: /nonexistent/rules: no such file\n");
    }

    @Test
    void unknownOption_exit2OneLine() {
        run("", "ipvs", "list", "--nosuch");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: Unknown option: '--nosuch' (see: lvs4j ipvs list --help)\n");
    }

    @Test
    void missingCommand_exit2() {
        run("", "ipvs");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: ipvs: missing command (expected: one of [save, restore, list, clear])\n");
        run("");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).startsWith("lvs4j: missing command (expected: one of [ipvs");
    }

    @Test
    void list_twoTables_exit2() {
        run("", "ipvs", "list", "--stats", "--rate");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).startsWith("lvs4j: list: at most one of --stats");
        run("", "ipvs", "list", "-t", "nohost:80");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: list: service address: \"nohost\" (expected: an IPv4 or IPv6 address literal)\n");
    }

    @Test
    void help_exit0OnStdout() {
        run("", "ipvs", "save", "--help");
        assertThat(code).isEqualTo(Main.OK);
        assertThat(out).startsWith("Usage: lvs4j ipvs save").contains("Exit status:", "3   IPVS cannot be used here");
        assertThat(err).isEmpty();
    }

    @Test
    void save_withoutIpvs_exit3WithTheProbesMessage() {
        Assumptions.assumeFalse(Ipvs.isAvailable(), "this machine can use IPVS");
        run("", "ipvs", "save");
        assertThat(code).isEqualTo(Main.UNAVAILABLE);
        assertThat(out).isEmpty();
        assertThat(err).isEqualTo("lvs4j: " + Ipvs.unavailabilityCause().getMessage() + "\n");
    }

    @Test
    void run_badHttpAddress_exit2BeforeStartingAnything() throws Exception {
        java.nio.file.Path conf = java.nio.file.Files.createTempFile("lvs4j-http", ".conf");
        java.nio.file.Files.writeString(conf, "virtual_server 192.0.2.1 80 {\n protocol TCP\n"
                + " real_server 10.0.0.1 80 {\n }\n}\n");
        try {
            run("", "run", "--http", "localhost:80", conf.toString());
            assertThat(code).isEqualTo(Main.USAGE);
            assertThat(err).contains("--http: \"localhost:80\"", "expected: PORT, ADDR:PORT or [V6ADDR]:PORT")
                    .doesNotContain("Exception");
        } finally {
            java.nio.file.Files.delete(conf);
        }
    }
}
