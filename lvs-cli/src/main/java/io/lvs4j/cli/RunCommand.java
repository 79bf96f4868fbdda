package io.lvs4j.cli;

import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorLockException;
import io.lvs4j.director.config.ConfigResult;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.KeepalivedMapper;
import io.lvs4j.Timeouts;
import io.lvs4j.director.config.VirtualServerConfig;
import io.lvs4j.forwarder.Forwarder;
import io.lvs4j.forwarder.ForwarderStats;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.spi.AddressDelegate;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j run FILE}: runs a whole keepalived.conf in the foreground with a {@link Director}:
 * VRRP instances and sync groups, the checkers of the virtual servers, the IPVS rules (kept on
 * master and backup alike), {@code lvs_timeouts} and {@code lvs_sync_daemon}. A file with only
 * virtual servers runs as a pure LVS director; one with only VRRP instances runs without IPVS
 * when the kernel has none. Logs keepalived-like lines ({@code (VI_1) Entering MASTER STATE},
 * {@code TCP_CHECK on service [10.0.0.2]:tcp:80 failed.}, {@code Removing service
 * [10.0.0.2]:tcp:80 from VS [192.0.2.10]:tcp:80}).
 *
 * <p>SIGHUP (or {@code lvs4j reload}) re-reads the file and applies only the difference; a bad file
 * is reported with file:line:column and the running configuration is kept. SIGTERM or SIGINT stop
 * gracefully (priority 0, VIPs removed, the director's IPVS services removed unless
 * {@code --keep-rules}) and exit {@value Main#OK}. {@code lvs4j status} reads the state through
 * the control socket ({@code --control}, default {@code /run/lvs4j/lvs4j.sock} or
 * {@code /run/lvs4j/NETNS.sock}).
 *
 * <p>{@code --userspace --interface IF[,IF...]} runs the same file with the userspace
 * {@link Forwarder} as the data plane instead of the kernel's IPVS (for kernels without it): its
 * AF_PACKET sockets on those interfaces, the virtual servers, real servers and weights reconciled
 * into it as into the kernel (health checks, SIGHUP), {@code lvs4j status} showing its
 * connection counts and counters. The virtual addresses must not be on an interface (the
 * forwarder answers ARP for them). A VRRP VIP that is also a virtual server's address (the seeds'
 * LVS + keepalived pair) is therefore not put on the interface: it is handed to the forwarder,
 * which answers ARP / neighbour solicitations for it and takes its packets only while the
 * instance is master, sends gratuitous ARP / unsolicited advertisements when it becomes master,
 * and is in standby for it (no answers, its frames dropped) as backup or fault; other VIPs go on
 * their interface as usual. A reload that changes which VIPs are virtual server addresses is
 * refused (restart instead). Refused: {@code lvs_sync_daemon} and firewall-mark virtual servers.
 *
 * <p><b>One run per network namespace.</b> Before it touches anything, a run takes an exclusive
 * lock (flock) on {@code --run-dir}{@code /netns-INODE.lock}, INODE being its network namespace's;
 * a second run in the same namespace exits {@value Main#FAILED} naming the first one's PID, having
 * changed nothing. While it runs, {@code netns-INODE.owned} records what it owns (VIPs with their
 * interfaces, IPVS services, the sync daemon); a run that finds that record with the lock free (its
 * predecessor was killed) first removes the recorded VIPs (VRRP puts them back if it becomes master),
 * deletes the recorded services the file no longer has and adopts the rest without a flush.
 *
 * <p>Exit status: {@value Main#USAGE} when the file has errors or nothing to run;
 * {@value Main#FAILED} when an interface, socket or the kernel fails, or another director runs in the
 * network namespace; {@value Main#UNAVAILABLE}
 * when virtual servers need IPVS and the kernel has none.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a keepalived.conf in the foreground: VRRP, health checks and IPVS (keepalived -n).",
            "SIGHUP re-reads FILE and applies only the difference; SIGTERM sends priority 0, removes the VIPs and"
                + " the IPVS services, and exits 0."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the keepalived.conf")
    Path file;

    @Option(names = "--netns", paramLabel = "NAME",
            description = "run in the network namespace /run/netns/NAME (as ip netns exec NAME would)")
    String netns;

    @Option(names = "--control", paramLabel = "PATH",
            description = "the control socket for lvs4j status/reload (default: /run/lvs4j/lvs4j.sock, or"
                + " /run/lvs4j/NAME.sock with --netns)")
    Path control;

    @Option(names = "--control-group", paramLabel = "GROUP",
            description = "make the control socket 0660 for this group (default: 0600, the director's user only);"
                + " its members may ask for status, only root or the director's user may reload")
    String controlGroup;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "keep a real server removed by a reload at weight 0 while it has connections, at most this"
                + " long (default 0: delete at once, as keepalived)")
    long drainSeconds;

    @Option(names = "--repair-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "how often the IPVS table is compared with the configuration and what the director owns"
                + " repaired (flushed by ipvsadm -C, changed behind its back, refused before); 0: never"
                + " (default 10; keepalived has no such pass)")
    long repairSeconds;

    @Option(names = "--keep-rules", description = "leave the IPVS services in the kernel on exit")
    boolean keepRules;

    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "/run/lvs4j",
            description = "where the network namespace's lock (one lvs4j run per namespace) and the record of what"
                + " this run owns (for the clean-up after a crash) are kept (default: /run/lvs4j)")
    Path runDir;

    @Option(names = "--userspace", description = "forward in userspace (AF_PACKET on --interface) instead of the"
        + " kernel's IPVS; the virtual addresses must not be on an interface, IP forwarding off; no fwmark services,"
        + " no lvs_sync_daemon; a VRRP VIP that is a virtual server's address is answered by the forwarder while"
        + " master instead of being put on an interface")
    boolean userspace;

    @Option(names = "--http", paramLabel = "ADDR:PORT",
            description = "serve read-only HTTP: /metrics (Prometheus, OpenMetrics), /status (the JSON of lvs4j status"
                + " --json), /events (server-sent events), / (a live status page); PORT alone listens on 127.0.0.1,"
                + " another address only when written out (default: global_defs lvs4j_http, else none)")
    String http;

    @Option(names = "--active-active", description = "with --userspace: several active directors behind routers'"
        + " ECMP (what lvs4j director-sysctl --active-active sets for the kernel: sloppy_tcp): the forwarder schedules"
        + " a mid-flow TCP packet of a flow it does not know instead of dropping it; use mh for the services")
    boolean activeActive;

    @Option(names = "--interface", paramLabel = "IF", split = ",",
            description = "with --userspace: the director's interfaces the forwarder serves")
    List<String> interfaces;

    private final Object reloading = new Object();
    private boolean vrrpOnly;
    /** keepalived.conf onto the director's configuration; a reload maps only the blocks that changed. */
    private KeepalivedMapper mapper;

    @Override
    public Integer call() throws CliException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        PrintStream out = System.out;
        ConfigResult r = ConfigCommand.read(file, err, false);
        KeepalivedConfig c = r.config();
        if (c.vrrpInstances().isEmpty() && c.virtualServers().isEmpty()) {
            throw new CliException(Main.USAGE, file + ": nothing to run (no vrrp_instance, no virtual_server)");
        }
        if (drainSeconds < 0 || drainSeconds > 365L * 86400) {
            throw new CliException(Main.USAGE, "--drain-timeout: " + drainSeconds + " (expected: 0..31536000)");
        }
        if (repairSeconds < 0 || repairSeconds > 86400) {
            throw new CliException(Main.USAGE, "--repair-interval: " + repairSeconds + " (expected: 0..86400)");
        }
        InetSocketAddress httpAddress = httpAddress(c);
        EventFeed feed = httpAddress == null ? null : new EventFeed(EVENTS_KEPT);
        Director.Builder b;
        try {
            mapper = KeepalivedMapper.create(); // every check, PING_CHECK too, runs in the director's netns
            b = Director.builder().config(mapper.map(c)).drainTimeout(Duration.ofSeconds(drainSeconds))
                    .keepRulesOnClose(keepRules)
                    .repairInterval(Duration.ofSeconds(repairSeconds))
                    .runDirectory(runDir) // one run per namespace, also with --userspace and VRRP only
                    .listener(e -> KeepalivedLog.print(e, out));
            if (netns != null) {
                b.netns(netns);
            }
            if (feed != null) {
                b.listener(feed); // from the first event: /events replays the whole run while it is kept
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(Main.USAGE, file + ": " + e.getMessage());
        }
        Forwarder forwarder = null;
        if (userspace) {
            forwarder = openForwarder(c);
            b.ipvs(forwarder.table());
            ForwarderVips vips = new ForwarderVips(forwarder, sharedVips(c), out);
            this.vips = vips;
            b.addressDelegate(vips);
            out.println("Userspace forwarder on " + String.join(",", interfaces) + (netns != null ? " in " + netns : "")
                    + " instead of the kernel's IPVS");
        } else if (interfaces != null) {
            throw new CliException(Main.USAGE, "--interface: only with --userspace");
        } else if (activeActive) {
            throw new CliException(Main.USAGE, "--active-active: only with --userspace (expected: for the kernel's"
                    + " IPVS, lvs4j director-sysctl up --active-active)");
        } else if (!needsIpvs(c) && !Ipvs.isAvailable()) {
            vrrpOnly = true;
            out.println("IPVS is not available here (" + Ipvs.unavailabilityCause().getMessage()
                    + "): running the VRRP part only");
            b.ipvs(new InMemoryIpvs());
        }
        Director director;
        try {
            installFatalHandler();
            director = b.start();
        } catch (IpvsException e) {
            uninstallFatalHandler();
            closeQuietly(forwarder);
            if (forwarder != null) {
                throw new CliException(Main.FAILED, e.getMessage());
            }
            IpvsException cause = Ipvs.unavailabilityCause();
            throw new CliException(cause != null ? Main.UNAVAILABLE : Main.FAILED,
                    cause != null ? cause.getMessage() : e.getMessage());
        } catch (InterfaceException | DirectorLockException e) {
            uninstallFatalHandler();
            closeQuietly(forwarder);
            throw new CliException(Main.FAILED, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            uninstallFatalHandler();
            closeQuietly(forwarder);
            throw new CliException(Main.USAGE, file + ": " + e.getMessage());
        }
        this.forwarder = forwarder;
        Path controlPath = control != null ? control : Control.defaultPath(netns);
        Control server = null;
        try {
            server = Control.listen(controlPath, controlGroup, request -> handle(director, request));
            out.println("Control socket " + controlPath);
        } catch (IOException | RuntimeException e) {
            err.println("lvs4j: control socket " + controlPath + ": " + e.getMessage()
                    + " - lvs4j status/reload cannot reach this run");
            err.flush();
        }
        HttpFront front = null;
        if (httpAddress != null) {
            try {
                front = HttpFront.start(httpAddress, director, feed, forwarder);
                InetSocketAddress a = front.address();
                String host = a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getAddress().getHostAddress()
                        + "]" : a.getAddress().getHostAddress();
                out.println("HTTP on http://" + host + ":" + a.getPort() + "/ (read-only: /metrics /status /events)"
                        + (a.getAddress().isLoopbackAddress() ? "" : " - not loopback: anyone who reaches "
                        + host + " reads the director's state"));
            } catch (IOException | RuntimeException e) {
                err.println("lvs4j: --http " + httpAddress + ": " + e.getMessage() + " - no HTTP for this run");
                err.flush();
            }
        }
        HttpFront httpServer = front;
        installHangup(director, out);
        systemd = SystemdService.start(director, out, err); // issue 13: READY=1, STATUS=, watchdog pings
        CountDownLatch stopped = new CountDownLatch(1);
        Control controlServer = server;
        Forwarder dataPlane = forwarder;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = exitStatus;
            systemd.stopping(); // issue 13: STOPPING=1
            try {
                if (controlServer != null) {
                    controlServer.close();
                }
                if (httpServer != null) {
                    httpServer.close();
                }
                director.close();
                if (dataPlane != null) {
                    dataPlane.close(); // after the director removed its services from it
                    System.out.println("Userspace forwarder stopped");
                }
            } catch (RuntimeException e) {
                System.err.println("lvs4j: stopping: " + e);
                status = Main.FAILED;
            } finally {
                stopped.countDown();
                System.out.flush();
                System.err.flush();
                // a signal's default exit status would be 128 + signal: a graceful stop is a success
                Runtime.getRuntime().halt(status);
            }
        }, "lvs4j-stop"));
        stopped.await();
        return Main.OK;
    }

    /** Fails as start() would when another director holds the namespace's lock; holds nothing afterwards. */
    private void checkNotRunning() throws CliException {
        try {
            if (netns == null) {
                Director.checkNotRunning(runDir);
            } else {
                Director.checkNotRunning(runDir, netns);
            }
        } catch (DirectorLockException e) {
            throw new CliException(Main.FAILED, e.getMessage());
        }
    }

    private volatile Forwarder forwarder;
    /** What the process exits with after a stop: {@link Main#OK} for a signal, else why it stopped itself. */
    private volatile int exitStatus = Main.OK;

    /** Stops the run when the JVM fails under it (issue 16); set before the first thread starts. */
    private volatile FatalErrorHandler fatal;

    /**
     * Issue 16: from here on an OutOfMemoryError in any thread (or the forwarder's thread dying)
     * stops the director as SIGTERM does and exits {@value Main#FAILED}. Once, before the first
     * thread of the run starts.
     */
    private void installFatalHandler() {
        if (fatal == null) {
            fatal = FatalErrorHandler.install(() -> {
                exitStatus = Main.FAILED;
                System.exit(Main.FAILED);
            });
        }
    }

    /** The run did not start: no handler left behind (in-process callers, tests). */
    private void uninstallFatalHandler() {
        FatalErrorHandler f = fatal;
        if (f != null) {
            f.uninstall();
            fatal = null;
        }
    }

    /**
     * The forwarder's thread died (issue 16): nothing reaches the real servers any more, so this
     * director must not hold a VIP. It stops as SIGTERM stops it (VRRP sends priority 0 and gives
     * the addresses up, the services are removed) and exits {@value Main#FAILED}, for a supervisor
     * to restart it ({@link FatalErrorHandler}). Called on the dying thread.
     */
    private void forwarderDied(Throwable cause) {
        exitStatus = Main.FAILED;
        FatalErrorHandler f = fatal;
        if (f != null) { // null only once a failed start uninstalled it
            f.fatal("the userspace forwarder's thread died", cause);
        }
    }
    private ForwarderVips vips;
    private volatile SystemdService systemd = SystemdService.none(); // issue 13

    /** The events /events keeps for a replay. */
    static final int EVENTS_KEPT = 10_000;

    /** {@code --http}, else {@code global_defs lvs4j_http}, else null. */
    private InetSocketAddress httpAddress(KeepalivedConfig c) throws CliException {
        if (http != null) {
            try {
                return HttpAddress.parse(http);
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.USAGE, "--http: " + e.getMessage());
            }
        }
        String conf = c.globalDefs().lvs4jHttp();
        if (conf == null) {
            return null;
        }
        try {
            return HttpAddress.parse(conf); // checked with its position when the file was read
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, file + ": lvs4j_http: " + e.getMessage());
        }
    }

    /**
     * The VIPs that are also virtual server addresses, with {@code --userspace}: not put on an
     * interface, where the kernel would reset the connections the forwarder must take, but handed
     * to the forwarder, which answers ARP / neighbour solicitations for them, takes their packets
     * and announces them only while their instance is master, and is in standby for them otherwise.
     */
    static final class ForwarderVips implements AddressDelegate {
        private final Forwarder forwarder;
        private final Set<InetAddress> addresses;
        private final PrintStream out;

        /** Puts every address in standby at once, before any service or VRRP instance exists. */
        ForwarderVips(Forwarder forwarder, Set<InetAddress> addresses, PrintStream out) {
            this.forwarder = forwarder;
            this.addresses = Set.copyOf(addresses);
            this.out = out;
            for (InetAddress a : this.addresses) {
                forwarder.standby(a, true);
            }
        }

        Set<InetAddress> addresses() {
            return addresses;
        }

        @Override
        public boolean handles(String instance, VirtualAddress address) {
            return addresses.contains(address.address());
        }

        @Override
        public void take(String instance, VirtualAddress address) {
            forwarder.standby(address.address(), false);
            out.println("(" + instance + ") " + address.address().getHostAddress()
                    + " answered by the userspace forwarder");
        }

        @Override
        public void release(String instance, VirtualAddress address) {
            forwarder.standby(address.address(), true);
            out.println("(" + instance + ") " + address.address().getHostAddress()
                    + " in standby on the userspace forwarder");
        }

        @Override
        public void announce(String instance, VirtualAddress address, int repeat) {
            for (int i = 0; i < repeat; i++) {
                forwarder.announce(address.address());
            }
        }
    }

    /**
     * With {@code --userspace}, why a reload to {@code c} cannot run: the VIPs that are virtual
     * server addresses differ from {@code running} (a VIP already on an interface cannot move to
     * the forwarder, or back, without restarting its instance); or null.
     */
    static String sharedVipsChange(Set<InetAddress> running, KeepalivedConfig c) {
        Set<InetAddress> now = sharedVips(c);
        if (now.equals(running)) {
            return null;
        }
        return "the VIPs that are virtual server addresses: " + addresses(now) + " (expected: " + addresses(running)
                + " as at start; with --userspace, changing them needs a restart)";
    }

    private static List<String> addresses(Set<InetAddress> set) {
        List<String> out = new java.util.ArrayList<>();
        for (InetAddress a : set) {
            out.add(a.getHostAddress());
        }
        return out;
    }

    /** The VRRP VIPs that are also the address of a virtual server. */
    static Set<InetAddress> sharedVips(KeepalivedConfig c) {
        Set<InetAddress> servers = new HashSet<>();
        for (VirtualServerConfig v : c.virtualServers()) {
            if (v.address() != null) {
                servers.add(v.address());
            }
        }
        Set<InetAddress> out = new LinkedHashSet<>();
        for (var i : c.vrrpInstances()) {
            for (var vip : i.virtualIpAddresses()) {
                if (servers.contains(vip.address())) {
                    out.add(vip.address());
                }
            }
        }
        return out;
    }

    /** Checks what the forwarder cannot do, then opens and starts it (no services yet: the director adds them). */
    private Forwarder openForwarder(KeepalivedConfig c) throws CliException {
        if (interfaces == null || interfaces.isEmpty()) {
            throw new CliException(Main.USAGE, "--userspace: no --interface (expected: the director's interfaces,"
                    + " e.g. --interface eth0,eth1)");
        }
        String problem = userspaceProblem(c);
        if (problem != null) {
            throw new CliException(Main.USAGE, file + ": " + problem);
        }
        if (!Forwarder.isAvailable()) {
            throw new CliException(Main.UNAVAILABLE, "userspace forwarder: " + Forwarder.unavailabilityCause());
        }
        checkNotRunning(); // a second run must not open a forwarder on the first one's interfaces
        Forwarder f = null;
        try {
            Forwarder.Builder fb = Forwarder.builder().interfaces(interfaces.toArray(new String[0]))
                    .sloppyTcp(activeActive).failureListener((fwd, cause) -> forwarderDied(cause));
            if (netns != null) {
                fb.netns(netns);
            }
            Timeouts t = c.globalDefs().lvsTimeouts();
            if (!t.equals(Timeouts.UNCHANGED)) {
                fb.timeouts(t);
            }
            installFatalHandler(); // before the forwarder's thread starts
            f = fb.open();
            return f.start();
        } catch (InterfaceException e) {
            uninstallFatalHandler();
            throw new CliException(Main.FAILED, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            uninstallFatalHandler();
            closeQuietly(f);
            throw new CliException(Main.USAGE, "--interface: " + e.getMessage());
        }
    }

    /** What in the file the userspace forwarder cannot run, or null. */
    static String userspaceProblem(KeepalivedConfig c) {
        if (c.globalDefs().lvsSyncDaemon() != null) {
            return "lvs_sync_daemon: (expected: none with --userspace, the forwarder has no connection synchronisation)";
        }
        for (VirtualServerConfig v : c.virtualServers()) {
            if (v.fwmark() != 0) {
                return "virtual_server " + v.keyText()
                        + " (expected: an address and port with --userspace, the forwarder sees no firewall marks)";
            }
        }
        return null;
    }

    private static void closeQuietly(Forwarder f) {
        if (f != null) {
            f.close();
        }
    }

    /** The forwarder's counters as a status line. */
    static String forwarderLine(Forwarder f) {
        ForwarderStats st = f.stats();
        return "Userspace forwarder " + f + ": received " + st.received() + "  to real servers " + st.toRealServer()
                + "  to clients " + st.toClient() + "  dropped " + st.dropped() + "  unresolved real servers "
                + st.unresolvedRealServers() + "\n";
    }

    private static boolean needsIpvs(KeepalivedConfig c) {
        return !c.virtualServers().isEmpty() || c.globalDefs().lvsTimeoutTcp() != null
                || c.globalDefs().lvsTimeoutTcpFin() != null || c.globalDefs().lvsTimeoutUdp() != null
                || c.globalDefs().lvsSyncDaemon() != null;
    }

    private Control.Answer handle(Director director, String request) {
        switch (request) {
            case "status": {
                Forwarder f = forwarder;
                return new Control.Answer(Main.OK, StateFormat.text(director.refresh())
                        + StateFormat.bgp(director.announcedAddresses(), director.bgpSessions())
                        + (f == null ? "" : forwarderLine(f)));
            }
            case "status json":
                return new Control.Answer(Main.OK, StateFormat.json(director, director.refresh()));
            case "reload": {
                Control.Answer a = reload(director);
                System.out.print(a.text());
                System.out.flush();
                return a;
            }
            default:
                return new Control.Answer(Main.USAGE, "unknown request: " + request
                        + " (expected: status, status json, reload)\n");
        }
    }

    /** Re-reads the file and applies the difference; a bad file changes nothing. */
    Control.Answer reload(Director director) {
        synchronized (reloading) { // issue 13: RELOADING=1 ... READY=1 around the reload
            systemd.reloading();
            Control.Answer a = reloadFile(director);
            systemd.reloaded(a.status() == Main.OK);
            return a;
        }
    }

    /** Under {@code reloading}, taken by {@link #reload}. */
    private Control.Answer reloadFile(Director director) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        w.println("Reloading " + file);
        int status = applyFile(director, w);
        w.flush();
        return new Control.Answer(status, text.toString());
    }

    /** Reads {@link #file} and applies it to {@code director}, saying what happened on {@code w}; the status. */
    private int applyFile(Director director, PrintWriter w) {
        KeepalivedConfig c;
        try {
            c = ConfigCommand.read(file, w, true).config();
        } catch (CliException e) {
            e.lines().forEach(w::println);
            return kept(w, e.exitCode());
        }
        String problem = userspace ? userspaceProblem(c) : null;
        if (problem == null && userspace) {
            problem = sharedVipsChange(vips.addresses(), c);
        }
        if (problem == null && vrrpOnly && needsIpvs(c)) {
            problem = "virtual servers, lvs_timeouts or lvs_sync_daemon need IPVS, which is not available here";
        }
        if (problem != null) {
            w.println(file + ": " + problem);
            return kept(w, Main.USAGE);
        }
        try {
            ReconcileResult r = director.apply(mapper.map(c));
            w.println("Reload done: " + r.applied().size() + " IPVS changes");
            return Main.OK;
        } catch (IllegalArgumentException | IllegalStateException e) {
            w.println(file + ": " + e.getMessage());
            return kept(w, Main.USAGE);
        } catch (ReconcileException e) {
            w.println("Reload applied in part: " + e.getMessage());
            return Main.FAILED;
        } catch (InterfaceException e) {
            // a new VRRP unit the host refused: the director built it before stopping anything
            w.println(file + ": " + e.getMessage());
            return kept(w, Main.FAILED);
        } catch (IpvsException e) {
            w.println("Reload failed: " + e.getMessage());
            return Main.FAILED;
        }
    }

    /** Says that nothing changed; {@code status}. */
    private static int kept(PrintWriter w, int status) {
        w.println("Reload failed: keeping the running configuration");
        return status;
    }

    @SuppressWarnings("restriction")
    private void installHangup(Director director, PrintStream out) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
                Thread t = new Thread(() -> {
                    Control.Answer a = reload(director);
                    out.print(a.text());
                    out.flush();
                }, "lvs4j-reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("lvs4j: SIGHUP cannot be handled here (" + e.getMessage()
                    + "): use lvs4j reload");
        }
    }
}
