package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.lab.NotifySocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against a python3 socket standing in for systemd's: what arrives, from which
 * process, and what the environment variables mean.
 */
class SystemdNotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeAll
    static void python() {
        assumeTrue(NotifySocket.isAvailable(), "python3 is needed for the stand-in of systemd's socket");
    }

    @Test
    void fromEnvironment_noNotifySocket_disabledAndEveryCallDoesNothing() throws Exception {
        SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"));
        assertThat(n.isEnabled()).isFalse();
        assertThat(n.watchdogTimeout()).isEmpty();
        n.ready("up");
        n.status("x");
        n.watchdog();
        n.reloading();
        n.stopping();
        n.close();
        n.ready(); // still nothing to fail
        assertThat(n).hasToString("SystemdNotifier[disabled]");
        assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).isEnabled()).isFalse();
    }

    @Test
    void fromEnvironment_unsupportedAddress_rejectedNamingTheVariable() {
        for (String bad : new String[] {"vsock:2:1234", "run/systemd/notify", "@", "/" + "x".repeat(107)}) {
            assertThatThrownBy(() -> SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("NOTIFY_SOCKET: \"" + bad + "\" (expected: an absolute path or @ and an abstract name,"
                            + " at most 107 bytes)");
        }
    }

    @Test
    void watchdog_usecWithoutPid_isTheTimeout() {
        assertThat(SystemdNotifier.watchdog(Map.of("WATCHDOG_USEC", "2500000"), PID)).isEqualTo(Duration.ofMillis(2500));
        assertThat(SystemdNotifier.watchdog(Map.of(), PID)).isNull();
    }

    @Test
    void watchdog_pidOfThisProcess_isTheTimeout() {
        assertThat(SystemdNotifier.watchdog(Map.of("WATCHDOG_USEC", "10", "WATCHDOG_PID", "42"), 42))
                .isEqualTo(Duration.ofNanos(10_000));
    }

    @Test
    void watchdog_pidOfAnotherProcess_none() {
        assertThat(SystemdNotifier.watchdog(Map.of("WATCHDOG_USEC", "1000000", "WATCHDOG_PID", "41"), 42)).isNull();
    }

    @Test
    void watchdog_notANumber_rejectedNamingTheVariable() {
        assertThatThrownBy(() -> SystemdNotifier.watchdog(Map.of("WATCHDOG_USEC", "10s"), PID))
                .hasMessage("WATCHDOG_USEC: \"10s\" (expected: a positive number of microseconds)");
        assertThatThrownBy(() -> SystemdNotifier.watchdog(Map.of("WATCHDOG_USEC", "0"), PID))
                .hasMessage("WATCHDOG_USEC: \"0\" (expected: a positive number of microseconds)");
        assertThatThrownBy(() -> SystemdNotifier.watchdog(Map.of("WATCHDOG_USEC", "5", "WATCHDOG_PID", "me"), PID))
                .hasMessage("WATCHDOG_PID: \"me\" (expected: a process id)");
    }

    @Test
    void ready_pathSocket_oneDatagramWithReadyAndStatusFromThisProcess() throws Exception {
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
                SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address(),
                        "WATCHDOG_USEC", "3000000", "WATCHDOG_PID", Long.toString(PID)))) {
            assertThat(n.isEnabled()).isTrue();
            assertThat(n.watchdogTimeout()).contains(Duration.ofSeconds(3));
            n.ready("VI_1 MASTER, 2 services, 4/4 real servers up");
            NotifySocket.Message m = systemd.next(WAIT);
            assertThat(m).as("a datagram; receiver: %s", systemd.errors()).isNotNull();
            assertThat(m.text()).isEqualTo("READY=1\nSTATUS=VI_1 MASTER, 2 services, 4/4 real servers up");
            assertThat(m.senderPid()).isEqualTo(PID);
        }
    }

    @Test
    void send_abstractSocket_arrives() throws Exception {
        String name = "@lvs4j-test-" + UUID.randomUUID();
        try (NotifySocket systemd = NotifySocket.bind(name);
                SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name))) {
            n.watchdog();
            n.status("two");
            n.stopping();
            assertThat(systemd.next(WAIT).text()).isEqualTo("WATCHDOG=1");
            assertThat(systemd.next(WAIT).text()).isEqualTo("STATUS=two");
            assertThat(systemd.next(WAIT).text()).isEqualTo("STOPPING=1");
            assertThat(n.toString()).isEqualTo("SystemdNotifier[" + name + "]");
        }
    }

    @Test
    void reloading_carriesTheMonotonicClockOfNow() throws Exception {
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
                SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address()))) {
            n.reloading();
            NotifySocket.Message m = systemd.next(WAIT);
            assertThat(m.lines()).hasSize(2).first().isEqualTo("RELOADING=1");
            long sent = Long.parseLong(m.value("MONOTONIC_USEC").orElseThrow());
            long received = m.monotonicNanos() / 1000;
            // the receiver read CLOCK_MONOTONIC after the send: the stamp is before it, and close
            assertThat(sent).isLessThanOrEqualTo(received).isGreaterThan(received - 5_000_000);
        }
    }

    @Test
    void send_noReceiver_failsWithTheErrnoAndTheSocket() throws Exception {
        String path = dir.resolve("nobody-listens").toString();
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", path))) {
            assertThatThrownBy(n::ready).isInstanceOf(InterfaceException.class)
                    .hasMessage("sendto failed: No such file or directory (errno 2) for systemd notify socket " + path);
        }
    }

    @Test
    void send_afterClose_fails() throws Exception {
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString())) {
            SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address()));
            n.close();
            assertThatThrownBy(n::watchdog).isInstanceOf(InterfaceException.class).hasMessageContaining("errno 9");
        }
    }

    @Test
    void send_malformedState_rejectedBeforeSending() throws Exception {
        SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of());
        assertThatThrownBy(() -> n.send("READY")).hasMessage("state line: \"READY\" (expected: NAME=VALUE)");
        assertThatThrownBy(() -> n.send("READY=1\n")).hasMessage("state line: \"\" (expected: NAME=VALUE)");
        assertThatThrownBy(() -> n.send("STATUS=a\0b")).hasMessageStartingWith("state: ");
        assertThatThrownBy(() -> n.send("STATUS=" + "x".repeat(4090))).hasMessageEndingWith(
                "(expected: 1 to 4096 bytes without NUL)");
        assertThatThrownBy(() -> n.status("two\nlines")).hasMessage("status: \"two\nlines\" (expected: one line)");
    }
}
