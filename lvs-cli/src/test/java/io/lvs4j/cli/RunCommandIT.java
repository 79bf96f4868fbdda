package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lvs4j run FILE} as a process in a network namespace, next to the real keepalived 2.2.7
 * in another, joined by a veth pair: lvs4j becomes master with a labelled VIP and runs
 * notify_master without a shell; SIGTERM makes it send priority 0, remove the VIP and exit 0, and
 * keepalived takes over at once.
 */
class RunCommandIT {
    private final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    private final String ka = "lvrka" + id;
    private final String j = "lvrj" + id;
    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    private static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    private static boolean waitUntil(Duration max, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return c.getAsBoolean();
    }

    private static String addr(String ns, String dev) {
        try {
            return sh("ip", "-n", ns, "addr", "show", "dev", dev);
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        Path vrrpPid = dir == null ? null : dir.resolve("ka.vrrp.pid");
        if (vrrpPid != null && !read(vrrpPid).isBlank()) {
            ProcessHandle.of(Long.parseLong(read(vrrpPid).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (String ns : new String[] {ka, j}) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (IOException e) {
                // not created
            }
        }
    }

    @Test
    void run_masterThenSigterm_priorityZeroVipRemovedExitZero() throws Exception {
        boolean root = ProcessHandle.current().info().user().orElse("").equals("root");
        assumeTrue(root && new ProcessBuilder("keepalived", "-v").start().waitFor() == 0, "needs root and keepalived");
        dir = Files.createTempDirectory("lvs4j-run-it");
        sh("ip", "netns", "add", ka);
        sh("ip", "netns", "add", j);
        sh("ip", "link", "add", "rk1", "netns", ka, "type", "veth", "peer", "name", "rj1", "netns", j);
        sh("ip", "-n", ka, "addr", "add", "192.0.2.21/24", "dev", "rk1");
        sh("ip", "-n", j, "addr", "add", "192.0.2.22/24", "dev", "rj1");
        sh("ip", "-n", ka, "link", "set", "rk1", "up");
        sh("ip", "-n", j, "link", "set", "rj1", "up");

        Path kaConf = dir.resolve("ka.conf");
        Files.writeString(kaConf, "vrrp_instance VI_1 {\n state BACKUP\n interface rk1\n virtual_router_id 61\n"
                + " priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n");
        Process k = new ProcessBuilder("ip", "netns", "exec", ka, "keepalived", "-P", "-n", "-l", "-D", "-f",
                kaConf.toString(), "-p", dir.resolve("ka.pid").toString(), "-r", dir.resolve("ka.vrrp.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ka.log").toFile()).start();
        processes.add(k);

        Path marker = dir.resolve("became-master");
        Path conf = dir.resolve("lvs4j.conf");
        Files.writeString(conf, "global_defs {\n router_id lvs4j\n}\n"
                + "vrrp_instance VI_1 {\n state MASTER\n interface rj1\n virtual_router_id 61\n priority 150\n"
                + " advert_int 1\n notify_master \"/usr/bin/touch " + marker + "\"\n"
                + " virtual_ipaddress {\n  192.0.2.100/24 dev rj1 label rj1:1\n }\n}\n");
        Path log = dir.resolve("lvs4j.log");
        Process lvs4j = new ProcessBuilder("ip", "netns", "exec", j, Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                conf.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(lvs4j);

        assertThat(waitUntil(Duration.ofSeconds(20), () -> read(log).contains("(VI_1) Entering MASTER STATE")))
                .as("lvs4j log:%n%s", read(log)).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(10), () -> addr(j, "rj1").contains("192.0.2.100/24")
                && addr(j, "rj1").contains("rj1:1"))).as(addr(j, "rj1")).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(5), () -> Files.exists(marker))).as("notify_master ran").isTrue();
        assertThat(waitUntil(Duration.ofSeconds(10), () -> read(dir.resolve("ka.log")).contains("Entering BACKUP STATE")))
                .isTrue();
        Thread.sleep(4000);
        assertThat(addr(ka, "rk1")).doesNotContain("192.0.2.100");

        long t0 = System.nanoTime();
        lvs4j.destroy(); // SIGTERM
        assertThat(lvs4j.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lvs4j.exitValue()).as("lvs4j log:%n%s", read(log)).isZero();
        assertThat(addr(j, "rj1")).doesNotContain("192.0.2.100");
        // 10 s for a loaded host: the bound no longer tells priority 0 from the master-down timer (3.61 s from
        // the last advert), so keepalived's own line proves the priority 0 advert arrived
        assertThat(waitUntil(Duration.ofSeconds(10), () -> addr(ka, "rk1").contains("192.0.2.100"))).isTrue();
        System.out.printf("keepalived master %.0f ms after SIGTERM to lvs4j run%n", (System.nanoTime() - t0) / 1e6);
        assertThat(read(dir.resolve("ka.log"))).contains("(VI_1) Backup received priority 0 advertisement")
                .contains("Entering MASTER STATE");
    }
}
