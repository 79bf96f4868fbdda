package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.internal.Addresses;
import io.lvs4j.lab.NetnsLab;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The speaker against FRR 8.4 (Debian's frr: zebra and bgpd) in network namespaces of this host
 * ({@link RouterLab}): the session comes up, announced host routes reach the router's kernel table
 * through zebra, withdrawals and a dead speaker take them out, FRR honours GRACEFUL_SHUTDOWN, and
 * two speakers make an ECMP route. Times are printed as {@code MEASURED ...} lines.
 */
class FrrInteropIT {
    static final String VIP = "198.51.100.10";
    static final String VIP6 = "2001:db8:100::10";

    @BeforeAll
    static void needsFrr() {
        assumeTrue(RouterLab.available(true), "needs root and frr (lab/install-deps)");
    }

    static InetAddress ip(String s) {
        return Addresses.parse(s, "test");
    }

    static void measured(String what, long millis) {
        System.out.println("MEASURED FRR " + what + ": " + millis + " ms");
    }

    static String config(int speakers, String extra) {
        List<String> n = speakers == 1 ? List.of(RouterLab.speakerIp(1))
                : List.of(RouterLab.speakerIp(1), RouterLab.speakerIp(2));
        return RouterLab.frrConfig(n, 65001, extra);
    }

    @Test
    void announceAndWithdraw_ipv4AndIpv6HostRoutesInAndOutOfTheKernelTable() throws Exception {
        try (RouterLab lab = RouterLab.create("f1", 1)) {
            lab.frr(config(1, ""));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = BirdInteropIT.speaker(lab, 1, 65001, events, null)) {
                s.announce(ip(VIP));
                s.announce(ip(VIP6));
                long t0 = System.nanoTime();
                s.start();

                long up = BirdInteropIT.establishedAfter(events, t0);
                assertThat(up).as("session up; FRR: %s", lab.frrLog()).isNotNegative();
                measured("session established after start()", up);
                measured("session established after the first dial", BirdInteropIT.dialToEstablished(events));
                long in4 = lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11 dev eth0"), Duration.ofSeconds(10), t0);
                long in6 = lab.waitRoute(VIP6, r -> r.contains("via 2001:db8::11 dev eth0"), Duration.ofSeconds(10), t0);
                assertThat(in4).as("%s: %s; FRR: %s", VIP, lab.route(VIP), lab.frrLog()).isNotNegative();
                assertThat(in6).as("%s: %s; FRR: %s", VIP6, lab.route(VIP6), lab.frrLog()).isNotNegative();
                measured("IPv4 /32 in the kernel table after start", in4);
                measured("IPv6 /128 in the kernel table after start", in6);
                assertThat(lab.route(VIP)).contains("proto bgp");
                assertThat(lab.vtysh("show bgp ipv4 unicast " + VIP + "/32")).contains("65001")
                        .contains("192.0.2.11 from 192.0.2.11 (192.0.2.11)").contains("Origin IGP");

                long t1 = System.nanoTime();
                s.withdraw(ip(VIP));
                long out4 = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t1);
                assertThat(out4).as("%s withdrawn: %s", VIP, lab.route(VIP)).isNotNegative();
                measured("IPv4 /32 out of the kernel table after withdraw()", out4);
                s.withdraw(ip(VIP6));
                assertThat(lab.waitRoute(VIP6, String::isEmpty, Duration.ofSeconds(10), t1)).isNotNegative();
                assertThat(lab.vtysh("show bgp neighbors " + RouterLab.speakerIp(1))).contains("BGP state = Established");
            }
        }
    }

    @Test
    void speakerProcessKilled_routerWithdrawsAtOnce() throws Exception {
        try (RouterLab lab = RouterLab.create("f2", 1)) {
            // hold time 30 s on both sides: the route can only go within the bound below because the
            // kernel's close of the killed process's connection reached bgpd, not by a hold-timer expiry
            lab.frr(config(1, " neighbor %n timers 10 30\n"));
            RouterLab.Child child = lab.child(1, "192.0.2.11", "65001", RouterLab.ROUTER_IP, "65000", "30",
                    RouterLab.speakerIp6(1), VIP, VIP6);
            assertThat(child.await("STATE ESTABLISHED", Duration.ofSeconds(30))).as(child.output()).isTrue();
            assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(10), System.nanoTime()))
                    .isNotNegative();
            assertThat(lab.waitRoute(VIP6, r -> r.contains("via 2001:db8::11"), Duration.ofSeconds(10),
                    System.nanoTime())).isNotNegative();
            assertThat(lab.vtysh("show bgp neighbors " + RouterLab.speakerIp(1))).as("negotiated hold time")
                    .contains("Hold time is 30");

            long t0 = System.nanoTime();
            child.process.destroyForcibly();

            long out4 = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t0);
            long out6 = lab.waitRoute(VIP6, String::isEmpty, Duration.ofSeconds(10), t0);
            // 5 s leaves room for a busy host and is still far below the 30 s hold time
            assertThat(out4).as("route after the kill: %s", lab.route(VIP)).isBetween(0L, 5000L);
            assertThat(out6).as("route after the kill: %s", lab.route(VIP6)).isBetween(0L, 5000L);
            measured("IPv4 route gone after the speaker's process was killed", out4);
            measured("IPv6 route gone after the speaker's process was killed", out6);
        }
    }

    @Test
    void speakerLinkDown_routeGoneWhenTheHoldTimerExpires() throws Exception {
        try (RouterLab lab = RouterLab.create("f3", 1)) {
            lab.frr(config(1, ""));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = BirdInteropIT.speaker(lab, 1, 65001, events, null)) {
                s.announce(ip(VIP));
                s.start();
                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).isNotNegative();

                long t0 = System.nanoTime();
                lab.speakerLinkDown(1);

                long out = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t0);
                // hold 3 s with keepalives every 1 s: at least 2 s; the upper bound leaves room for a busy
                // host and stays below twice the hold time
                assertThat(out).as("route: %s; FRR: %s", lab.route(VIP), lab.frrLog()).isBetween(2000L, 6000L);
                measured("route gone after the speaker's link went down (hold time 3 s)", out);
                assertThat(lab.vtysh("show bgp neighbors " + RouterLab.speakerIp(1))).contains("Hold Timer Expired");
            }
        }
    }

    @Test
    void shutdown_frrLowersThePreferenceOnGracefulShutdownThenTheRouteGoes() throws Exception {
        try (RouterLab lab = RouterLab.create("f4", 1)) {
            lab.frr(config(1, ""));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            BgpSpeaker s = BirdInteropIT.speaker(lab, 1, 65001, events, null);
            try {
                s.announce(ip(VIP));
                s.start();
                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).isNotNegative();

                long t0 = System.nanoTime();
                // 6 s of draining: time for vtysh polls on a busy host to see the GS community (within 5 s)
                var done = s.shutdown(Duration.ofSeconds(6));

                String[] shown = {""};
                assertThat(NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(20), () -> {
                    try {
                        shown[0] = lab.vtysh("show bgp ipv4 unicast " + VIP + "/32");
                        return shown[0].contains("graceful-shutdown");
                    } catch (Exception e) {
                        return false;
                    }
                })).as(shown[0]).isTrue();
                assertThat(shown[0]).contains("localpref 0");
                long out = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t0);
                assertThat(out).isBetween(5900L, 8000L);
                measured("route gone after shutdown(6 s)", out);
                done.get(30, TimeUnit.SECONDS);
                assertThat(NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
                    try {
                        return lab.vtysh("show bgp neighbors " + RouterLab.speakerIp(1))
                                .contains("Administrative Shutdown");
                    } catch (Exception e) {
                        return false;
                    }
                })).isTrue();
            } finally {
                s.close();
            }
        }
    }

    @Test
    void twoSpeakersWithTheSameRoute_ecmpRouteThroughBoth() throws Exception {
        try (RouterLab lab = RouterLab.create("f5", 2)) {
            lab.frr(config(2, ""));
            List<BgpEvent> e1 = new CopyOnWriteArrayList<>();
            List<BgpEvent> e2 = new CopyOnWriteArrayList<>();
            BgpSpeaker s2 = BirdInteropIT.speaker(lab, 2, 65001, e2, null);
            try (BgpSpeaker s1 = BirdInteropIT.speaker(lab, 1, 65001, e1, null)) {
                s1.announce(ip(VIP));
                s2.announce(ip(VIP));
                s1.start();
                s2.start();

                long ecmp = lab.waitRoute(VIP, r -> r.contains("nexthop via 192.0.2.11") && r.contains(
                        "nexthop via 192.0.2.12"), Duration.ofSeconds(20), System.nanoTime());
                assertThat(ecmp).as("route: %s", lab.route(VIP)).isNotNegative();
                s2.close();
                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11") && !r.contains("192.0.2.12"),
                        Duration.ofSeconds(10), System.nanoTime())).as("route: %s", lab.route(VIP)).isNotNegative();
            } finally {
                s2.close();
            }
        }
    }

    @Test
    void tcpMd5_frrWithTheSamePassword_routesArrive() throws Exception {
        assumeTrue(BgpSpeaker.isTcpMd5Available(), () -> "TCP MD5: " + BgpSpeaker.tcpMd5UnavailabilityCause());
        try (RouterLab lab = RouterLab.create("f6", 1)) {
            lab.frr(config(1, " neighbor %n password lvs4j-md5-key\n"));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = BirdInteropIT.speaker(lab, 1, 65001, events,
                    BgpNeighbor.builder(RouterLab.ROUTER_IP).password("lvs4j-md5-key"))) {
                s.announce(ip(VIP));
                s.start();

                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).as("FRR: %s", lab.frrLog()).isNotNegative();
            }
        }
    }
}
