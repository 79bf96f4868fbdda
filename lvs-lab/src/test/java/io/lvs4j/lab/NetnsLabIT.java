package io.lvs4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * NetnsLab and NginxServer on this host's kernel (root): two namespaces on a veth pair, nginx in
 * one answering a curl from the other; close() leaves no process, namespace or directory behind.
 */
class NetnsLabIT {
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 100000);

    @Test
    void close_namespacesProcessesNginxAndPidFile_leavesNothingBehind() throws Exception {
        assumeTrue(NetnsLab.isRoot() && Files.isExecutable(Path.of("/usr/sbin/nginx")), "needs root and nginx");
        NetnsLab lab = new NetnsLab("labt" + ID, "lvs4j-netnslab-it", Duration.ofSeconds(5));
        Process untracked = null;
        try {
            String a = lab.namespace("a");
            String b = lab.namespace("b");
            assertThat(a).isEqualTo("labt" + ID + "a");
            NetnsLab.veth(a, "va", b, "vb");
            NetnsLab.addr(a, "va", "192.0.2.1/24");
            NetnsLab.addr(b, "vb", "192.0.2.2/24");
            NetnsLab.up(a, "va");
            NetnsLab.up(b, "vb");
            NetnsLab.waitOperUp(a, "va", Duration.ofSeconds(5));
            NginxServer nginx = NginxServer.configure(lab.dir().resolve("b"), b, false, 64, List.of(),
                    NginxServer.answering("hello", List.of("80")));
            Process server = lab.track(nginx.start(80));
            assertThat(NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(50),
                    () -> NetnsLab.curl(a, 2, "http://192.0.2.2/").equals("hello")))
                    .as("curl from %s to nginx in %s: %s", a, b, NetnsLab.curl(a, 2, "http://192.0.2.2/")).isTrue();
            Process sleeper = lab.start(a, "sleep", "60");
            untracked = new ProcessBuilder("sleep", "60").start();
            Path pidFile = lab.dir().resolve("sleep.pid");
            Files.writeString(pidFile, untracked.pid() + "\n");
            lab.killAtClose(pidFile);

            lab.close();

            assertThat(server.waitFor(5, TimeUnit.SECONDS)).as("nginx stopped").isTrue();
            assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).as("tracked process stopped").isTrue();
            assertThat(untracked.waitFor(5, TimeUnit.SECONDS)).as("process named by the PID file killed").isTrue();
            assertThat(NetnsLab.sh("ip", "netns", "list")).doesNotContain(a).doesNotContain(b);
            assertThat(lab.dir()).doesNotExist();
        } finally {
            lab.close();
            if (untracked != null) {
                untracked.destroyForcibly();
            }
        }
    }

    @Test
    void sh_failingCommand_throwsWithExitStatusAndOutput() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetnsLab.sh("sh", "-c", "echo oops; exit 3"))
                .isInstanceOf(java.io.IOException.class).hasMessage("sh -c echo oops; exit 3: exit 3: oops\n");
    }

    @Test
    void waitUntil_neverTrue_falseAfterMax() throws Exception {
        long t0 = System.nanoTime();
        assertThat(NetnsLab.waitUntil(Duration.ofMillis(100), Duration.ofMillis(10), () -> false)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(10), () -> true)).isTrue();
    }
}
