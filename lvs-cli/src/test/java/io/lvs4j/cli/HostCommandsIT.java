package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lvs4j realserver up|down} and {@code lvs4j director-sysctl up|down} in a network namespace
 * this test creates on the host; the results are read back with {@code ip} and {@code sysctl}.
 */
class HostCommandsIT {
    private static final String NS = "demo-cli" + ProcessHandle.current().pid() % 100000;
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    static Result lvs4j(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        sh("ip", "netns", "add", NS);
        sh("ip", "-n", NS, "link", "set", "lo", "up");
    }

    @AfterEach
    void remove() throws Exception {
        sh("ip", "netns", "del", NS);
    }

    @Test
    void realserver_upThenDown_appliesRecordsAndRestores() throws Exception {
        Path state = dir.resolve("rs.state");

        Result up = lvs4j("realserver", "up", "--vip", "192.0.2.100", "--netns", NS, "--state", state.toString());
        assertThat(up.status()).isEqualTo(0);
        assertThat(up.out()).contains("realserver 192.0.2.100: sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1\n",
                "realserver 192.0.2.100: address 192.0.2.100/32 added on lo\n");
        assertThat(sh("ip", "-n", NS, "-o", "addr", "show", "dev", "lo")).contains("192.0.2.100/32");
        assertThat(Files.readString(state)).startsWith("lvs4j-host-changes 1\nnetns\t" + NS + "\n");

        Result again = lvs4j("realserver", "up", "--vip", "192.0.2.100", "--netns", NS, "--state", state.toString());
        assertThat(again.status()).isEqualTo(0);
        assertThat(again.out()).isEqualTo("realserver 192.0.2.100: nothing to change\n");

        Result down = lvs4j("realserver", "down", "--vip", "192.0.2.100", "--netns", NS, "--state", state.toString());
        assertThat(down.status()).isEqualTo(0);
        assertThat(down.out()).contains("undone: address 192.0.2.100/32 added on lo");
        assertThat(sh("ip", "-n", NS, "-o", "addr", "show", "dev", "lo")).doesNotContain("192.0.2.100");
        assertThat(sh("ip", "netns", "exec", NS, "sysctl", "-n", "net.ipv4.conf.all.arp_ignore").trim()).isEqualTo("0");
        assertThat(state).doesNotExist();

        Result downAgain = lvs4j("realserver", "down", "--vip", "192.0.2.100", "--netns", NS, "--state", state.toString());
        assertThat(downAgain.status()).isEqualTo(1);
        assertThat(downAgain.err()).isEqualTo("lvs4j: " + state + ": no record of changes (expected: the state file an earlier up wrote)\n");
    }

    @Test
    void directorSysctl_natUpThenDown_setsAndRestoresIpForward() throws Exception {
        Path state = dir.resolve("d.state");
        Result up = lvs4j("director-sysctl", "up", "--mode", "nat", "--netns", NS, "--state", state.toString());
        assertThat(up.status()).isEqualTo(0);
        assertThat(up.out()).isEqualTo("director nat: sysctl net.ipv4.ip_forward: 0 -> 1\n");
        assertThat(sh("ip", "netns", "exec", NS, "sysctl", "-n", "net.ipv4.ip_forward").trim()).isEqualTo("1");

        assertThat(lvs4j("director-sysctl", "down", "--netns", NS, "--state", state.toString()).status()).isEqualTo(0);
        assertThat(sh("ip", "netns", "exec", NS, "sysctl", "-n", "net.ipv4.ip_forward").trim()).isEqualTo("0");
    }

    @Test
    void realserver_twoNamespaces_appliesInBothAndALaterFailureRestoresTheFirst() throws Exception {
        String second = NS + "b";
        sh("ip", "netns", "add", second);
        try {
            Result both = lvs4j("realserver", "up", "--vip", "192.0.2.100", "--netns", NS, "--netns", second);
            assertThat(both.status()).as(both.err()).isEqualTo(0);
            assertThat(both.out()).contains("realserver 192.0.2.100 [" + NS + "]: address 192.0.2.100/32 added on lo",
                    "realserver 192.0.2.100 [" + second + "]: address 192.0.2.100/32 added on lo");
            assertThat(sh("ip", "-n", second, "-o", "addr", "show", "dev", "lo")).contains("192.0.2.100/32");
            assertThat(lvs4j("realserver", "down", "--vip", "192.0.2.100", "--netns", NS, "--netns", second).status())
                    .isEqualTo(0);
            assertThat(sh("ip", "-n", NS, "-o", "addr", "show", "dev", "lo")).doesNotContain("192.0.2.100");
            assertThat(sh("ip", "-n", second, "-o", "addr", "show", "dev", "lo")).doesNotContain("192.0.2.100");

            // a second namespace that does not exist fails: the first one is restored, its record removed
            Result fails = lvs4j("realserver", "up", "--vip", "192.0.2.100", "--netns", NS, "--netns", NS + "nosuch");
            assertThat(fails.status()).isEqualTo(1);
            assertThat(fails.err()).contains("network namespace " + NS + "nosuch", "(the namespaces before it were restored)");
            assertThat(sh("ip", "-n", NS, "-o", "addr", "show", "dev", "lo")).doesNotContain("192.0.2.100");
            assertThat(sh("ip", "netns", "exec", NS, "sysctl", "-n", "net.ipv4.conf.all.arp_ignore").trim()).isEqualTo("0");
            assertThat(Path.of("/run/lvs4j/realserver-" + NS + "-192.0.2.100.state")).doesNotExist();
        } finally {
            sh("ip", "netns", "del", second);
        }
    }

    @Test
    void realserver_missingNamespace_exitsOneNamingIt() {
        Result r = lvs4j("realserver", "up", "--vip", "192.0.2.100", "--netns", NS + "x", "--state",
                dir.resolve("x").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("lvs4j: open failed: No such file or directory (errno 2) for network namespace " + NS + "x");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void badArguments_exitTwo() {
        Result vip = lvs4j("realserver", "up", "--vip", "nope", "--netns", NS);
        assertThat(vip.status()).isEqualTo(2);
        assertThat(vip.err()).isEqualTo("lvs4j: --vip: \"nope\" (expected: an IPv4 or IPv6 address literal)\n");
        Result mode = lvs4j("director-sysctl", "up", "--mode", "fast", "--netns", NS);
        assertThat(mode.status()).isEqualTo(2);
        assertThat(mode.err()).isEqualTo("lvs4j: --mode: \"fast\" (expected: nat, dr or tun)\n");
    }
}
