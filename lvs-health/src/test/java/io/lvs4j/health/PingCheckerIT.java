package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.time.Ticker;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PING_CHECK on the host kernel. The checks run from network namespace A, which this test creates
 * and whose ping_group_range it widens (the host's root namespace is left as it is): A reaches B, a
 * real server namespace, over a veth pair with 198.51.100.0/24 and 2001:db8:5::/64. Echo up to
 * loopback (127.0.0.1, ::1) and to B; down with READ_TIMEOUT to an address on the link nobody
 * holds, UNREACHABLE without a route; EACCES in namespace C whose range is the default; replies
 * forged by a raw-socket responder in B (echo-forger.py) count only with the right source address
 * and sequence number. And in the host's namespace as it is: up if this group is allowed, else a
 * clear reason. The namespace is the one a monitor hands its checks ({@link PingChecker.Context},
 * {@link HealthMonitor.Builder#namespace}).
 */
class PingCheckerIT {
    private static final String A = "ping" + ProcessHandle.current().pid() % 100000 + "a";
    private static final String B = "ping" + ProcessHandle.current().pid() % 100000 + "b";
    private static final String C = "ping" + ProcessHandle.current().pid() % 100000 + "c";
    private static CheckRuntime runtime;

    private static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    @BeforeAll
    static void namespaces() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        runtime = CheckRuntime.create();
        for (String ns : new String[] {A, B, C}) {
            sh("ip", "netns", "add", ns);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
        }
        sh("ip", "link", "add", "pa0", "netns", A, "type", "veth", "peer", "name", "pb0", "netns", B);
        sh("ip", "netns", "exec", A, "sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647");
        sh("ip", "-n", A, "addr", "add", "198.51.100.1/24", "dev", "pa0");
        sh("ip", "-n", B, "addr", "add", "198.51.100.2/24", "dev", "pb0");
        sh("ip", "-n", A, "addr", "add", "2001:db8:5::1/64", "dev", "pa0", "nodad");
        sh("ip", "-n", B, "addr", "add", "2001:db8:5::2/64", "dev", "pb0", "nodad");
        sh("ip", "-n", A, "link", "set", "pa0", "up");
        sh("ip", "-n", B, "link", "set", "pb0", "up");
    }

    @AfterAll
    static void removeNamespaces() {
        if (runtime != null) {
            runtime.close();
        }
        for (String ns : new String[] {A, B, C}) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                // not created
            }
        }
    }

    /** The runtime as a monitor in network namespace {@code namespace} hands it to its checks. */
    private record InNamespace(String namespace) implements CheckContext, PingChecker.Context {
        @Override
        public EventLoopGroup eventLoop() {
            return runtime.eventLoop();
        }

        @Override
        public Executor blockingExecutor() {
            return runtime.blockingExecutor();
        }

        @Override
        public Ticker ticker() {
            return runtime.ticker();
        }
    }

    private static CompletableFuture<CheckResult> start(String ns, String address, Duration timeout) throws Exception {
        return PingChecker.of(InetAddress.getByName(address), timeout).check(new InNamespace(ns)).toCompletableFuture();
    }

    private static CheckResult check(String ns, String address, Duration timeout) throws Exception {
        return start(ns, address, timeout).get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
    }

    @Test
    void check_loopbackBothFamilies_up() throws Exception {
        for (String a : new String[] {"127.0.0.1", "::1"}) {
            CheckResult r = check(A, a, Duration.ofSeconds(5)); // a busy host may be slow to schedule the reader
            assertThat(r.isUp()).as(a + " " + r).isTrue();
            assertThat(r.latency()).as(a + ": a reply, not the timeout").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void check_realServerNamespaceBothFamilies_up() throws Exception {
        for (String a : new String[] {"198.51.100.2", "2001:db8:5::2"}) {
            CheckResult r = check(A, a, Duration.ofSeconds(2));
            assertThat(r.isUp()).as(a + " " + r).isTrue();
        }
    }

    @Test
    void check_addressNobodyHolds_downWithTimeoutAfterConnectTimeout() throws Exception {
        for (String a : new String[] {"198.51.100.3", "2001:db8:5::3"}) {
            long t0 = System.nanoTime();
            CheckResult r = check(A, a, Duration.ofMillis(700));
            long took = System.nanoTime() - t0;
            assertThat(r.isUp()).as(a).isFalse();
            assertThat(r.reason()).as(a + " " + r).isEqualTo(FailureReason.READ_TIMEOUT);
            assertThat(r.detail()).isEqualTo("no echo reply from " + InetAddress.getByName(a).getHostAddress()
                    + " within 700 ms");
            assertThat(Duration.ofNanos(took)).as(a).isBetween(Duration.ofMillis(690), Duration.ofMillis(10_000));
        }
    }

    @Test
    void check_repliesFromAnotherAddressOrWithAnotherSequence_ignored() throws Exception {
        sh("ip", "netns", "exec", B, "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1"); // only the forger answers
        try {
            for (String mode : new String[] {"forge", "answer"}) {
                Path log = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "ping-forger", ".log");
                Process p = new ProcessBuilder("ip", "netns", "exec", B, "python3",
                        Path.of(PingCheckerIT.class.getResource("echo-forger.py").toURI()).toString(), mode, "198.51.100.9")
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                try {
                    for (int i = 0; i < 600 && !Files.readString(log).startsWith("ready"); i++) { // 30 s
                        Thread.sleep(50);
                    }
                    assertThat(Files.readString(log)).startsWith("ready");
                    CheckResult r = check(A, "198.51.100.2", Duration.ofMillis(1500));
                    for (int i = 0; i < 200 && !Files.readString(log).contains("request "); i++) { // 10 s
                        Thread.sleep(50);
                    }
                    assertThat(Files.readString(log)).as("the forger saw the request").contains("request ");
                    if (mode.equals("forge")) { // right sequence from 198.51.100.9, wrong sequence from .2
                        assertThat(r.reason()).as(r.toString()).isEqualTo(FailureReason.READ_TIMEOUT);
                    } else {
                        assertThat(r.isUp()).as(r.toString()).isTrue();
                    }
                } finally {
                    p.destroy();
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                    Files.deleteIfExists(log);
                }
            }
        } finally {
            sh("ip", "netns", "exec", B, "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=0");
        }
    }

    @Test
    void check_noRoute_downUnreachableAtOnce() throws Exception {
        CheckResult r = check(A, "203.0.113.9", Duration.ofSeconds(20));
        assertThat(r.reason()).as(r.toString()).isEqualTo(FailureReason.UNREACHABLE);
        assertThat(r.detail()).startsWith("sendto failed: Network is unreachable (errno 101) for ICMP echo to 203.0.113.9");
        assertThat(r.latency()).as("failed when sending, not after the 20 s timeout").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void check_defaultPingGroupRange_downWithEaccesExplained() throws Exception {
        for (String a : new String[] {"127.0.0.1", "::1"}) {
            CheckResult r = check(C, a, Duration.ofSeconds(1));
            assertThat(r.reason()).as(a + " " + r).isEqualTo(FailureReason.IO_ERROR);
            assertThat(r.detail()).isEqualTo("socket failed: Permission denied (errno 13) for ICMP" + (a.contains(":") ? "v6" : "")
                    + " echo socket in network namespace " + C + " (this process's group is not in "
                    + "net.ipv4.ping_group_range, which applies to root and to IPv6 too; allow it with "
                    + "sysctl -w net.ipv4.ping_group_range='0 2147483647')");
        }
    }

    @Test
    void check_manyAtOnce_oneSocketMatchesEveryReplyThenTheReaderStops() throws Exception {
        List<CompletableFuture<CheckResult>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // 300 in flight, alternating up and silent targets and families
            String a = switch (i % 4) {
                case 0 -> "198.51.100.2";
                case 1 -> "2001:db8:5::2";
                case 2 -> "198.51.100.4";
                default -> "2001:db8:5::4";
            };
            all.add(start(A, a, Duration.ofSeconds(2)));
        }
        for (int i = 0; i < all.size(); i++) {
            CheckResult r = all.get(i).get(10, TimeUnit.SECONDS);
            assertThat(r.isUp()).as(i + " " + r).isEqualTo(i % 4 < 2);
        }
        Pinger v4 = Pinger.of(false, A);
        assertThat(v4.inFlight()).isZero();
        for (int i = 0; i < 50 && (v4.readerRunning() || Pinger.of(true, A).readerRunning()); i++) {
            Thread.sleep(100);
        }
        assertThat(v4.readerRunning()).isFalse();
        assertThat(Pinger.of(true, A).readerRunning()).isFalse();
        assertThat(check(A, "198.51.100.2", Duration.ofSeconds(2)).isUp()).isTrue(); // and starts again
    }

    @Test
    void ping_hostNamespaceAsItIs_upOrClearlyNotAllowed() throws Exception {
        String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ping_group_range")).trim().split("\\s+");
        long gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        boolean allowed = Long.parseLong(range[0]) <= gid && gid <= Long.parseLong(range[1]);
        assertThat(PingChecker.isAvailable()).isEqualTo(allowed);
        CheckResult r = PingChecker.of(InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(5)).check(runtime)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (allowed) {
            assertThat(r.isUp()).as(r.toString()).isTrue();
            assertThat(r.latency()).as("a reply, not the timeout").isLessThan(Duration.ofSeconds(5));
        } else {
            assertThat(r.reason()).isEqualTo(FailureReason.IO_ERROR);
            assertThat(r.detail()).startsWith("socket failed: Permission denied (errno 13) for ICMP echo socket "
                    + "(this process's group is not in net.ipv4.ping_group_range");
        }
    }
}
