package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IPv6 through the userspace {@link Forwarder}, NAT and DR on one bridge: the forwarder finds the
 * real servers with neighbour solicitations and answers solicitations for the DR virtual address
 * (which is on no director interface). Real servers 2001:db8:2::11 and ::12 (nginx) route via the
 * director's 2001:db8:2::1 and carry the DR virtual address 2001:db8:2::10 on {@code lo} (Linux
 * answers solicitations only for addresses of the receiving interface). The NAT client
 * 2001:db8:1::2 reaches the NAT virtual address 2001:db8:10::10 via 2001:db8:1::1; the DR client
 * 2001:db8:2::2 is on the real servers' link. The director's kernel sends no ICMPv6 error for the
 * virtual addresses' packets (checked with nstat).
 */
class ForwarderIpv6IT {
    static final String NAT_VIP = "2001:db8:10::10";
    static final String DR_VIP = "2001:db8:2::10";
    static FwdNet net;
    static String c1;
    static String c2;
    static String d;
    static Forwarder fwd;

    @BeforeAll
    static void topology() throws Exception {
        assumeTrue(FwdNet.isRoot(), "needs root for network namespaces");
        net = new FwdNet("v");
        net.ipv6 = true;
        String s = net.ns("s");
        c1 = net.ns6("c1");
        c2 = net.ns6("c2");
        d = net.ns6("d");
        String r1 = net.ns6("r1");
        String r2 = net.ns6("r2");
        net.bridge(s, "br0");
        net.link(c1, "eth0", s, "c1");
        net.link(c2, "eth0", s, "c2");
        net.link(d, "eth0", s, "d");
        net.link(r1, "eth0", s, "r1");
        net.link(r2, "eth0", s, "r2");
        for (String p : new String[] {"c1", "c2", "d", "r1", "r2"}) {
            net.port(s, "br0", p);
        }
        net.addr(c1, "eth0", "2001:db8:1::2/64");
        net.route(c1, "2001:db8:10::/64", "via", "2001:db8:1::1");
        net.addr(c2, "eth0", "2001:db8:2::2/64");
        net.addr(d, "eth0", "2001:db8:1::1/64");
        net.addr(d, "eth0", "2001:db8:2::1/64");
        net.sysctl(d, "net.ipv6.conf.all.forwarding=0");
        // Without a route for it, the director's kernel answers the NAT VIP's packets with ICMPv6
        // "no route" (IPv6 sends it whether or not it forwards); a blackhole route drops them silently.
        // The DR VIP is inside a connected prefix: not local, not forwarded, dropped silently.
        net.route(d, "blackhole", NAT_VIP + "/128");
        int i = 11;
        for (String r : new String[] {r1, r2}) {
            net.addr(r, "eth0", "2001:db8:2::" + i++ + "/64");
            net.addr(r, "lo", DR_VIP + "/128");
            net.route(r, "default", "via", "2001:db8:2::1");
        }
        net.nginx(r1, "rs1", 80);
        net.nginx(r2, "rs2", 80);
        fwd = Forwarder.builder().netns(d).interfaces("eth0")
                .service(VirtualService.tcp(NAT_VIP, 80).scheduler(Scheduler.RR)
                        .realServer(RealServer.of("2001:db8:2::11", 80).masquerade())
                        .realServer(RealServer.of("2001:db8:2::12", 80).masquerade()).build())
                .service(VirtualService.tcp(DR_VIP, 80).scheduler(Scheduler.RR)
                        .realServer(RealServer.of("2001:db8:2::11", 80).route())
                        .realServer(RealServer.of("2001:db8:2::12", 80).route()).build())
                .open().start();
        assertThat(fwd.awaitResolved(Duration.ofSeconds(30))).as("real servers answered solicitations").isTrue();
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

    private static List<String> curls(String ns, String url, int n) {
        return net.curls(ns, url, n);
    }

    private static void assertAlternating(List<String> r) {
        assertThat(r).containsOnly("rs1", "rs2");
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.get(i)).as("reply %d of %s", i, r).isNotEqualTo(r.get(i - 1));
        }
    }

    @Test
    void announce_unsolicitedAdvertisement_correctsAClientsStaleEntryForTheVip() throws Exception {
        assertThat(net.curl(c2, "http://[" + DR_VIP + "]/")).isIn("rs1", "rs2");
        FwdNet.sh("ip", "-n", c2, "-6", "neigh", "replace", DR_VIP, "lladdr", "02:00:00:00:00:99", "dev", "eth0",
                "nud", "stale");
        Thread.sleep(1100); // no override within locktime of the last update
        assertThat(fwd.announce()).isEqualTo(2);
        String mac = net.mac(d, "eth0");
        assertThat(FwdNet.awaitOutput(mac, "ip", "-n", c2, "-6", "neigh", "show", DR_VIP)).contains(mac);
    }

    @Test
    void nat6_roundRobin_alternates_andRepliesComeBackThroughTheForwarder() throws Exception {
        ForwarderStats before = fwd.stats();
        assertAlternating(curls(c1, "http://[" + NAT_VIP + "]/", 6));
        assertThat(fwd.stats().toClient() - before.toClient()).isGreaterThanOrEqualTo(6 * 3);
        assertThat(ForwarderDrIT.kernelCounter(d, "Icmp6OutDestUnreachs")).isZero();
        assertThat(ForwarderDrIT.kernelCounter(d, "TcpOutRsts")).isZero();
    }

    @Test
    void dr6_roundRobin_alternates_repliesBypassTheDirector_andTheForwarderAnswersForTheVip() throws Exception {
        ForwarderStats before = fwd.stats();
        assertAlternating(curls(c2, "http://[" + DR_VIP + "]/", 6));
        ForwarderStats after = fwd.stats();
        assertThat(after.toClient()).isEqualTo(before.toClient());
        assertThat(after.arpAnswered()).isGreaterThan(0);
        assertThat(FwdNet.sh("ip", "-n", c2, "-6", "neigh", "show", DR_VIP)).contains(net.mac(d, "eth0"));
        assertThat(ForwarderDrIT.kernelCounter(d, "Icmp6OutDestUnreachs")).isZero();
    }
}
