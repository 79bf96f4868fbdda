package io.lvs4j.cli;

import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorState;
import io.lvs4j.director.Heartbeat;
import io.lvs4j.internal.FatalErrors;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.SystemdNotifier;
import io.lvs4j.vrrp.RouterState;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code lvs4j run} as a systemd {@code Type=notify} service: {@code READY=1} once the director
 * has started (first reconcile done, VRRP instances started), a {@code STATUS=} line kept up to
 * date ({@code VI_1 MASTER, 2 services, 4/4 real servers up}), {@code RELOADING=1} and
 * {@code READY=1} around a reload, {@code STOPPING=1} on SIGTERM, and with {@code WatchdogSec=}
 * a {@code WATCHDOG=1} at half the watchdog timeout, sent only while the director's loop and the
 * health checks' event loop make progress ({@link Director#heartbeat()}): a stuck loop withholds
 * the pings and systemd restarts the service. Without {@code NOTIFY_SOCKET} it does nothing.
 *
 * <p>The hook {@code RunCommand} calls: {@link #start}, {@link #reloading()},
 * {@link #reloaded(boolean)}, {@link #stopping()}. Sends happen on one daemon thread
 * ({@code lvs4j-systemd}) or on the caller's; a failed send is reported once on stderr and the
 * service goes on.
 */
final class SystemdService implements AutoCloseable {
    /** STATUS= is refreshed this often (when it changed). */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_STATUS = 400;

    private final SystemdNotifier notifier;
    private final Supplier<Heartbeat> heartbeat;
    private final Supplier<DirectorState> state;
    private final PrintStream out;
    private final PrintWriter err;
    private final ScheduledExecutorService thread;
    private final Object lock = new Object();

    // under lock
    private Heartbeat lastBeat;
    private long stalledSinceNanos = -1;
    private String stalledWhat;
    private String lastStatus;
    private String note = "";
    private boolean stopping;
    private boolean reportedFailure;

    private SystemdService(SystemdNotifier notifier, Supplier<Heartbeat> heartbeat, Supplier<DirectorState> state,
            PrintStream out, PrintWriter err) {
        this.notifier = notifier;
        this.heartbeat = heartbeat;
        this.state = state;
        this.out = out;
        this.err = err;
        this.thread = notifier.isEnabled() ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-systemd");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** One that does nothing (no systemd, or before the director started). */
    static SystemdService none() {
        return new SystemdService(disabled(), () -> new Heartbeat(0, 0), () -> null, System.out,
                new PrintWriter(System.err, true));
    }

    private static SystemdNotifier disabled() {
        try {
            return SystemdNotifier.fromEnvironment(Map.of());
        } catch (InterfaceException e) {
            throw new IllegalStateException(e); // no socket to open: cannot happen
        }
    }

    /**
     * For a started director, from this process's environment: sends {@code READY=1} with the
     * first status and starts the status and watchdog tasks. A {@code NOTIFY_SOCKET} that cannot
     * be used is reported on {@code err}; the run goes on without notifications.
     */
    static SystemdService start(Director director, PrintStream out, PrintWriter err) {
        SystemdNotifier n;
        try {
            n = SystemdNotifier.fromEnvironment();
        } catch (InterfaceException | IllegalArgumentException e) {
            err.println("lvs4j: systemd notification socket: " + e.getMessage() + " - no READY=1, no watchdog pings");
            err.flush();
            n = disabled();
        }
        return start(n, director::heartbeat, director::state, out, err);
    }

    /** As {@link #start(Director, PrintStream, PrintWriter)} with the given notifier and readings. */
    static SystemdService start(SystemdNotifier notifier, Supplier<Heartbeat> heartbeat,
            Supplier<DirectorState> state, PrintStream out, PrintWriter err) {
        SystemdService s = new SystemdService(notifier, heartbeat, state, out, err);
        if (notifier.isEnabled()) {
            s.begin();
        }
        return s;
    }

    private void begin() {
        synchronized (lock) {
            lastBeat = heartbeat.get();
            stalledSinceNanos = System.nanoTime();
            lastStatus = status();
            send("READY=1\nSTATUS=" + lastStatus);
        }
        Duration timeout = notifier.watchdogTimeout().orElse(null);
        String line = "systemd: READY=1 sent";
        if (timeout != null) {
            long every = Math.max(1, timeout.toNanos() / 2);
            thread.scheduleAtFixedRate(FatalErrors.guard(this::watchdog), every, every, TimeUnit.NANOSECONDS);
            line += "; WATCHDOG=1 every " + seconds(every) + " s while the director's loop and the health checks'"
                    + " event loop make progress";
            if (timeout.compareTo(Heartbeat.PERIOD.multipliedBy(5)) < 0) {
                line += " (WatchdogSec=" + seconds(timeout.toNanos()) + " s is shorter than lvs4j needs to see"
                        + " progress: use " + seconds(Heartbeat.PERIOD.multipliedBy(5).toNanos()) + " s or more)";
            }
        }
        long statusEvery = STATUS_INTERVAL.toNanos();
        thread.scheduleWithFixedDelay(FatalErrors.guard(this::refreshStatus), statusEvery, statusEvery, TimeUnit.NANOSECONDS);
        out.println(line);
        out.flush();
    }

    /** {@code RELOADING=1} (with {@code MONOTONIC_USEC}) before a reload. */
    void reloading() {
        synchronized (lock) {
            if (stopping || !notifier.isEnabled()) {
                return;
            }
            try {
                notifier.reloading();
                notifier.status("Reloading");
            } catch (InterfaceException | RuntimeException e) {
                failed(e);
            }
        }
    }

    /** {@code READY=1} after a reload, with the status (and a note when it failed). */
    void reloaded(boolean succeeded) {
        synchronized (lock) {
            if (stopping || !notifier.isEnabled()) {
                return;
            }
            note = succeeded ? "" : "last reload failed (see the log), running the configuration before it; ";
            lastStatus = status();
            send("READY=1\nSTATUS=" + lastStatus);
        }
    }

    /** {@code STOPPING=1}: no more pings or status updates. */
    void stopping() {
        synchronized (lock) {
            if (stopping || !notifier.isEnabled()) {
                return;
            }
            stopping = true;
            send("STOPPING=1\nSTATUS=Stopping: priority 0, removing the VIPs and the director's services");
        }
        thread.shutdownNow();
    }

    private void watchdog() {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            Heartbeat now = heartbeat.get();
            String stalled = now.stalledSince(lastBeat);
            long t = System.nanoTime();
            if (stalled.isEmpty()) {
                if (stalledWhat != null) {
                    err.println("lvs4j: watchdog: progress again after " + seconds(t - stalledSinceNanos)
                            + " s; WATCHDOG=1 resumed");
                    err.flush();
                    stalledWhat = null;
                    lastStatus = status();
                    send("WATCHDOG=1\nSTATUS=" + lastStatus);
                } else {
                    send("WATCHDOG=1");
                }
                stalledSinceNanos = t;
            } else {
                if (stalledWhat == null || !stalledWhat.equals(stalled)) {
                    stalledWhat = stalled;
                    err.println("lvs4j: watchdog: no progress in " + stalled + " for " + seconds(t - stalledSinceNanos)
                            + " s: WATCHDOG=1 withheld, systemd restarts lvs4j when WatchdogSec= passes");
                    err.flush();
                }
                lastStatus = "Stalled: no progress in " + stalled + " for " + seconds(t - stalledSinceNanos)
                        + " s, watchdog pings withheld";
                send("STATUS=" + lastStatus);
            }
            lastBeat = now;
        }
    }

    private void refreshStatus() {
        synchronized (lock) {
            if (stopping || stalledWhat != null) {
                return;
            }
            String s = status();
            if (!s.equals(lastStatus)) {
                lastStatus = s;
                send("STATUS=" + s);
            }
        }
    }

    private String status() {
        String s;
        try {
            DirectorState st = state.get();
            s = note + (st == null ? "running" : statusLine(st));
        } catch (RuntimeException e) {
            s = note + "running (state unavailable: " + e + ")";
        }
        s = s.replace('\n', ' ');
        return s.length() <= MAX_STATUS ? s : s.substring(0, MAX_STATUS - 3) + "...";
    }

    /**
     * The one-line summary: the VRRP instances and their states (by name up to three, else
     * counted by state), the services, the real servers up out of those configured, the services
     * whose quorum is lost.
     */
    static String statusLine(DirectorState s) {
        List<String> parts = new ArrayList<>();
        List<DirectorState.Instance> is = s.instances();
        if (is.size() <= 3) {
            for (DirectorState.Instance i : is) {
                parts.add(i.name() + " " + i.state());
            }
        } else {
            Map<RouterState, Integer> byState = new EnumMap<>(RouterState.class);
            for (DirectorState.Instance i : is) {
                byState.merge(i.state(), 1, Integer::sum);
            }
            List<String> counts = new ArrayList<>();
            byState.forEach((state, n) -> counts.add(n + " " + state));
            parts.add(is.size() + " VRRP instances (" + String.join(", ", counts) + ")");
        }
        if (!s.services().isEmpty()) {
            int up = 0;
            int all = 0;
            int quorumLost = 0;
            for (DirectorState.Service svc : s.services()) {
                quorumLost += svc.quorumUp() ? 0 : 1;
                for (DirectorState.Server r : svc.realServers()) {
                    if (r.role() == DirectorState.Role.REAL_SERVER) {
                        all++;
                        up += r.health() == DirectorState.Health.DOWN ? 0 : 1;
                    }
                }
            }
            int n = s.services().size();
            parts.add(n + (n == 1 ? " service" : " services"));
            parts.add(up + "/" + all + " real servers up");
            if (quorumLost > 0) {
                parts.add("quorum lost on " + quorumLost);
            }
        }
        return parts.isEmpty() ? "running" : String.join(", ", parts);
    }

    private void send(String message) {
        try {
            notifier.send(message);
        } catch (InterfaceException | RuntimeException e) {
            failed(e);
        }
    }

    private void failed(Exception e) {
        if (!reportedFailure) {
            reportedFailure = true;
            err.println("lvs4j: systemd notification failed: " + e.getMessage() + " (reported once)");
            err.flush();
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
        notifier.close();
    }
}
