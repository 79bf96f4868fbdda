package io.lvs4j.cli;

import static io.lvs4j.lab.NetnsLab.read;
import static io.lvs4j.lab.NetnsLab.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.lab.NetnsLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 2 against keepalived 2.2.7 on this host's kernel (network namespaces, VRRP only:
 * the host has no IPVS). {@code lvs4j run --netns lv} is master (priority 150) of a VIP with
 * keepalived as backup (100) across a veth pair. The lvs4j JVM is SIGKILLed: the VIP stays on
 * its interface while keepalived becomes master, so it is up on both hosts. lvs4j is started
 * again with priority 50 (a backup now): it removes the stale VIP before VRRP starts, and the VIP
 * ends on keepalived's side only; how long after the restart command the stale VIP is gone is
 * printed (JVM start included). Also: a second {@code lvs4j run} in the same namespace exits 1
 * naming the running one's PID, and the running one keeps its VIP.
 */
class CrashRecoveryIT {
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 10000);
    private static final String VIP = "192.0.2.100";

    private NetnsLab lab;

    @AfterEach
    void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    private static boolean waitUntil(Duration max, BooleanSupplier c) throws InterruptedException {
        return NetnsLab.waitUntil(max, Duration.ofMillis(20), c);
    }

    private static String addr(String ns) {
        try {
            return sh("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean hasVip(String ns) {
        return addr(ns).contains(VIP + "/24");
    }

    private Process lvs4j(String ns, String state, int priority, String name) throws IOException {
        Path conf = lab.dir().resolve(name + ".conf");
        Files.writeString(conf, "global_defs {\n router_id lvs4j\n}\n"
                + "vrrp_instance VI_1 {\n state " + state + "\n interface eth0\n virtual_router_id 71\n priority "
                + priority + "\n advert_int 1\n virtual_ipaddress {\n  " + VIP + "/24\n }\n}\n");
        return lab.track(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", conf.toString(), "--netns", ns,
                "--run-dir", lab.dir().resolve("run").toString(), "--control",
                lab.dir().resolve(name + ".sock").toString()).redirectErrorStream(true)
                .redirectOutput(log(name).toFile()).start());
    }

    private Path log(String name) {
        return lab.dir().resolve(name + ".log");
    }

    @Test
    void sigkilledMaster_restartedAsBackup_staleVipRemoved_vipOnKeepalivedMasterOnly() throws Exception {
        assumeTrue(NetnsLab.isRoot() && new ProcessBuilder("keepalived", "-v").start().waitFor() == 0,
                "needs root and keepalived");
        lab = new NetnsLab("cr" + ID, "lvs4j-crash", Duration.ofSeconds(5));
        String lv = lab.namespace("lv");
        String ka = lab.namespace("ka");
        NetnsLab.veth(lv, "eth0", ka, "eth0");
        NetnsLab.addr(lv, "eth0", "192.0.2.11/24");
        NetnsLab.addr(ka, "eth0", "192.0.2.12/24");
        NetnsLab.up(lv, "eth0");
        NetnsLab.up(ka, "eth0");

        Process first = lvs4j(lv, "MASTER", 150, "first");
        assertThat(waitUntil(Duration.ofSeconds(30), () -> read(log("first")).contains("(VI_1) Entering MASTER STATE")
                && hasVip(lv))).as("lvs4j master; log:%n%s", read(log("first"))).isTrue();
        Path kaConf = lab.dir().resolve("ka.conf");
        Files.writeString(kaConf, "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 71\n"
                + " priority 100\n advert_int 1\n virtual_ipaddress {\n  " + VIP + "/24\n }\n}\n");
        Path kaVrrpPid = lab.dir().resolve("ka.vrrp.pid");
        lab.killAtClose(kaVrrpPid);
        lab.track(new ProcessBuilder("ip", "netns", "exec", ka, "keepalived", "-P", "-n", "-l", "-D", "-f",
                kaConf.toString(), "-p", lab.dir().resolve("ka.pid").toString(), "-r", kaVrrpPid.toString())
                .redirectErrorStream(true).redirectOutput(lab.dir().resolve("ka.log").toFile()).start());
        assertThat(waitUntil(Duration.ofSeconds(15), () -> read(lab.dir().resolve("ka.log"))
                .contains("Entering BACKUP STATE"))).as("keepalived backup").isTrue();

        // a second run in the same namespace: refused, naming the first; the first keeps its VIP
        Process second = lvs4j(lv, "MASTER", 200, "second");
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("second run ended; log:%n%s", read(log("second")))
                .isTrue();
        assertThat(second.exitValue()).isEqualTo(1);
        assertThat(read(log("second"))).contains("another lvs4j director runs in network namespace " + lv,
                "PID " + first.pid() + " holds").doesNotContain("Entering MASTER STATE");
        assertThat(first.isAlive()).isTrue();
        assertThat(hasVip(lv)).as("the first keeps its VIP").isTrue();
        assertThat(hasVip(ka)).isFalse();

        // SIGKILL: the VIP stays on lv while keepalived takes over: on both hosts
        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(10), () -> hasVip(ka))).as("keepalived master").isTrue();
        assertThat(hasVip(lv)).as("the killed run's VIP is still up").isTrue();

        // restart as a lower-priority backup: the stale VIP goes at once, keepalived keeps it
        long t0 = System.nanoTime();
        Process third = lvs4j(lv, "BACKUP", 50, "third");
        long[] started = {0}; // when the run printed its first line (JVM up, file read, before the director starts)
        assertThat(waitUntil(Duration.ofSeconds(30), () -> {
            if (started[0] == 0 && !read(log("third")).isEmpty()) {
                started[0] = System.nanoTime();
            }
            return !hasVip(lv);
        })).as("stale VIP removed; log:%n%s", read(log("third"))).isTrue();
        long goneAt = System.nanoTime();
        double gone = (goneAt - t0) / 1e9;
        double afterStart = started[0] == 0 ? 0 : (goneAt - started[0]) / 1e9;
        assertThat(waitUntil(Duration.ofSeconds(15), () -> read(log("third")).contains("(VI_1) Entering BACKUP STATE")))
                .as("log:%n%s", read(log("third"))).isTrue();
        double backup = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(4000); // longer than the master down interval: still backup, the VIP on keepalived only
        assertThat(hasVip(lv)).isFalse();
        assertThat(hasVip(ka)).isTrue();
        assertThat(read(log("third"))).contains("Recovering after the lvs4j run (PID " + first.pid() + ")",
                "Removing stale VIPs: " + VIP + "/24 dev eth0").doesNotContain("Entering MASTER STATE");
        assertThat(third.isAlive()).isTrue();
        System.out.printf("== stale VIP gone %.2f s after the restart command (JVM start included), %.2f s after its"
                + " first output line; backup after %.2f s%n", gone, afterStart, backup);

        third.destroy(); // SIGTERM: a clean stop removes the record
        assertThat(third.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(third.exitValue()).as("log:%n%s", read(log("third"))).isZero();
        try (var files = Files.list(lab.dir().resolve("run"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).anyMatch(n -> n.matches("netns-\\d+\\.lock")).noneMatch(n -> n.endsWith(".owned"));
        }
    }
}
