package io.lvs4j.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Network namespaces on the host for one test: each named {@code prefix + name} (the prefix
 * should carry the test's tag and this JVM's PID so parallel runs do not collide), veth pairs,
 * bridges, addresses and routes made with {@code ip}, processes started inside a namespace with
 * {@code ip netns exec}, and a temporary directory for configurations and logs. Every command is
 * bounded in time ({@link #sh}). {@link #close()} stops every tracked process by its PID (and the
 * processes named in registered PID files), deletes the namespaces it made by name and the
 * temporary directory.
 */
public final class NetnsLab implements AutoCloseable {
    /** How long one {@link #sh} command may take. */
    public static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);

    private final String prefix;
    private final Path dir;
    private final Duration grace;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> pidFiles = new ArrayList<>();

    /**
     * @param prefix namespace names start with this
     * @param dirPrefix the temporary directory's name starts with this
     * @param grace how long {@link #close()} lets a tracked process end after SIGTERM before SIGKILL;
     *     {@link Duration#ZERO}: SIGKILL at once (its descendants first)
     */
    public NetnsLab(String prefix, String dirPrefix, Duration grace) throws IOException {
        this.prefix = prefix;
        this.grace = grace;
        this.dir = Files.createTempDirectory(dirPrefix);
    }

    public String prefix() {
        return prefix;
    }

    /** The temporary directory, deleted by {@link #close()}. */
    public Path dir() {
        return dir;
    }

    public static boolean isRoot() {
        return ProcessHandle.current().info().user().orElse("").equals("root");
    }

    /**
     * Runs a command and returns its output (stdout and stderr); an IOException when it exits
     * non-zero or takes longer than {@link #COMMAND_LIMIT}.
     */
    public static String sh(String... argv) throws IOException, InterruptedException {
        Ran r = run(COMMAND_LIMIT, argv);
        if (r == null) {
            throw new IOException(String.join(" ", argv) + ": timed out");
        }
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    /** A finished command: its exit status and its output (stdout and stderr together). */
    private record Ran(int exit, String out) {
    }

    /**
     * Runs a command with its output going to a temporary file, so the limit holds even when the
     * command (or a child it left behind) keeps the output open; null if it did not end within
     * {@code limit} (it and its children are then killed).
     */
    private static Ran run(Duration limit, String... argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile("netnslab", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return null;
            }
            return new Ran(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Polls {@code condition} every {@code poll} until it holds or {@code max} passed; whether it held. */
    public static boolean waitUntil(Duration max, Duration poll, BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() - end < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(poll.toMillis());
        }
        return condition.getAsBoolean();
    }

    /** The file's text, or "" when it does not exist or cannot be read (for failure messages). */
    public static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Adds namespace {@code prefix + name} (deleted at close) with its loopback up; returns its name. */
    public String namespace(String name) throws IOException, InterruptedException {
        String n = prefix + name;
        sh("ip", "netns", "add", n);
        namespaces.add(n);
        sh("ip", "-n", n, "link", "set", "lo", "up");
        return n;
    }

    /** Deletes a namespace by name if it is there (one left by an earlier run with the same name). */
    public static void deleteNamespace(String ns) throws InterruptedException {
        try {
            sh("ip", "netns", "del", ns);
        } catch (IOException e) {
            // not there
        }
    }

    public static void sysctl(String ns, String setting) throws IOException, InterruptedException {
        sh("ip", "netns", "exec", ns, "sysctl", "-q", "-w", setting);
    }

    /** IPv6 off on every interface of {@code ns} (no neighbour discovery noise). */
    public static void disableIpv6(String ns) throws IOException, InterruptedException {
        sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1");
        sysctl(ns, "net.ipv6.conf.default.disable_ipv6=1");
    }

    /** No duplicate address detection in {@code ns}: IPv6 addresses are usable at once. */
    public static void noDad(String ns) throws IOException, InterruptedException {
        sysctl(ns, "net.ipv6.conf.all.accept_dad=0");
        sysctl(ns, "net.ipv6.conf.default.accept_dad=0");
    }

    /** A veth pair made in {@code a}: {@code ifA} there, its peer {@code ifB} in {@code b}; both still down. */
    public static void veth(String a, String ifA, String b, String ifB) throws IOException, InterruptedException {
        sh("ip", "-n", a, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b);
    }

    public static void up(String ns, String dev) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "link", "set", "dev", dev, "up");
    }

    /** A bridge {@code br} in {@code ns}, up. */
    public static void bridge(String ns, String br) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "link", "add", br, "type", "bridge");
        up(ns, br);
    }

    /**
     * Bridge netfilter off in {@code ns} where the kernel has it: otherwise {@code br_netfilter}
     * validates IPv4 headers and drops malformed frames on a bridge, as a plain switch would not.
     */
    public static void bridgeNetfilterOff(String ns) throws InterruptedException {
        for (String t : new String[] {"iptables", "ip6tables", "arptables"}) {
            try {
                sysctl(ns, "net.bridge.bridge-nf-call-" + t + "=0");
            } catch (IOException e) {
                // no bridge netfilter in this kernel: nothing validates frames on the bridge
            }
        }
    }

    /** Enslaves {@code dev} to bridge {@code br} in {@code ns}. */
    public static void port(String ns, String br, String dev) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "link", "set", "dev", dev, "master", br);
    }

    public static void addr(String ns, String dev, String cidr) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
    }

    /** {@code ip -n NS route add SPEC...}. */
    public static void route(String ns, String... spec) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns, "route", "add"));
        argv.addAll(List.of(spec));
        sh(argv.toArray(new String[0]));
    }

    /** The MAC address of {@code dev} in {@code ns}. */
    public static String mac(String ns, String dev) throws IOException, InterruptedException {
        return sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/address").trim();
    }

    /** Whether {@code dev} in {@code ns} is operationally up (has carrier). */
    public static boolean operUp(String ns, String dev) {
        try {
            return sh("ip", "-n", ns, "-o", "link", "show", "dev", dev).contains("state UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits (polling every 10 ms) until {@code dev} in {@code ns} is operationally up: the kernel
     * reports a veth's carrier asynchronously (linkwatch, up to a second after the link is set up).
     */
    public static void waitOperUp(String ns, String dev, Duration max) throws IOException, InterruptedException {
        if (!waitUntil(max, Duration.ofMillis(10), () -> operUp(ns, dev))) {
            throw new IOException(dev + " in " + ns + ": not operationally up after " + max.toSeconds() + " s");
        }
    }

    /**
     * {@code curl -g -s --max-time T URL} from {@code ns}: the body trimmed, or "ERR:" and curl's
     * exit status ("ERR:timeout" when curl itself did not end within T + 10 s: starting curl in a
     * namespace on a loaded machine takes time of its own).
     */
    public static String curl(String ns, int maxTimeSeconds, String url) {
        try {
            Ran r = run(Duration.ofSeconds(maxTimeSeconds + 10L), "ip", "netns", "exec", ns, "curl", "-g", "-s", "--max-time",
                    Integer.toString(maxTimeSeconds), url);
            if (r == null) {
                return "ERR:timeout";
            }
            return r.exit() == 0 ? r.out().trim() : "ERR:" + r.exit();
        } catch (IOException e) {
            return "ERR:" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR:interrupted";
        }
    }

    /** {@code n} curls in a row, each a new connection (see {@link #curl}). */
    public static List<String> curls(String ns, int n, int maxTimeSeconds, String url) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(curl(ns, maxTimeSeconds, url));
        }
        return r;
    }

    /** Whether 127.0.0.1:port of this (the host's) namespace accepts a connection within 200 ms. */
    public static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether 127.0.0.1:port of {@code ns} accepts a connection (bash's /dev/tcp, run there). */
    public static boolean canConnect(String ns, int port) {
        try {
            sh("ip", "netns", "exec", ns, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a command in {@code ns} (stdout and stderr together in its input stream); stopped at close. */
    public Process start(String ns, String... argv) throws IOException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        return track(new ProcessBuilder(a).redirectErrorStream(true).start());
    }

    /** Stops {@code p} (and its descendants) by PID at close. */
    public Process track(Process p) {
        processes.add(p);
        return p;
    }

    /** At close, SIGKILLs the process whose PID this file holds then (a daemon's child, say). */
    public void killAtClose(Path pidFile) {
        pidFiles.add(pidFile);
    }

    /**
     * Stops the tracked processes (with a grace: SIGTERM, then SIGKILL after the grace, then the
     * descendants it had; without: SIGKILL to the descendants and the process), SIGKILLs those
     * named by the PID files, deletes the namespaces and the directory. Interrupted, it still
     * kills and deletes, without waiting, and keeps the interrupt.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        for (Process p : processes) {
            try {
                stop(p, grace);
            } catch (InterruptedException e) {
                interrupted = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        for (Path pid : pidFiles) {
            String text = read(pid).trim();
            if (!text.isEmpty()) {
                try {
                    ProcessHandle.of(Long.parseLong(text)).ifPresent(ProcessHandle::destroyForcibly);
                } catch (NumberFormatException e) {
                    // not a PID: nothing to kill
                }
            }
        }
        for (String n : namespaces) {
            try {
                deleteNamespace(n);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        UmlLab.deleteTree(dir); // configurations and logs
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(Process p, Duration grace) throws InterruptedException {
        if (grace.isZero()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            c.destroyForcibly();
        }
    }
}
