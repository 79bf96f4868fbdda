package io.lvs4j.forwarder;

import io.lvs4j.netlink.InterfaceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LVS-DR through the userspace {@link Forwarder}: client, director and two nginx real servers on
 * one bridge (198.51.100.0/24). The virtual address 198.51.100.10 is on no director interface: the
 * forwarder answers the client's ARP for it and rewrites only MACs; the real servers carry the
 * virtual address on {@code lo} (/32) with {@code arp_ignore=1} and {@code arp_announce=2}, as in
 * the seeds, and reply to the client directly.
 */
class ForwarderDrIT {
    static final String VIP = "198.51.100.10";
    static FwdNet net;
    static String c;
    static String d;
    static String r1;
    static String r2;
    static String s;
    static Forwarder fwd;

    @BeforeAll
    static void topology() throws Exception {
        assumeTrue(FwdNet.isRoot(), "needs root for network namespaces");
        net = new FwdNet("g");
        c = net.ns("c");
        d = net.ns("d");
        s = net.ns("s");
        r1 = net.ns("r1");
        r2 = net.ns("r2");
        net.bridge(s, "br0");
        net.link(c, "eth0", s, "c");
        net.link(d, "eth0", s, "d");
        net.link(r1, "eth0", s, "r1");
        net.link(r2, "eth0", s, "r2");
        for (String p : new String[] {"c", "d", "r1", "r2"}) {
            net.port(s, "br0", p);
        }
        net.addr(c, "eth0", "198.51.100.2/24");
        net.addr(d, "eth0", "198.51.100.1/24");
        net.sysctl(d, "net.ipv4.ip_forward=0");
        int i = 11;
        for (String r : new String[] {r1, r2}) {
            for (String k : new String[] {"all", "default", "lo", "eth0"}) {
                net.sysctl(r, "net.ipv4.conf." + k + ".arp_ignore=1");
                net.sysctl(r, "net.ipv4.conf." + k + ".arp_announce=2");
            }
            net.addr(r, "eth0", "198.51.100." + i++ + "/24");
            net.addr(r, "lo", VIP + "/32");
        }
        net.nginx(r1, "rs1", 80, 81);
        net.nginx(r2, "rs2", 80, 81);
        // configured from a DirectorConfig, as the kernel backends are
        fwd = Forwarder.builder().netns(d).interfaces("eth0")
                .config(io.lvs4j.DirectorConfig.builder()
                        .service(VirtualService.tcp(VIP, 80).scheduler(Scheduler.RR)
                                .realServer(RealServer.of("198.51.100.11", 80).route())
                                .realServer(RealServer.of("198.51.100.12", 80).route()))
                        .service(VirtualService.tcp(VIP, 81).scheduler(Scheduler.WRR)
                                .persistence(Duration.ofSeconds(60))
                                .realServer(RealServer.of("198.51.100.11", 81).route())
                                .realServer(RealServer.of("198.51.100.12", 81).route()))
                        .build())
                .open().start();
        assertThat(fwd.awaitResolved(Duration.ofSeconds(30))).as("real servers answered ARP").isTrue();
    }

    @AfterAll
    static void cleanUp() {
        if (fwd != null) {
            fwd.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private List<String> curls(String url, int n) {
        return net.curls(c, url, n);
    }

    @Test
    void roundRobin_sixRequests_alternate_andRepliesBypassTheDirector() throws Exception {
        ForwarderStats before = fwd.stats();
        List<String> r = curls("http://" + VIP + "/", 6);
        assertThat(r).containsOnly("rs1", "rs2");
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.get(i)).as("reply %d of %s", i, r).isNotEqualTo(r.get(i - 1));
        }
        ForwarderStats after = fwd.stats();
        assertThat(after.toRealServer() - before.toRealServer()).isGreaterThanOrEqualTo(6 * 3);
        assertThat(after.toClient()).as("DR replies never pass the director").isZero();
        assertThat(after.arpAnswered()).as("the client asked the forwarder for the VIP's MAC").isGreaterThan(0);
        // the director's kernel saw the VIP's packets too (AF_PACKET is a tap) and dropped them as not
        // its own, without a RST or an ICMP error, because the VIP is not local and forwarding is off
        assertThat(kernelCounter(d, "IpInAddrErrors")).isGreaterThanOrEqualTo(6 * 3);
        assertThat(kernelCounter(d, "TcpOutRsts")).isZero();
        assertThat(kernelCounter(d, "IcmpOutDestUnreachs")).isZero();
        // the client learnt the director's MAC for the VIP, not a real server's
        String neigh = FwdNet.sh("ip", "-n", c, "neigh", "show", VIP);
        assertThat(neigh).contains(net.mac(d, "eth0"));
    }

