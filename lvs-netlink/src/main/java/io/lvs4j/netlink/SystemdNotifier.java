package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.UnixDatagram;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The systemd notification protocol ({@code sd_notify(3)}) without libsystemd: state lines such
 * as {@code READY=1}, {@code STATUS=...}, {@code WATCHDOG=1} sent as one datagram to the
 * {@code AF_UNIX} socket named by {@code $NOTIFY_SOCKET} (a path, or {@code @} and an abstract
 * name). systemd sets that variable for a {@code Type=notify} service, and {@code WATCHDOG_USEC}
 * (with {@code WATCHDOG_PID}) when the unit has {@code WatchdogSec=}.
 *
 * <pre>{@code
 * SystemdNotifier systemd = SystemdNotifier.fromEnvironment();   // does nothing outside systemd
 * ... start ...
 * systemd.ready("2 services, 4/4 real servers up");
 * systemd.watchdogTimeout().ifPresent(t -> ...ping every t/2 while healthy: systemd.watchdog());
 * ... on SIGTERM ...
 * systemd.stopping();
 * }</pre>
 *
 * <p>Without {@code NOTIFY_SOCKET} every call does nothing ({@link #isEnabled()} is false). The
 * socket is opened when the notifier is made, in the calling thread's network namespace (an
 * abstract name belongs to a network namespace: make the notifier before entering another one),
 * close-on-exec, so child processes do not inherit it; each send waits at most a second. systemd
 * accepts messages from the service's main process only unless the unit says otherwise
 * ({@code NotifyAccess=}); any thread of this process may send. Thread-safe.
 */
public final class SystemdNotifier implements AutoCloseable {
    /** systemd reads one notification datagram into a buffer of this size. */
    static final int MAX_MESSAGE = 4096;

    private static final SystemdNotifier DISABLED = new SystemdNotifier(null, null, null);

    private final String socketName;
    private final UnixDatagram socket;
    private final Duration watchdog;

    private SystemdNotifier(String socketName, UnixDatagram socket, Duration watchdog) {
        this.socketName = socketName;
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** From this process's environment: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}. */
    public static SystemdNotifier fromEnvironment() throws InterfaceException {
        return fromEnvironment(System.getenv());
    }

    /**
     * From the given variables, as if they were this process's environment: {@code NOTIFY_SOCKET}
     * (unset or empty: a notifier that does nothing), {@code WATCHDOG_USEC} (the watchdog timeout
     * in microseconds) and {@code WATCHDOG_PID} (when set, the watchdog is this process's only if
     * it is this process's id).
     *
     * @throws IllegalArgumentException if {@code NOTIFY_SOCKET} is neither an absolute path nor
     *     {@code @name} (e.g. systemd 254's {@code vsock:}), or a watchdog variable is not a number
     * @throws InterfaceException if the socket cannot be opened
     */
    public static SystemdNotifier fromEnvironment(Map<String, String> environment) throws InterfaceException {
        Preconditions.checkNotNull(environment, "environment");
        String name = environment.get("NOTIFY_SOCKET");
        if (name == null || name.isEmpty()) {
            return DISABLED;
        }
        Duration watchdog = watchdog(environment, ProcessHandle.current().pid());
        try {
            return new SystemdNotifier(name, UnixDatagram.open(name), watchdog);
        } catch (NetlinkIoException e) {
            throw new InterfaceException(e.syscall, "systemd notify socket " + name, e.errno, e.errnoText, null);
        } catch (IllegalArgumentException e) {
            throw Preconditions.invalid("NOTIFY_SOCKET", name,
                    "an absolute path or @ and an abstract name, at most 107 bytes");
        }
    }

    /** The watchdog timeout the variables give this process ({@code pid}), or null. */
    static Duration watchdog(Map<String, String> environment, long pid) {
        String usec = environment.get("WATCHDOG_USEC");
        if (usec == null || usec.isEmpty()) {
            return null;
        }
        long micros = parse("WATCHDOG_USEC", usec, "a positive number of microseconds");
        Preconditions.checkArgument(micros > 0, "WATCHDOG_USEC", usec, "a positive number of microseconds");
        String watchdogPid = environment.get("WATCHDOG_PID");
        if (watchdogPid != null && !watchdogPid.isEmpty()
                && parse("WATCHDOG_PID", watchdogPid, "a process id") != pid) {
            return null; // meant for another process (this one inherited it)
        }
        return Duration.ofNanos(Math.multiplyExact(micros, 1000L));
    }

    private static long parse(String name, String value, String expected) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw Preconditions.invalid(name, value, expected);
        }
    }

    /** Whether libc could be bound (without it a notifier for a socket cannot be made). */
    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why notifications cannot be sent here, or null when they can. */
    public static Throwable unavailabilityCause() {
        return UnixDatagram.unavailabilityCause();
    }

    /** Whether there is a socket to notify ({@code NOTIFY_SOCKET} was set). */
    public boolean isEnabled() {
        return socket != null;
    }

    /**
     * The watchdog timeout systemd set for this process ({@code WATCHDOG_USEC}): send
     * {@link #watchdog()} more often than that, at half of it as {@code sd_watchdog_enabled(3)}
     * advises. Empty without a watchdog, or when {@code WATCHDOG_PID} names another process.
     */
    public Optional<Duration> watchdogTimeout() {
        return Optional.ofNullable(watchdog);
    }

    /** {@code READY=1}: start-up is complete. */
    public void ready() throws InterfaceException {
        send("READY=1");
    }

    /** {@code READY=1} and {@code STATUS=status} in one message. */
    public void ready(String status) throws InterfaceException {
        send("READY=1\nSTATUS=" + checkStatus(status));
    }

    /** {@code STATUS=status}: one line that {@code systemctl status} shows. */
    public void status(String status) throws InterfaceException {
        send("STATUS=" + checkStatus(status));
    }

    /** {@code WATCHDOG=1}: the service is alive; resets the watchdog timer. */
    public void watchdog() throws InterfaceException {
        send("WATCHDOG=1");
    }

    /** {@code STOPPING=1}: the service is shutting down. */
    public void stopping() throws InterfaceException {
        send("STOPPING=1");
    }

    /**
     * {@code RELOADING=1} with {@code MONOTONIC_USEC} (the {@code CLOCK_MONOTONIC} time now, which
     * {@code Type=notify-reload} of systemd 253 and later requires; older systemd ignores it):
     * a reload started. Send {@link #ready()} when it is done, whatever its outcome.
     */
    public void reloading() throws InterfaceException {
        send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros());
    }

    /**
     * Sends {@code state} as it is: one or more {@code NAME=VALUE} lines separated by newlines
     * (see {@code sd_notify(3)}), at most 4096 bytes.
     */
    public void send(String state) throws InterfaceException {
        byte[] message = check(state);
        if (socket == null) {
            return;
        }
        try {
            socket.send(message);
        } catch (NetlinkIoException e) {
            throw new InterfaceException(e.syscall, "systemd notify socket " + socketName, e.errno, e.errnoText,
                    null);
        }
    }

    static byte[] check(String state) {
        Preconditions.checkNotNull(state, "state");
        byte[] b = state.getBytes(StandardCharsets.UTF_8);
        Preconditions.checkArgument(b.length > 0 && b.length <= MAX_MESSAGE && state.indexOf('\0') < 0, "state",
                state.length() > 80 ? state.substring(0, 80) + "..." : state, "1 to 4096 bytes without NUL");
        for (String line : state.split("\n", -1)) {
            int eq = line.indexOf('=');
            Preconditions.checkArgument(eq > 0, "state line", line, "NAME=VALUE");
        }
        return b;
    }

    private static String checkStatus(String status) {
        Preconditions.checkNotNull(status, "status");
        Preconditions.checkArgument(status.indexOf('\n') < 0, "status", status, "one line");
        return status;
    }

    /**
     * {@code CLOCK_MONOTONIC} in microseconds: HotSpot's {@link System#nanoTime()} on Linux is
     * {@code clock_gettime(CLOCK_MONOTONIC)}.
     */
    static long monotonicMicros() {
        return System.nanoTime() / 1000;
    }

    /** Closes the socket; later calls fail (a disabled notifier keeps doing nothing). */
    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }

    @Override
    public String toString() {
        if (socket == null) {
            return "SystemdNotifier[disabled]";
        }
        return "SystemdNotifier[" + socketName + (watchdog != null ? ", watchdog " + watchdog : "") + "]";
    }
}
