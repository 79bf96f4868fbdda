package io.lvs4j.bgp;

import io.lvs4j.lab.NetnsLab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A router and speakers in network namespaces of their own on this host, joined by a switch (a
 * bridge in a namespace of its own, so a speaker's link going down leaves the router's up, as
 * when a director's host dies behind a switch):
 * <pre>
 *   router  eth0 192.0.2.1/24  2001:db8::1/64  --+
 *   speaker1 eth0 192.0.2.11/24 2001:db8::11/64 --+-- switch (br0)
 *   speaker2 eth0 192.0.2.12/24 2001:db8::12/64 --+
 * </pre>
 * The router runs BIRD 2 ({@link #bird}) or FRR's zebra and bgpd ({@link #frr}), each with its own
 * configuration, control socket and PID file in the lab's directory. Namespace names carry this
 * JVM's PID; {@link #close()} stops every process by PID and deletes the namespaces.
 */
final class RouterLab implements AutoCloseable {
    static final String ROUTER_IP = "192.0.2.1";
    static final String ROUTER_IP6 = "2001:db8::1";
    static final Duration COMMAND = Duration.ofSeconds(20);

    final NetnsLab lab;
    final String router;
    final String sw;
    final List<String> speakers = new ArrayList<>();
    private String birdSocket;
    private Path frrVty;

    private RouterLab(NetnsLab lab, String router, String sw) {
        this.lab = lab;
        this.router = router;
        this.sw = sw;
    }

    /** Whether this machine can run the lab: root, BIRD and FRR installed. */
    static boolean available(boolean frr) {
        return NetnsLab.isRoot() && (frr ? Files.isExecutable(Path.of("/usr/lib/frr/bgpd"))
                && Files.isExecutable(Path.of("/usr/lib/frr/zebra")) : Files.isExecutable(Path.of("/usr/sbin/bird")));
    }

    static String speakerIp(int i) {
        return "192.0.2." + (10 + i);
    }

    static String speakerIp6(int i) {
        return "2001:db8::" + (10 + i);
    }

    /** The namespaces for a router and {@code speakers} speakers, linked and up. */
    static RouterLab create(String tag, int speakers) throws IOException, InterruptedException {
        String prefix = "bgp" + ProcessHandle.current().pid() % 100000 + tag;
        NetnsLab lab = new NetnsLab(prefix, "lvs4j-bgp-" + tag, Duration.ofSeconds(3));
        try {
            Files.setPosixFilePermissions(lab.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            RouterLab r = new RouterLab(lab, lab.namespace("r"), lab.namespace("sw"));
            NetnsLab.bridge(r.sw, "br0");
            NetnsLab.bridgeNetfilterOff(r.sw);
            r.link(r.router, "pr", ROUTER_IP, ROUTER_IP6);
            for (int i = 1; i <= speakers; i++) {
                String ns = lab.namespace("s" + i);
                r.speakers.add(ns);
                r.link(ns, "p" + i, speakerIp(i), speakerIp6(i));
            }
            NetnsLab.waitOperUp(r.router, "eth0", Duration.ofSeconds(5));
            for (String s : r.speakers) {
                NetnsLab.waitOperUp(s, "eth0", Duration.ofSeconds(5));
            }
            NetnsLab.sysctl(r.router, "net.ipv4.fib_multipath_hash_policy=1");
            return r;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** A namespace's eth0, its peer {@code port} in the switch, the addresses, everything up. */
    private void link(String ns, String port, String ip, String ip6) throws IOException, InterruptedException {
        NetnsLab.noDad(ns);
        NetnsLab.veth(ns, "eth0", sw, port);
        NetnsLab.addr(ns, "eth0", ip + "/24");
        NetnsLab.addr(ns, "eth0", ip6 + "/64");
        NetnsLab.port(sw, "br0", port);
        NetnsLab.up(sw, port);
        NetnsLab.up(ns, "eth0");
    }

    /** Starts a process in {@code ns} with its output in {@code log} (nothing to drain), tracked for close. */
    Process daemon(String ns, Path log, String... argv) throws IOException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        return lab.track(new ProcessBuilder(a).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    // ---- BIRD 2 ---------------------------------------------------------------------------------------

    /**
     * BIRD 2 in the router's namespace with this configuration (the {@code log} line is added),
     * in the foreground (its PID is the tracked process's), control socket and PID file in the lab.
     */
    Process bird(String config) throws IOException, InterruptedException {
        Path dir = lab.dir().resolve("bird");
        Files.createDirectories(dir);
        Path conf = dir.resolve("bird.conf");
        Files.writeString(conf, "log \"" + dir.resolve("bird.log") + "\" all;\n" + config);
        birdSocket = dir.resolve("bird.ctl").toString();
        Path pid = dir.resolve("bird.pid");
        lab.killAtClose(pid);
        Process p = daemon(router, dir.resolve("bird.out"), "/usr/sbin/bird", "-f", "-c", conf.toString(), "-s",
                birdSocket, "-P", pid.toString());
        if (!NetnsLab.waitUntil(Duration.ofSeconds(10), Duration.ofMillis(20), () -> Files.exists(Path.of(birdSocket)))) {
            throw new IOException("BIRD did not start: " + NetnsLab.read(dir.resolve("bird.out"))
                    + NetnsLab.read(dir.resolve("bird.log")));
        }
        return p;
    }

    /** {@code birdc -s SOCKET ARGS...}: its output. */
    String birdc(String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("birdc", "-s", birdSocket));
        a.addAll(List.of(args));
        return NetnsLab.sh(a.toArray(new String[0]));
    }

    String birdLog() {
        return NetnsLab.read(lab.dir().resolve("bird/bird.log"));
    }

    /**
     * The BIRD 2 configuration for the router, as lvs-bgp's README gives it: kernel tables with
     * multipath, host routes only, LOCAL_PREF 0 for GRACEFUL_SHUTDOWN, one BGP protocol per
     * neighbour.
     */
    static String birdConfig(String neighbors) {
        return "router id " + ROUTER_IP + ";\n"
                + "protocol device { scan time 1; }\n"
                + "protocol direct { ipv4; ipv6; interface \"eth0\"; }\n"
                + "protocol kernel k4 { ipv4 { export where source = RTS_BGP; }; merge paths on; }\n"
                + "protocol kernel k6 { ipv6 { export where source = RTS_BGP; }; merge paths on; }\n"
                + "filter from_directors {\n"
                + "  if net.len != 32 && net.len != 128 then reject;\n"
                + "  if (65535, 0) ~ bgp_community then bgp_local_pref = 0;\n"
                + "  accept;\n"
                + "}\n"
                + neighbors;
    }

    /** A BIRD BGP protocol for a speaker: eBGP from AS 65000, both families over the IPv4 session. */
    static String birdNeighbor(String name, String address, long as, String extra) {
        return birdNeighbor(name, address, as, 3, extra);
    }

    /** {@link #birdNeighbor(String, String, long, String)} with another hold time. */
    static String birdNeighbor(String name, String address, long as, int holdSeconds, String extra) {
        return "protocol bgp " + name + " {\n"
                + "  local " + ROUTER_IP + " as 65000;\n"
                + "  neighbor " + address + " as " + as + ";\n"
                + "  hold time " + holdSeconds + ";\n"
                + extra
                + "  ipv4 { import filter from_directors; export none; };\n"
                + "  ipv6 { import filter from_directors; export none; };\n"
                + "}\n";
    }

    // ---- FRR --------------------------------------------------------------------------------------------

    /**
     * FRR's zebra and bgpd in the router's namespace (as user frr, with a directory of their own:
     * configuration, PID files, vty sockets, zebra's API socket, logs).
     */
    void frr(String bgpdConfig) throws IOException, InterruptedException {
        Path dir = lab.dir().resolve("frr");
        Files.createDirectories(dir);
        frrVty = dir.resolve("vty");
        Files.createDirectories(frrVty);
        Files.writeString(dir.resolve("zebra.conf"), "hostname router\nlog file " + dir.resolve("zebra.log") + "\n");
        Files.writeString(dir.resolve("bgpd.conf"), "hostname router\nlog file " + dir.resolve("bgpd.log") + "\n"
                + bgpdConfig);
        NetnsLab.sh("chown", "-R", "frr:frr", dir.toString());
        lab.killAtClose(dir.resolve("zebra.pid"));
        lab.killAtClose(dir.resolve("bgpd.pid"));
        String zapi = dir.resolve("zserv.api").toString();
        daemon(router, dir.resolve("zebra.out"), "/usr/lib/frr/zebra", "-f", dir.resolve("zebra.conf").toString(),
                "-i", dir.resolve("zebra.pid").toString(), "-z", zapi, "--vty_socket", frrVty.toString(), "-u",
                "frr", "-g", "frr");
        if (!NetnsLab.waitUntil(Duration.ofSeconds(10), Duration.ofMillis(20), () -> Files.exists(Path.of(zapi)))) {
            throw new IOException("zebra did not start: " + NetnsLab.read(dir.resolve("zebra.out")));
        }
        daemon(router, dir.resolve("bgpd.out"), "/usr/lib/frr/bgpd", "-f", dir.resolve("bgpd.conf").toString(),
                "-i", dir.resolve("bgpd.pid").toString(), "-z", zapi, "--vty_socket", frrVty.toString(), "-u", "frr",
                "-g", "frr");
        if (!NetnsLab.waitUntil(Duration.ofSeconds(10), Duration.ofMillis(20),
                () -> Files.exists(frrVty.resolve("bgpd.vty")))) {
            throw new IOException("bgpd did not start: " + NetnsLab.read(dir.resolve("bgpd.out")));
        }
    }

    /** {@code vtysh --vty_socket DIR -c COMMAND}: its output. */
    String vtysh(String command) throws IOException, InterruptedException {
        return NetnsLab.sh("vtysh", "--vty_socket", frrVty.toString(), "-c", command);
    }

    String frrLog() {
        return NetnsLab.read(lab.dir().resolve("frr/bgpd.log"));
    }

    /**
     * bgpd's configuration, as lvs-bgp's README gives it: AS 65000, the speakers (these addresses,
     * in AS {@code as}) in a peer group with keepalive 1 s, hold 3 s, connect retry 1 s, both
     * families, up to 8 paths; {@code extra} lines for the group ({@code %n} stands for its name).
     */
    static String frrConfig(List<String> neighbors, long as, String extra) {
        StringBuilder sb = new StringBuilder("router bgp 65000\n bgp router-id " + ROUTER_IP + "\n"
                + " no bgp ebgp-requires-policy\n"
                + " neighbor DIRECTORS peer-group\n"
                + " neighbor DIRECTORS remote-as " + as + "\n"
                + " neighbor DIRECTORS timers 1 3\n"
                + " neighbor DIRECTORS timers connect 1\n"
                + extra.replace("%n", "DIRECTORS"));
        for (String n : neighbors) {
            sb.append(" neighbor ").append(n).append(" peer-group DIRECTORS\n");
        }
        for (String af : List.of("ipv4", "ipv6")) {
            sb.append(" address-family ").append(af).append(" unicast\n");
            sb.append("  neighbor DIRECTORS activate\n  maximum-paths 8\n exit-address-family\n");
        }
        return sb.toString();
    }

    // ---- the router's kernel table ------------------------------------------------------------------

    /** {@code ip [-6] -n ROUTER route show PREFIX}: the route (empty when there is none). */
    String route(String prefix) {
        try {
            return NetnsLab.sh("ip", prefix.contains(":") ? "-6" : "-4", "-n", router, "route", "show", prefix).trim();
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }

    /**
     * Polls the router's route for {@code prefix} every 10 ms until {@code condition} holds or
     * {@code max} passed: the milliseconds it took from {@code sinceNanos}, or -1.
     */
    long waitRoute(String prefix, Predicate<String> condition, Duration max, long sinceNanos)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (condition.test(route(prefix))) {
                return (System.nanoTime() - sinceNanos) / 1_000_000;
            }
            Thread.sleep(10);
        }
        return condition.test(route(prefix)) ? (System.nanoTime() - sinceNanos) / 1_000_000 : -1;
    }

    /** Takes speaker {@code i}'s link down on its side (its host gone; the router's link stays up). */
    void speakerLinkDown(int i) throws IOException, InterruptedException {
        NetnsLab.sh("ip", "-n", speakers.get(i - 1), "link", "set", "dev", "eth0", "down");
    }

    // ---- a speaker in a process of its own -----------------------------------------------------------

    /** A {@link SpeakerMain} JVM in speaker {@code i}'s namespace; its lines come to {@link Child#lines}. */
    Child child(int i, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> a = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                SpeakerMain.class.getName()));
        a.addAll(List.of(args));
        Process p = lab.start(speakers.get(i - 1), a.toArray(new String[0]));
        return new Child(p);
    }

    /** A running {@link SpeakerMain}. */
    static final class Child {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder all = new StringBuilder();

        Child(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (all) {
                            all.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "speaker-child-output");
            t.setDaemon(true);
            t.start();
        }

        /** Waits (bounded) for a line starting with {@code prefix}; whether it came. */
        boolean await(String prefix, Duration max) throws InterruptedException {
            long end = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < end) {
                String l = lines.poll(50, TimeUnit.MILLISECONDS);
                if (l != null && l.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        String output() {
            synchronized (all) {
                return all.toString();
            }
        }
    }

    @Override
    public void close() {
        lab.close();
    }
}
