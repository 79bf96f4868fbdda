package io.lvs4j.cli;

import static io.lvs4j.cli.UserspaceNet.waitUntil;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seeds' LVS-DR + keepalived pair on the userspace data plane, end to end on this host's
 * kernel (no IPVS, no UML): two director namespaces each run
 * {@code bin/lvs4j run --netns D --userspace --interface eth0} with a keepalived.conf whose
 * {@code vrrp_instance} VIP is also the {@code virtual_server} address (priority 100 MASTER vs 90
 * BACKUP, advert_int 1, rr, DR, TCP_CHECK); two nginx real servers carry the VIP on {@code lo}
 * with {@code arp_ignore=1}/{@code arp_announce=2}; a client namespace curls the VIP. All five
 * hang on one bridge (in a sixth namespace). One run, in order: (1) curls reach both real servers
 * through the master; (2) exactly one MAC answers an ARP request for the VIP, the master's, and
 * the client's neighbour entry holds it; (3) the master's JVM is SIGKILLed: without client
 * traffic the client's neighbour entry moves to the backup's MAC (its gratuitous ARP on becoming
 * master) and curls succeed again; (4) the first director started again preempts: the entry moves
 * back, only its MAC answers ARP, and curls go through it; (5) a curl sent to the backup's MAC
 * (the client's entry pinned to it) gets no answer: the backup's forwarder drops the VIP's packets
 * (in DR it would otherwise forward them and the real server answer). Once in DR, once in NAT
 * (the real servers' gateway a second, ordinary VIP of the instance, moving with it).
 *
 * <p>The SIGKILLed director leaves what was on its interface there (as keepalived killed with -9
 * does): in NAT the gateway VIP, which its kernel goes on answering; the backup's gratuitous ARP
 * still moves the real servers' entry, which is what is checked.
 */
class UserspaceVrrpIT {
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 10000);
    private static final String VIP = "203.0.113.10";
    private static final Pattern DEBUG_PORT = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");
    private static final String CLIENT = "203.0.113.2";
    /** NAT: the real servers' subnet and their gateway, a second VIP of the same instance (on the interface). */
    private static final String GATEWAY = "198.51.100.1";

    private UserspaceNet net;
    private Path dir;
    private String jar;

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private boolean nat;

    private String rs1() {
        return nat ? "198.51.100.21" : "203.0.113.21";
    }

    private String rs2() {
        return nat ? "198.51.100.22" : "203.0.113.22";
    }

    private String conf(String state, int priority) {
        return "global_defs {\n router_id uv" + priority + "\n}\n"
                + "vrrp_instance VI_1 {\n state " + state + "\n interface eth0\n virtual_router_id 61\n priority "
                + priority + "\n advert_int 1\n authentication {\n  auth_type PASS\n  auth_pass 1111\n }\n"
                + " virtual_ipaddress {\n  " + VIP + "\n" + (nat ? "  " + GATEWAY + "/24 dev eth0\n" : "") + " }\n}\n"
                + "virtual_server " + VIP + " 80 {\n delay_loop 1\n lb_algo rr\n lb_kind " + (nat ? "NAT" : "DR")
                + "\n protocol TCP\n" + realServer(rs1()) + realServer(rs2()) + "}\n";
    }

    private static String realServer(String address) {
        return " real_server " + address + " 80 {\n  weight 1\n  TCP_CHECK {\n   connect_timeout 5\n  }\n }\n";
    }

    @Test
    void runUserspaceDr_vrrpVipIsTheVirtualServer_onlyTheMasterAnswersAndFailoverMovesTheVip() throws Exception {
        nat = false;
        scenario();
    }

    /**
     * The same with LVS-NAT: the real servers in 198.51.100.0/24 (each director has an address
     * there too, for its checks and ARP) route via 198.51.100.1, a second VIP of the instance that
     * VRRP puts on the master's interface as usual; so replies go back through whichever director
     * is master.
     */
    @Test
    void runUserspaceNat_vrrpVipIsTheVirtualServer_onlyTheMasterAnswersAndFailoverMovesTheVip() throws Exception {
        nat = true;
        scenario();
    }

    /** The client, both directors and both real servers (nginx) on one bridge; their namespaces. */
    private String[] topology() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        net = new UserspaceNet("uv" + ID, "uvrrp", VIP);
        dir = net.dir();
        String sw = net.ns("sw");
        String c = net.ns("c");
        String d1 = net.ns("d1");
        String d2 = net.ns("d2");
        String r1 = net.ns("r1");
        String r2 = net.ns("r2");
        NetnsLab.bridge(sw, "br0");
        String[][] hosts = {{c, CLIENT}, {d1, "203.0.113.11"}, {d2, "203.0.113.12"}, {r1, rs1()}, {r2, rs2()}};
        for (int i = 0; i < hosts.length; i++) {
            String port = "p" + i;
            NetnsLab.veth(hosts[i][0], "eth0", sw, port);
            NetnsLab.port(sw, "br0", port);
            NetnsLab.up(sw, port);
            NetnsLab.up(hosts[i][0], "eth0");
            NetnsLab.addr(hosts[i][0], "eth0", hosts[i][1] + "/24");
        }
        for (String d : new String[] {d1, d2}) {
            sh("ip", "netns", "exec", d, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        }
        if (nat) {
            sh("ip", "-n", d1, "addr", "add", "198.51.100.11/24", "dev", "eth0");
            sh("ip", "-n", d2, "addr", "add", "198.51.100.12/24", "dev", "eth0");
        }
        for (String r : new String[] {r1, r2}) {
            if (nat) {
                sh("ip", "-n", r, "route", "add", "default", "via", GATEWAY);
                continue;
            }
            sh("ip", "-n", r, "addr", "add", VIP + "/32", "dev", "lo");
            for (String k : new String[] {"all", "eth0"}) {
                sh("ip", "netns", "exec", r, "sysctl", "-q", "-w", "net.ipv4.conf." + k + ".arp_ignore=1");
                sh("ip", "netns", "exec", r, "sysctl", "-q", "-w", "net.ipv4.conf." + k + ".arp_announce=2");
            }
        }
        net.nginx(r1, "rs1");
        net.nginx(r2, "rs2");
        return new String[] {c, d1, d2, r1, r2};
    }

    /**
     * Issue 16: a director whose forwarder thread died must not hold the VIP. The master's
     * forwarder thread is made to die of an Error (thrown in it through the JDK's debug agent, as a
     * StackOverflowError would be): the master says so, stops as SIGTERM stops it (priority 0, the
     * VIP given up) and exits 1; the backup takes over and the VIP answers through it.
     */
    @Test
    void runUserspaceDr_masterForwarderThreadDies_givesUpMastershipAndExitsFailed() throws Exception {
        DebuggedPair p = debuggedPair(Map.of("LVS4J_JAVA_OPTS", DEBUG_AGENT));
        String c = p.client();
        String mac2 = p.mac2();
        Process run1 = p.run1();
        Process run2 = p.run2();

        long thrown;
        try (JvmThreads d1Threads = JvmThreads.attach(p.debugPort())) {
            d1Threads.throwError("lvs4j-forwarder", "io.lvs4j.forwarder.Dataplane", "timers",
                    "injected by UserspaceVrrpIT", 10_000);
            thrown = System.nanoTime();
        }
        assertThat(run1.waitFor(20, TimeUnit.SECONDS)).as("d1 exits; log:\n%s", read(log("1"))).isTrue();
        double exited = (System.nanoTime() - thrown) / 1e9;
        assertThat(run1.exitValue()).as("d1's exit status; log:\n%s", read(log("1"))).isEqualTo(1);
        assertThat(read(log("1"))).contains("userspace forwarder's thread died")
                .contains("injected by UserspaceVrrpIT")
                .as("a graceful stop: priority 0 sent").contains("(VI_1) Entering INIT STATE (SHUTDOWN)");
        assertThat(waitUntil(Duration.ofSeconds(10), () -> read(log("2")).contains("(VI_1) Entering MASTER STATE")))
                .as("d2 takes over; log:\n%s", read(log("2"))).isTrue();
        double tookOver = (System.nanoTime() - thrown) / 1e9;
        assertThat(waitUntil(Duration.ofSeconds(15), () -> mac2.equals(neighbour(c, VIP))))
                .as("client's entry moves to d2's MAC %s", mac2).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curl(c).startsWith("rs"))).as("the VIP answers via d2")
                .isTrue();
        System.out.printf("== DR forwarder thread killed: d1 exited after %.1f s, d2 master after %.1f s%n", exited,
                tookOver);
        assertThat(run2.isAlive()).isTrue();
    }

    /**
     * Issue 16: a director whose heap runs out must give the VIP up at once, not leave the backup
     * waiting for the master-down interval (3 x 1 s + skew). The master runs with a 64 MB heap;
     * the test fills it through the JDK's debug agent as a leak would (arrays kept until the run
     * ends), so that the run's own threads (whichever allocates first: the director's loop, VRRP,
     * the health checks, the forwarder) get a real OutOfMemoryError from the JVM. The run drops its
     * reserve, stops as SIGTERM stops it (priority 0, the VIP given up) and exits 1; the backup is
     * master well within the master-down interval and the VIP answers through it.
     */
    @Test
    void runUserspaceDr_masterHeapExhausted_givesUpMastershipAtOnceAndExitsFailed() throws Exception {
        DebuggedPair p = debuggedPair(Map.of("LVS4J_HEAP", "64m", "LVS4J_JAVA_OPTS",
                "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 " + DEBUG_AGENT));
        String c = p.client();
        String mac2 = p.mac2();
        Process run1 = p.run1();
        Process run2 = p.run2();

        long[] fatalAt = new long[1];
        long filling = System.nanoTime();
        long kept;
        try (JvmThreads d1Threads = JvmThreads.attach(p.debugPort())) {
            // the leak grows until the run says it gives up (not after: a real leak stops with the thread
            // that died of it; this one would otherwise eat the reserve the run just dropped)
            kept = d1Threads.fillHeap(256 << 10, () -> {
                if (read(log("1")).contains("giving up mastership")) {
                    fatalAt[0] = System.nanoTime();
                    return true;
                }
                return System.nanoTime() - filling > TimeUnit.SECONDS.toNanos(60);
            });
            if (fatalAt[0] == 0) {
                assertThat(waitUntil(Duration.ofSeconds(20), () -> read(log("1")).contains("giving up mastership")))
                        .as("d1 runs out of memory once its heap is full (%d bytes kept); log:\n%s", kept,
                                read(log("1"))).isTrue();
                fatalAt[0] = System.nanoTime();
            }
            long seen = fatalAt[0];
            assertThat(waitUntil(Duration.ofSeconds(10), () -> read(log("2")).contains("(VI_1) Entering MASTER STATE")))
                    .as("d2 takes over; log:\n%s", read(log("2"))).isTrue();
            double tookOver = (System.nanoTime() - seen) / 1e9;
            assertThat(run1.waitFor(20, TimeUnit.SECONDS)).as("d1 exits; log:\n%s", read(log("1"))).isTrue();
            double exited = (System.nanoTime() - seen) / 1e9;
            String log1 = read(log("1"));
            assertThat(run1.exitValue()).as("d1's exit status; log:\n%s", log1).isEqualTo(1);
            assertThat(log1).contains("java.lang.OutOfMemoryError").contains(": giving up mastership and exiting")
                    .as("a graceful stop: priority 0 sent").contains("(VI_1) Entering INIT STATE (SHUTDOWN)")
                    .doesNotContain("the stop did not end within");
            // master down interval 3 x 1 s + (256 - 90) / 256 s = 3.65 s; priority 0 leaves only the skew (0.65 s)
            // (see TAKEOVER_BOUND_S for the bound)
            assertThat(tookOver).as("d2 master after d1 gave up, s (master-down interval 3.65 s)")
                    .isLessThan(TAKEOVER_BOUND_S);
            System.out.printf("== DR heap exhausted: %.1f MB kept by the leak, d1 gave up %.1f s after the fill began,"
                    + " d2 master %.2f s later, d1 exited %.2f s later%n", kept / 1e6, (seen - filling) / 1e9,
                    tookOver, exited);
            System.out.println("== d1's output\n" + log1.lines().filter(l -> !l.startsWith("\tat ")).limit(60)
                    .reduce("", (a, b) -> a + b + "\n"));
        }
        assertThat(waitUntil(Duration.ofSeconds(15), () -> mac2.equals(neighbour(c, VIP))))
                .as("client's entry moves to d2's MAC %s", mac2).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curl(c).startsWith("rs"))).as("the VIP answers via d2")
                .isTrue();
        assertThat(run2.isAlive()).isTrue();
    }

    /**
     * Issue 16: an OutOfMemoryError that Netty catches in its own code must not be a log line while
     * the master keeps the VIP. The error is thrown (through the JDK's debug agent) in a task on the
     * health checks' Netty event loop, inside Netty's {@code AbstractEventExecutor.runTask}, whose
     * caller {@code safeExecute} catches every Throwable and logs it: the run's Netty logger hands
     * it to the fatal-error path, so the master gives up at once (priority 0) and exits 1; the
     * backup is master after the skew time (0.65 s), not the master-down interval (3.65 s).
     */
    @Test
    void runUserspaceDr_outOfMemoryCaughtInNettysHealthCheckLoop_givesUpMastershipAtOnce() throws Exception {
        DebuggedPair p = debuggedPair(Map.of("LVS4J_JAVA_OPTS", DEBUG_AGENT));
        String c = p.client();
        String mac2 = p.mac2();
        Process run1 = p.run1();
        Process run2 = p.run2();

        long thrown;
        String in;
        try (JvmThreads d1Threads = JvmThreads.attach(p.debugPort())) {
            in = d1Threads.throwError("lvs4j-health-\\d+-\\d+", "io.netty.util.concurrent.AbstractEventExecutor",
                    "runTask", "java.lang.OutOfMemoryError", "injected by UserspaceVrrpIT in a Netty task", 10_000);
            thrown = System.nanoTime();
        }
        assertThat(waitUntil(Duration.ofSeconds(10), () -> read(log("2")).contains("(VI_1) Entering MASTER STATE")))
                .as("d2 takes over; d1's log:\n%s", read(log("1"))).isTrue();
        double tookOver = (System.nanoTime() - thrown) / 1e9;
        assertThat(run1.waitFor(20, TimeUnit.SECONDS)).as("d1 exits; log:\n%s", read(log("1"))).isTrue();
        double exited = (System.nanoTime() - thrown) / 1e9;
        String log1 = read(log("1"));
        assertThat(run1.exitValue()).as("d1's exit status; log:\n%s", log1).isEqualTo(1);
        assertThat(log1).contains("thread " + in + " failed (java.lang.OutOfMemoryError: injected by UserspaceVrrpIT"
                + " in a Netty task): giving up mastership and exiting")
                .as("a graceful stop: priority 0 sent").contains("(VI_1) Entering INIT STATE (SHUTDOWN)");
        // master down interval 3 x 1 s + (256 - 90) / 256 s = 3.65 s; priority 0 leaves only the skew (0.65 s)
        // (see TAKEOVER_BOUND_S for the bound)
        assertThat(tookOver).as("d2 master after the error, s (master-down interval 3.65 s)")
                .isLessThan(TAKEOVER_BOUND_S);
        assertThat(waitUntil(Duration.ofSeconds(15), () -> mac2.equals(neighbour(c, VIP))))
                .as("client's entry moves to d2's MAC %s", mac2).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curl(c).startsWith("rs"))).as("the VIP answers via d2")
                .isTrue();
        System.out.printf("== DR OOM in Netty's health-check loop (%s): d2 master after %.2f s, d1 exited after"
                + " %.1f s%n", in, tookOver, exited);
        assertThat(run2.isAlive()).isTrue();
    }

    /**
     * The fatal-error tests' bound on d2's takeover, in seconds after the error. With priority 0
     * d2 is master after the skew time, 0.65 s (0.81 s measured on a quiet host); without it, d2
     * waits the master-down interval, 3.65 s, from the last advert d1 sent, which can be up to one
     * advert interval (1 s) before the error: 2.65 s at the earliest. The bound sits just below
     * that, so a missing priority 0 still fails, and leaves a loaded host about 1.8 s of delay.
     */
    private static final double TAKEOVER_BOUND_S = 2.6;

    private static final String DEBUG_AGENT = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0";

    /** The DR pair of the fatal-error tests: d1 master with the JDK's debug agent (and {@code env}), d2 backup. */
    private record DebuggedPair(String client, String mac2, Process run1, Process run2, int debugPort) {
    }

    private DebuggedPair debuggedPair(Map<String, String> env) throws Exception {
        nat = false;
        String[] ns = topology();
        String c = ns[0];
        String mac2 = mac(ns[2]);
        Process run1 = net.track(Lvs4jCli.start(jar, log("1"), env, "run", writeConf("1", "MASTER", 100).toString(),
                "--netns", ns[1], "--userspace", "--interface", "eth0", "--control",
                dir.resolve("lvs4j1.sock").toString()));
        assertThat(waitUntil(Duration.ofSeconds(25), () -> net.curl(c).startsWith("rs")))
                .as("the VIP answers through d1; log:\n%s", read(log("1"))).isTrue();
        Process run2 = director(ns[2], "BACKUP", 90, "2");
        assertThat(waitUntil(Duration.ofSeconds(25), () -> read(log("2")).contains("(VI_1) Entering BACKUP STATE")))
                .as("d2 backup; log:\n%s", read(log("2"))).isTrue();
        Matcher port = DEBUG_PORT.matcher(read(log("1")));
        assertThat(port.find()).as("d1's debug agent port; log:\n%s", read(log("1"))).isTrue();
        return new DebuggedPair(c, mac2, run1, run2, Integer.parseInt(port.group(1)));
    }

    private void scenario() throws Exception {
        String[] ns = topology();
        String c = ns[0];
        String d1 = ns[1];
        String d2 = ns[2];
        String r1 = ns[3];
        String mac1 = mac(d1);
        String mac2 = mac(d2);

        long t0 = System.nanoTime();
        Process run1 = director(d1, "MASTER", 100, "1");
        assertThat(waitUntil(Duration.ofSeconds(25), () -> net.curl(c).startsWith("rs")))
                .as("the VIP answers through d1; log:\n%s", read(log("1"))).isTrue();
        Process run2 = director(d2, "BACKUP", 90, "2");
        assertThat(waitUntil(Duration.ofSeconds(25), () -> read(log("2")).contains("(VI_1) Entering BACKUP STATE")))
                .as("d2 backup; log:\n%s", read(log("2"))).isTrue();
        Thread.sleep(4000); // longer than the master down interval: d2 stays backup while d1 advertises
        assertThat(read(log("2"))).as("d2's log").doesNotContain("Entering MASTER STATE")
                .contains("Userspace forwarder on eth0");
        assertThat(read(log("1"))).contains("(VI_1) Entering MASTER STATE")
                .contains("(VI_1) " + VIP + " answered by the userspace forwarder");
        System.out.printf("== %s both directors up after %.1f s%n", mode(), (System.nanoTime() - t0) / 1e9);

        // (1) through the master, round robin over both real servers
        List<String> four = net.curls(c, 4);
        assertThat(four).as("four new connections through d1").containsOnly("rs1", "rs2").contains("rs1", "rs2");

        // (2) exactly one director answers ARP for the VIP: the master
        assertThat(arpRepliers(c)).as("MACs answering ARP for the VIP (d1 %s, d2 %s)", mac1, mac2)
                .containsExactly(mac1);
        assertThat(neighbour(c, VIP)).as("client's neighbour entry for the VIP").isEqualTo(mac1);

        // (3) SIGKILL d1: d2 takes over, its gratuitous ARP moves the client's entry (no client traffic meanwhile)
        long killed = System.nanoTime();
        run1.destroyForcibly();
        assertThat(run1.waitFor(5, TimeUnit.SECONDS)).as("d1 killed").isTrue();
        assertThat(waitUntil(Duration.ofSeconds(15), () -> mac2.equals(neighbour(c, VIP))))
                .as("client's entry moves to d2's MAC %s; d2's log:\n%s", mac2, read(log("2"))).isTrue();
        double moved = (System.nanoTime() - killed) / 1e9;
        assertThat(read(log("2"))).contains("(VI_1) Entering MASTER STATE")
                .contains("(VI_1) " + VIP + " answered by the userspace forwarder");
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curl(c).startsWith("rs"))).as("the VIP answers via d2")
                .isTrue();
        double serving = (System.nanoTime() - killed) / 1e9;
        assertThat(net.curls(c, 4)).as("four new connections through d2").containsOnly("rs1", "rs2")
                .contains("rs1", "rs2");
        assertThat(arpRepliers(c)).as("MACs answering ARP for the VIP after the failover").containsExactly(mac2);
        if (nat) {
            assertThat(sh("ip", "-n", d2, "-4", "addr", "show", "dev", "eth0")).as("d2's addresses")
                    .contains(GATEWAY + "/24").doesNotContain(VIP);
            assertThat(neighbour(r1, GATEWAY)).as("rs1's gateway entry").isEqualTo(mac2);
        }
        System.out.printf("== %s d1 killed: client's entry on d2 after %.1f s, curl answered after %.1f s%n", mode(),
                moved, serving);

        // (4) d1 again: priority 100 preempts, d2 goes back to standby, traffic follows
        long restarted = System.nanoTime();
        director(d1, "MASTER", 100, "1b");
        assertThat(waitUntil(Duration.ofSeconds(30), () -> mac1.equals(neighbour(c, VIP))))
                .as("client's entry back on d1's MAC %s; d1's log:\n%s", mac1, read(log("1b"))).isTrue();
        double back = (System.nanoTime() - restarted) / 1e9;
        assertThat(waitUntil(Duration.ofSeconds(10),
                () -> read(log("2")).contains("(VI_1) " + VIP + " in standby on the userspace forwarder")))
                .as("d2 in standby again; log:\n%s", read(log("2"))).isTrue();
        assertThat(arpRepliers(c)).as("MACs answering ARP for the VIP after d1 came back").containsExactly(mac1);
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curl(c).startsWith("rs"))).as("the VIP answers via d1")
                .isTrue();
        assertThat(net.curls(c, 4)).as("four new connections through d1 again").containsOnly("rs1", "rs2")
                .contains("rs1", "rs2");
        assertThat(Lvs4jCli.toRealServers(status("1b"))).as("d1's forwarder carried them").isGreaterThan(0);
        if (nat) {
            assertThat(sh("ip", "-n", d2, "-4", "addr", "show", "dev", "eth0")).as("d2's addresses")
                    .doesNotContain(GATEWAY + "/24");
            assertThat(neighbour(r1, GATEWAY)).as("rs1's gateway entry").isEqualTo(mac1);
        }
        assertThat(neighbour(c, VIP)).isEqualTo(mac1);
        System.out.printf("== %s d1 restarted: client's entry back on d1 after %.1f s (JVM start included)%n", mode(),
                back);

        // (5) the backup takes no packets for the VIP: the client's entry pinned to d2's MAC, a curl fails
        // (d2's forwarder would otherwise forward it to a real server, which answers the client directly)
        sh("ip", "-n", c, "neigh", "replace", VIP, "lladdr", mac2, "dev", "eth0", "nud", "permanent");
        assertThat(net.curlExpectingNoAnswer(c)).as("a curl sent to the backup's MAC").startsWith("ERR:");
        sh("ip", "-n", c, "neigh", "del", VIP, "dev", "eth0");
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curl(c).startsWith("rs"))).as("the VIP answers via d1")
                .isTrue();
        assertThat(neighbour(c, VIP)).isEqualTo(mac1);
        System.out.println("== " + mode() + " d2's output\n" + read(log("2")));
        System.out.println("== " + mode() + " restarted d1's output\n" + read(log("1b")));
        assertThat(run2.isAlive()).isTrue();
    }

    private String mode() {
        return nat ? "NAT" : "DR";
    }

    private Path log(String name) {
        return dir.resolve("run" + name + ".log");
    }

    private Path writeConf(String name, String state, int priority) throws IOException {
        Path file = dir.resolve("keepalived" + name + ".conf");
        Files.writeString(file, conf(state, priority));
        return file;
    }

    private Process director(String netns, String state, int priority, String name) throws IOException {
        Path file = writeConf(name, state, priority);
        return net.track(Lvs4jCli.start(jar, log(name), "run", file.toString(), "--netns", netns, "--userspace",
                "--interface", "eth0", "--control", dir.resolve("lvs4j" + name + ".sock").toString()));
    }

    private String status(String name) {
        return Lvs4jCli.run(jar, "status", "--control", dir.resolve("lvs4j" + name + ".sock").toString());
    }

    /** The MAC of eth0 in {@code netns}. */
    private static String mac(String netns) throws IOException, InterruptedException {
        return NetnsLab.mac(netns, "eth0");
    }

    /** The MAC of {@code netns}'s neighbour entry for {@code address}, or "" (no traffic is sent). */
    private static String neighbour(String netns, String address) {
        try {
            String out = sh("ip", "-n", netns, "neigh", "show", address, "dev", "eth0");
            String[] w = out.trim().split("\\s+");
            for (int i = 0; i + 1 < w.length; i++) {
                if (w[i].equals("lladdr")) {
                    return w[i + 1];
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Sends three ARP requests for the VIP from the client's eth0 on an AF_PACKET socket, one a
     * second, and returns the distinct sender MACs of the replies seen within 4 s of the first,
     * sorted. (One request and 1.5 s could miss the master's reply on a loaded host; the longer
     * window only gives a backup that wrongly answers more chances to show.)
     */
    private static List<String> arpRepliers(String netns) throws IOException, InterruptedException {
        String script = String.join("\n",
                "import socket, struct, sys, time",
                "ifc, src, vip = sys.argv[1:4]",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))",
                "s.bind((ifc, 0))",
                "mac = s.getsockname()[4]",
                "p = b'\\xff' * 6 + mac + b'\\x08\\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + mac"
                        + " + socket.inet_aton(src) + b'\\x00' * 6 + socket.inet_aton(vip)",
                "p = p + b'\\x00' * (60 - len(p))",
                "s.settimeout(0.2)",
                "start = time.monotonic()",
                "end = start + 4",
                "sent = 0",
                "seen = set()",
                "while time.monotonic() < end:",
                "    if sent < 3 and time.monotonic() >= start + sent:",
                "        s.send(p)",
                "        sent += 1",
                "    try:",
                "        f = s.recv(2048)",
                "    except socket.timeout:",
                "        continue",
                "    if len(f) >= 42 and f[20:22] == b'\\x00\\x02' and f[28:32] == socket.inet_aton(vip):",
                "        seen.add(f[22:28].hex(':'))",
                "print(' '.join(sorted(seen)))");
        String out = sh("ip", "netns", "exec", netns, "python3", "-c", script, "eth0", CLIENT, VIP).trim();
        return out.isEmpty() ? List.of() : List.of(out.split(" "));
    }
}