    /** A kernel SNMP counter of a namespace, read with {@code nstat} (absolute, history untouched). */
    static long kernelCounter(String ns, String name) throws Exception {
        for (String line : FwdNet.sh("ip", "netns", "exec", ns, "nstat", "-saz", name).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals(name)) {
                return Long.parseLong(f[1]);
            }
        }
        throw new AssertionError("no " + name + " in nstat of " + ns);
    }

    @Test
    void open_unknownInterfaceOrUnreachableRealServer_failsClearly() {
        assertThat(Forwarder.isAvailable()).as("%s", Forwarder.unavailabilityCause()).isTrue();
        VirtualService vs = VirtualService.tcp(VIP, 82).realServer(RealServer.of("198.51.100.11", 82).route()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Forwarder.builder().netns(d).interfaces("nope0").service(vs).open())
                .isInstanceOf(InterfaceException.class).hasMessageContaining("No such device (errno 19)")
                .hasMessageContaining("nope0");
        VirtualService far = VirtualService.tcp(VIP, 82).realServer(RealServer.of("203.0.113.7", 82).route()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Forwarder.builder().netns(d).interfaces("eth0").service(far).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("real server: \"203.0.113.7:82\" (expected: an address in a connected subnet of the "
                        + "forwarder's interfaces)");
    }

    @Test
    void malformedBurst_fromTheClient_forwardingGoesOn_andDropsCountedByReason() throws Exception {
        ForwarderStats before = fwd.stats();
        java.nio.file.Path py = net.dir.resolve("burst.py");
        java.nio.file.Files.write(py, getClass().getResourceAsStream("malformed-burst.py").readAllBytes());
        int perKind = 2000;
        Process burst = net.start(c, "python3", py.toString(), "eth0", net.mac(d, "eth0"), VIP,
                Integer.toString(perKind));
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 30 && (burst.isAlive() || i < 4); i++) {
            during.add(net.curl(c, "http://" + VIP + "/"));
        }
        assertThat(burst.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(burst.exitValue()).isZero();
        assertThat(during).as("replies during the burst").containsOnly("rs1", "rs2").hasSizeGreaterThanOrEqualTo(4);
        io.lvs4j.packet.DropReason[] kinds = {io.lvs4j.packet.DropReason.TRUNCATED,
            io.lvs4j.packet.DropReason.BAD_IHL, io.lvs4j.packet.DropReason.BAD_CHECKSUM,
            io.lvs4j.packet.DropReason.FRAGMENT, io.lvs4j.packet.DropReason.BAD_LENGTH};
        ForwarderStats after = FwdNet.awaitDrops(fwd, before, perKind, kinds);
        long lost = after.kernelDrops() - before.kernelDrops();
        for (io.lvs4j.packet.DropReason r : kinds) {
            assertThat(after.drops(r) - before.drops(r)).as("%s drops (%s)", r, after).isBetween(perKind - lost,
                    (long) perKind);
        }
        assertThat(fwd.lastFailure()).isNull();
    }

    @Test
    void persistence_port81_sameRealServerForTheClient() throws Exception {
        List<String> r = curls("http://" + VIP + ":81/", 6);
        assertThat(r.get(0)).isIn("rs1", "rs2");
        assertThat(r).containsOnly(r.get(0));
    }

    @Test
    void announce_gratuitousArp_correctsAClientsStaleEntryForTheVip() throws Exception {
        assertThat(net.curl(c, "http://" + VIP + "/")).isIn("rs1", "rs2"); // the client has an entry
        FwdNet.sh("ip", "-n", c, "neigh", "replace", VIP, "lladdr", "02:00:00:00:00:99", "dev", "eth0", "nud", "stale");
        assertThat(FwdNet.sh("ip", "-n", c, "neigh", "show", VIP)).contains("02:00:00:00:00:99");
        Thread.sleep(1100); // the kernel ignores an override within locktime (1 s) of the last update
        assertThat(fwd.announce()).isEqualTo(1); // two services, one address, one interface: one frame
        String mac = net.mac(d, "eth0");
        assertThat(FwdNet.awaitOutput(mac, "ip", "-n", c, "neigh", "show", VIP)).contains(mac);
    }

    @Test
    void announceOneAddress_onlyAVirtualAddressIsAnnounced_andCorrectsAStaleEntry() throws Exception {
        assertThat(fwd.announce(InetAddress.getByName("198.51.100.11"))).as("a real server's address").isZero();
        assertThat(net.curl(c, "http://" + VIP + "/")).isIn("rs1", "rs2"); // the client has an entry
        FwdNet.sh("ip", "-n", c, "neigh", "replace", VIP, "lladdr", "02:00:00:00:00:98", "dev", "eth0", "nud", "stale");
        Thread.sleep(1100); // the kernel ignores an override within locktime (1 s) of the last update
        assertThat(fwd.announce(InetAddress.getByName(VIP))).isEqualTo(1); // one interface: one frame
        String mac = net.mac(d, "eth0");
        assertThat(FwdNet.awaitOutput(mac, "ip", "-n", c, "neigh", "show", VIP)).contains(mac);
    }

    @Test
    void weightZero_quiescesARealServer_andWeightOneBringsItBack() throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.TCP, VIP, 80);
        InetAddress rs2 = InetAddress.getByName("198.51.100.12");
        assertThat(fwd.weight(key, rs2, 80, 0)).isTrue();
        try {
            assertThat(curls("http://" + VIP + "/", 4)).containsOnly("rs1");
        } finally {
            assertThat(fwd.weight(key, rs2, 80, 1)).isTrue();
        }
        assertThat(curls("http://" + VIP + "/", 4)).contains("rs1", "rs2");
        assertThat(fwd.weight(key, InetAddress.getByName("198.51.100.99"), 80, 1)).isFalse();
    }

    @Test
    void removedRealServer_takesNoNewConnections() throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.TCP, VIP, 80);
        assertThat(fwd.removeRealServer(key, InetAddress.getByName("198.51.100.11"), 80)).isTrue();
        try {
            assertThat(curls("http://" + VIP + "/", 4)).containsOnly("rs2");
        } finally {
            fwd.addRealServer(key, RealServer.of("198.51.100.11", 80).route().build());
        }
        assertThat(fwd.awaitResolved(Duration.ofSeconds(30))).isTrue();
        assertThat(curls("http://" + VIP + "/", 4)).contains("rs1", "rs2");
    }

    // ---- active-active: two forwarders with mh, a download moved from one to the other

    static final String AA_VIP = "203.0.113.10";
    static final int AA_PORT = 8080;
    static final int AA_SIZE = 600 * 1024;
    static String da;
    static String db;

    /**
     * Two more directors (198.51.100.3 and .4) on the bridge, and a second nginx on each real server
     * serving {@code /big} (600 KB of its own digit) at 50 KB/s on port 8080 for {@link #AA_VIP},
     * which the real servers carry on {@code lo}. The client reaches the VIP through a route via one
     * director (as a router's ECMP would send a flow to one); moving the route moves the flow.
     */
    static synchronized void activeActiveLab() throws Exception {
        if (da != null) {
            return;
        }
        String a = net.ns("da");
        String b = net.ns("db");
        net.link(a, "eth0", s, "da");
        net.link(b, "eth0", s, "db");
        net.port(s, "br0", "da");
        net.port(s, "br0", "db");
        net.addr(a, "eth0", "198.51.100.3/24");
        net.addr(b, "eth0", "198.51.100.4/24");
        net.sysctl(a, "net.ipv4.ip_forward=0");
        net.sysctl(b, "net.ipv4.ip_forward=0");
        String[] rs = {r1, r2};
        for (int i = 0; i < 2; i++) {
            java.nio.file.Path html = net.dir.resolve("aa-html-" + (i + 1));
            java.nio.file.Files.createDirectories(html);
            java.nio.file.Files.write(html.resolve("big"), ("" + (i + 1)).repeat(AA_SIZE).getBytes());
            net.addr(rs[i], "lo", AA_VIP + "/32");
            net.nginxServers(rs[i], "aa", "    server { listen " + AA_PORT + "; root " + html
                    + "; location / { limit_rate 50k; } }\n", AA_PORT);
        }
        da = a;
        db = b;
    }

    private static Forwarder activeActiveForwarder(String ns, boolean sloppy) throws Exception {
        Forwarder f = Forwarder.builder().netns(ns).interfaces("eth0").sloppyTcp(sloppy)
                .service(VirtualService.tcp(AA_VIP, AA_PORT).scheduler(Scheduler.MH)
                        .flags(io.lvs4j.SchedulerFlag.MH_PORT)
                        .realServer(RealServer.of("198.51.100.11", AA_PORT).route())
                        .realServer(RealServer.of("198.51.100.12", AA_PORT).route()).build())
                .open().start();
        assertThat(f.awaitResolved(Duration.ofSeconds(30))).as("real servers answered ARP").isTrue();
        return f;
    }

    /** Packets each real server (last address byte) got through a forwarder's service. */
    private static java.util.Map<Integer, Long> packetsIn(Forwarder f) throws Exception {
        java.util.Map<Integer, Long> m = new java.util.TreeMap<>();
        for (var rs : f.table().serviceStates().get(0).realServers()) {
            m.put(rs.server().address().getAddress()[3] & 0xFF, rs.stats().packetsIn());
        }
        return m;
    }

    /**
     * Starts a download through forwarder A, moves the client's route to forwarder B once a sixth
     * has arrived, and waits (at most 60 s) for curl; returns curl's exit status. The body is in
     * {@code out}.
     */
    private static int movedDownload(java.nio.file.Path out) throws Exception {
        FwdNet.sh("ip", "-n", c, "route", "replace", AA_VIP + "/32", "via", "198.51.100.3");
        // 600 KB at 50 KB/s: about 12 s, so the sixth arrives after about 2 s and half after 6 s,
        // far more than the poll below needs to see it. Stalled through B (sloppy TCP off), curl
        // gives up after 10 s without a byte.
        Process curl = net.start(c, "curl", "-s", "-o", out.toString(), "--speed-limit", "1", "--speed-time", "10",
                "--max-time", "60", "http://" + AA_VIP + ":" + AA_PORT + "/big");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((!java.nio.file.Files.exists(out) || java.nio.file.Files.size(out) < AA_SIZE / 6)
                && curl.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(curl.isAlive()).as("the download runs through A").isTrue();
        assertThat(java.nio.file.Files.size(out)).isLessThan(AA_SIZE / 2);
        FwdNet.sh("ip", "-n", c, "route", "replace", AA_VIP + "/32", "via", "198.51.100.4");
        assertThat(curl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return curl.exitValue();
    }

    @Test
    void activeActive_mhWithSloppyTcp_downloadMovedToTheOtherForwarder_completesFromTheSameRealServer()
            throws Exception {
        activeActiveLab();
        try (Forwarder a = activeActiveForwarder(da, true); Forwarder b = activeActiveForwarder(db, true)) {
            java.nio.file.Path out = net.dir.resolve("aa-moved.bin");
            assertThat(movedDownload(out)).as("curl's exit status").isZero();
            byte[] body = java.nio.file.Files.readAllBytes(out);
            assertThat(body).hasSize(AA_SIZE);
            char digit = (char) body[0];
            assertThat(new String(body, java.nio.charset.StandardCharsets.US_ASCII))
                    .as("one real server sent it all").isEqualTo(("" + digit).repeat(AA_SIZE));
            int server = 10 + (digit - '0');
            java.util.Map<Integer, Long> viaA = packetsIn(a);
            java.util.Map<Integer, Long> viaB = packetsIn(b);
            assertThat(viaA.get(server)).as("A to %s: %s", server, viaA).isPositive();
            assertThat(viaB.get(server)).as("B to %s: %s", server, viaB).isPositive();
            assertThat(viaA.get(23 - server) + viaB.get(23 - server)).as("the other real server").isZero();
            assertThat(b.stats().drops(io.lvs4j.packet.DropReason.NOT_INITIAL)).isZero();
        }
    }

    @Test
    void activeActive_sloppyTcpOff_downloadMovedToTheOtherForwarder_breaks() throws Exception {
        activeActiveLab();
        try (Forwarder a = activeActiveForwarder(da, true); Forwarder b = activeActiveForwarder(db, false)) {
            java.nio.file.Path out = net.dir.resolve("aa-control.bin");
            assertThat(movedDownload(out)).as("curl's exit status (28: stalled)").isNotZero();
            assertThat(java.nio.file.Files.size(out)).isLessThan(AA_SIZE);
            assertThat(b.stats().drops(io.lvs4j.packet.DropReason.NOT_INITIAL)).as("B dropped the moved flow")
                    .isPositive();
            assertThat(packetsIn(b).values()).containsOnly(0L);
        }
    }
}
