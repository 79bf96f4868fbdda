package io.lvs4j.cli;

import static io.lvs4j.lab.NetnsLab.read;
import static io.lvs4j.lab.NetnsLab.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.lab.NetnsLab;
import io.lvs4j.lab.NotifySocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lvs4j run} as systemd runs a {@code Type=notify} service with {@code WatchdogSec=2}:
 * {@code NOTIFY_SOCKET} names a python3 datagram socket standing in for systemd's (with
 * {@code SO_PASSCRED}, as systemd has it), {@code WATCHDOG_USEC=2000000}. A VRRP instance and a
 * virtual server (two real servers, one with a TCP_CHECK that fails) on the userspace forwarder,
 * on one end of a veth pair in a namespace of its own (this host's kernel has no IPVS).
 *
 * <p>What systemd would see: {@code READY=1} as the first message, sent by the process systemd
 * started (bin/lvs4j execs java, so {@code NotifyAccess=main} accepts it), whose {@code STATUS=}
 * already counts the reconciled service and names the started VRRP instance; {@code STATUS=VI_1
 * MASTER, ...} once the instance is master; {@code WATCHDOG=1} about every second (half of
 * {@code WATCHDOG_USEC}); no {@code WATCHDOG=1} while the director's loop is stuck, and none while
 * the health checks' event loop is stuck, with a {@code STATUS=Stalled: ...} naming the loop, and
 * pings again once it moves; {@code RELOADING=1}/{@code READY=1} around a SIGHUP and around
 * {@code lvs4j reload} (the unit's {@code ExecReload=}); {@code STOPPING=1} on SIGTERM before a
 * clean exit.
 *
 * <p>The stall: the JVM runs with the JDK's debug agent on a loopback port ({@code LVS4J_JAVA_OPTS}),
 * and the test suspends one thread through it ({@link JvmThreads}), which is what a loop stuck in a
 * call that never returns looks like from outside while every other thread goes on. lvs4j has no
 * hook for it.
 */
class RunSystemdNotifyIT {
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 10000);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Pattern DEBUG_PORT = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");

    private NetnsLab lab;
    private NotifySocket systemd;
    private JvmThreads debugger;

    @AfterEach
    void cleanUp() {
        if (debugger != null) {
            debugger.close();
        }
        if (systemd != null) {
            systemd.close();
        }
        if (lab != null) {
            lab.close();
        }
    }


    private static String conf() {
        return "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n priority 100\n"
                + " advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
                + "virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + " real_server 192.0.2.50 80 {\n  weight 1\n }\n"
                + " real_server 192.0.2.51 80 {\n  weight 1\n  TCP_CHECK {\n   connect_timeout 1\n  }\n }\n}\n";
    }

    /**
     * Suspends the threads named {@code threads} for 6.5 s (more than three times the watchdog
     * timeout) and checks what systemd saw: no WATCHDOG=1 from 2.5 s after the suspension until the
     * resumption, a STATUS= that names {@code what}, and WATCHDOG=1 again within 6 s after. One ping
     * may still be due, within a second, for the progress made just before the suspension; the
     * 2.5 s grace also allows for that ping's thread running late on a loaded host, and the 4 s
     * left in the window still hold about four once-a-second pings that a watchdog ignoring the
     * stall would send.
     */
    private void stall(String threads, String what, Path log) throws Exception {
        List<String> names = debugger.suspend(threads); // returns once they are suspended
        long suspended = System.nanoTime();
        List<NotifySocket.Message> during = systemd.during(Duration.ofMillis(6500));
        long resumed = System.nanoTime();
        debugger.resume(threads);
        NotifySocket.Message back = systemd.await("WATCHDOG=1", Duration.ofSeconds(6));

        List<Long> late = during.stream().filter(m -> m.has("WATCHDOG=1"))
                .filter(m -> m.monotonicNanos() > suspended + 2 * SECOND + SECOND / 2 && m.monotonicNanos() < resumed)
                .map(m -> (m.monotonicNanos() - suspended) / 1_000_000).toList();
        assertThat(late).as("ms after suspending %s at which WATCHDOG=1 still came; log:\n%s", names, read(log)).isEmpty();
        assertThat(during).as("STATUS= naming the stall of %s", what)
                .anyMatch(m -> m.value("STATUS").orElse("").startsWith("Stalled: no progress in " + what + " for"));
        assertThat(back).as("WATCHDOG=1 after %s runs again; log:\n%s", names, read(log)).isNotNull();
        assertThat(back.value("STATUS").orElse("")).as("the status back with the first ping").startsWith("VI_1 MASTER");
    }

    @Test
    void run_underSystemdNotify_readyAfterStartWatchdogOnlyWhileLoopsMoveReloadAndStopping() throws Exception {
        assumeTrue(NetnsLab.isRoot(), "needs root for a network namespace");
        assumeTrue(NotifySocket.isAvailable(), "python3 stands in for systemd's socket");
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        lab = new NetnsLab("lsd" + ID, "lvs4j-systemd-it", Duration.ofSeconds(10));
        String ns = lab.namespace("d");
        sh("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        NetnsLab.up(ns, "eth0");
        NetnsLab.up(ns, "eth1");
        NetnsLab.addr(ns, "eth0", "192.0.2.1/24");
        Path dir = lab.dir();
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, conf());
        Path control = dir.resolve("lvs4j.sock");
        Path log = dir.resolve("run.log");
        systemd = NotifySocket.bind(dir.resolve("notify").toString());

        Process run = lab.track(Lvs4jCli.start(jar, log, Map.of("NOTIFY_SOCKET", systemd.address(),
                "WATCHDOG_USEC", "2000000",
                "LVS4J_JAVA_OPTS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0"),
                "run", "--netns", ns, "--userspace", "--interface", "eth0", "--control", control.toString(),
                conf.toString()));

        NotifySocket.Message ready = systemd.next(Duration.ofSeconds(60));
        assertThat(ready).as("a first message; log:\n%s\nreceiver: %s", read(log), systemd.errors()).isNotNull();
        assertThat(ready.lines()).as("the first message is READY=1 with a status; log:\n%s", read(log))
                .contains("READY=1").anyMatch(l -> l.startsWith("STATUS="));
        assertThat(ready.senderPid()).as("sent by the process systemd started").isEqualTo(run.pid());
        assertThat(ready.value("STATUS").orElseThrow()).as("the VRRP instance started and the service reconciled")
                .matches("VI_1 (BACKUP|MASTER), 1 service, [0-2]/2 real servers up");
        assertThat(read(log)).as("written before READY=1")
                .contains("IPVS: ADD_SERVER TCP 192.0.2.100:80 -> 192.0.2.51:80")
                .contains("(VI_1) Entering BACKUP STATE")
                .contains("Control socket " + control);
        assertThat(systemd.await(m -> m.value("STATUS").orElse("").startsWith("VI_1 MASTER"), Duration.ofSeconds(15)))
                .as("STATUS=VI_1 MASTER; log:\n%s", read(log)).isNotNull();

        List<NotifySocket.Message> pings = systemd.during(Duration.ofMillis(5500)).stream()
                .filter(m -> m.has("WATCHDOG=1")).toList();
        // about one ping a second; a fixed-rate timer running late catches up (a gap of 1 + d s, then
        // 1 - d s), so the gaps are held to the real contract, WATCHDOG_USEC (2 s), and the count to
        // 3..7 in 5.5 s: a watchdog that pinged much faster or slower still fails
        assertThat(pings).as("a ping about every second; log:\n%s", read(log)).hasSizeBetween(3, 7);
        for (int i = 1; i < pings.size(); i++) {
            assertThat(pings.get(i).monotonicNanos() - pings.get(i - 1).monotonicNanos()).as("gap %d", i)
                    .isLessThanOrEqualTo(2 * SECOND);
        }

        Matcher port = DEBUG_PORT.matcher(read(log));
        assertThat(port.find()).as("the debug agent's port; log:\n%s", read(log)).isTrue();
        debugger = JvmThreads.attach(Integer.parseInt(port.group(1)));
        stall("lvs4j-director", "the director's loop", log);
        stall("lvs4j-health-.*", "the health checks' event loop", log);
        debugger.close();
        debugger = null;

        sh("kill", "-HUP", Long.toString(run.pid()));
        NotifySocket.Message reloading = systemd.await("RELOADING=1", Duration.ofSeconds(20));
        assertThat(reloading).as("RELOADING=1 on SIGHUP; log:\n%s", read(log)).isNotNull();
        assertThat(reloading.value("MONOTONIC_USEC")).isPresent();
        assertThat(systemd.await("READY=1", Duration.ofSeconds(20))).as("READY=1 after the reload").isNotNull();

        String answer = Lvs4jCli.run(jar, "reload", "--control", control.toString());
        assertThat(answer).contains("Reload done");
        assertThat(systemd.await("RELOADING=1", Duration.ofSeconds(5))).as("RELOADING=1 on lvs4j reload").isNotNull();
        assertThat(systemd.await("READY=1", Duration.ofSeconds(5))).as("READY=1 after it").isNotNull();

        sh("kill", "-TERM", Long.toString(run.pid()));
        assertThat(systemd.await("STOPPING=1", Duration.ofSeconds(20))).as("STOPPING=1; log:\n%s", read(log))
                .isNotNull();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as("log:\n%s", read(log)).isZero();
        assertThat(read(log)).contains("systemd: READY=1 sent; WATCHDOG=1 every 1.0 s")
                .contains("lvs4j: watchdog: no progress in the director's loop for")
                .contains("lvs4j: watchdog: no progress in the health checks' event loop for")
                .contains("WATCHDOG=1 resumed")
                .doesNotContain("notification failed");
    }
}
