package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.internal.Addresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The speaker against BIRD 2 (Debian's bird2) in network namespaces of this host ({@link RouterLab}):
 * the session comes up, announced host routes reach the router's kernel table, withdrawals and a
 * dead speaker take them out, GRACEFUL_SHUTDOWN reaches BIRD, and two speakers make an ECMP route.
 * Times are printed as {@code MEASURED ...} lines.
 */
class BirdInteropIT {
    static final String VIP = "198.51.100.10";
    static final String VIP6 = "2001:db8:100::10";

    @BeforeAll
    static void needsBird() {
        assumeTrue(RouterLab.available(false), "needs root and bird2 (lab/install-deps)");
    }

    static InetAddress ip(String s) {
        return Addresses.parse(s, "test");
    }

    static void measured(String what, long millis) {
        System.out.println("MEASURED BIRD " + what + ": " + millis + " ms");
    }

    /** A speaker in speaker namespace {@code i}, AS {@code as}, towards the router with hold time 3 s. */
    static BgpSpeaker speaker(RouterLab lab, int i, long as, List<BgpEvent> events, BgpNeighbor.Builder tweak) {
        BgpNeighbor.Builder n = tweak != null ? tweak : BgpNeighbor.builder(RouterLab.ROUTER_IP);
        n.remoteAs(65000).holdTime(Duration.ofSeconds(3)).ipv6NextHop(RouterLab.speakerIp6(i));
        return BgpSpeaker.builder().routerId(RouterLab.speakerIp(i)).localAs(as).neighbor(n.build())
                .networkNamespace(lab.speakers.get(i - 1)).connectRetry(Duration.ofMillis(200), Duration.ofSeconds(2))
                .listener(events::add).build();
    }

    /** From the first dial (IDLE to CONNECT) to ESTABLISHED, in ms, or -1: the protocol's share of coming up. */
    static long dialToEstablished(List<BgpEvent> events) {
        long dial = -1;
        for (BgpEvent e : events) {
            if (e instanceof BgpEvent.StateChanged sc && sc.to() == SessionState.CONNECT && dial < 0) {
                dial = sc.nanos();
            }
            if (e instanceof BgpEvent.StateChanged sc && sc.to() == SessionState.ESTABLISHED && dial >= 0) {
                return (sc.nanos() - dial) / 1_000_000;
            }
        }
        return -1;
    }

    static long establishedAfter(List<BgpEvent> events, long t0) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            for (BgpEvent e : events) {
                if (e instanceof BgpEvent.StateChanged sc && sc.to() == SessionState.ESTABLISHED) {
                    return (sc.nanos() - t0) / 1_000_000;
                }
            }
            Thread.sleep(10);
        }
        return -1;
    }

    @Test
    void announceAndWithdraw_ipv4AndIpv6HostRoutesInAndOutOfTheKernelTable() throws Exception {
        try (RouterLab lab = RouterLab.create("b1", 1)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001, "")));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = speaker(lab, 1, 65001, events, null)) {
                s.announce(ip(VIP));
                s.announce(ip(VIP6));
                long t0 = System.nanoTime();
                s.start();

                long up = establishedAfter(events, t0);
                assertThat(up).as("session up; BIRD: %s", lab.birdLog()).isNotNegative();
                measured("session established after start()", up);
                measured("session established after the first dial", dialToEstablished(events));
                long in4 = lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11 dev eth0"), Duration.ofSeconds(10), t0);
                long in6 = lab.waitRoute(VIP6, r -> r.contains("via 2001:db8::11 dev eth0"), Duration.ofSeconds(10), t0);
                assertThat(in4).as("%s in the router's table: %s", VIP, lab.route(VIP)).isNotNegative();
                assertThat(in6).as("%s in the router's table: %s", VIP6, lab.route(VIP6)).isNotNegative();
                measured("IPv4 /32 in the kernel table after start", in4);
                measured("IPv6 /128 in the kernel table after start", in6);
                assertThat(lab.route(VIP)).contains("proto bird");
                assertThat(lab.birdc("show", "route", "all", VIP + "/32")).contains("BGP.as_path: 65001")
                        .contains("BGP.origin: IGP").contains("BGP.next_hop: 192.0.2.11");

                long t1 = System.nanoTime();
                s.withdraw(ip(VIP));
                long out4 = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t1);
                assertThat(out4).as("%s withdrawn: %s", VIP, lab.route(VIP)).isNotNegative();
                measured("IPv4 /32 out of the kernel table after withdraw()", out4);
                s.withdraw(ip(VIP6));
                assertThat(lab.waitRoute(VIP6, String::isEmpty, Duration.ofSeconds(10), t1)).isNotNegative();
                assertThat(s.sessions().get(0).state()).isEqualTo(SessionState.ESTABLISHED);
                assertThat(lab.birdc("show", "protocols", "s1")).contains("Established");
            }
        }
    }

    @Test
    void speakerProcessKilled_routerWithdrawsAtOnce() throws Exception {
        try (RouterLab lab = RouterLab.create("b2", 1)) {
            // hold time 30 s on both sides: the route can only go within the bound below because the
            // kernel's close of the killed process's connection reached BIRD, not by a hold-timer expiry
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001, 30, "")));
            RouterLab.Child child = lab.child(1, "192.0.2.11", "65001", RouterLab.ROUTER_IP, "65000", "30",
                    RouterLab.speakerIp6(1), VIP, VIP6);
            assertThat(child.await("STATE ESTABLISHED", Duration.ofSeconds(30))).as(child.output()).isTrue();
            assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(10), System.nanoTime()))
                    .isNotNegative();
            assertThat(lab.waitRoute(VIP6, r -> r.contains("via 2001:db8::11"), Duration.ofSeconds(10),
                    System.nanoTime())).isNotNegative();
            String proto = lab.birdc("show", "protocols", "all", "s1");
            assertThat(proto).as("negotiated hold time").containsPattern("Hold timer:\\s+[0-9.]+/30\\b");

            long t0 = System.nanoTime();
            child.process.destroyForcibly(); // SIGKILL: the kernel closes its connection

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
        try (RouterLab lab = RouterLab.create("b3", 1)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001, "")));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = speaker(lab, 1, 65001, events, null)) {
                s.announce(ip(VIP));
                s.start();
                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).isNotNegative();

                long t0 = System.nanoTime();
                lab.speakerLinkDown(1);

                long out = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t0);
                // hold 3 s with keepalives every 1 s: at least 2 s; the upper bound leaves room for a busy
                // host and stays below twice the hold time
                assertThat(out).as("route: %s; BIRD: %s", lab.route(VIP), lab.birdLog()).isBetween(2000L, 6000L);
                measured("route gone after the speaker's link went down (hold time 3 s)", out);
                assertThat(lab.birdc("show", "protocols", "all", "s1")).contains("Hold timer expired");
            }
        }
    }

    @Test
    void shutdown_birdSeesGracefulShutdownThenTheWithdrawalAndTheCease() throws Exception {
        try (RouterLab lab = RouterLab.create("b4", 1)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001, "")));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            BgpSpeaker s = speaker(lab, 1, 65001, events, BgpNeighbor.builder(RouterLab.ROUTER_IP).community("65001:10"));
            try {
                s.announce(ip(VIP));
                s.start();
                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).isNotNegative();
                assertThat(lab.birdc("show", "route", "all", VIP + "/32")).contains("(65001,10)")
                        .doesNotContain("(65535,0)");

                long t0 = System.nanoTime();
                // 6 s of draining: time for birdc polls on a busy host to see the GS community (within 5 s)
                // and the route still there after it
                var done = s.shutdown(Duration.ofSeconds(6));

                List<String> shown = new ArrayList<>();
                boolean gshut = io.lvs4j.lab.NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(20), () -> {
                    try {
                        String r = lab.birdc("show", "route", "all", VIP + "/32");
                        shown.add(r);
                        return r.contains("(65535,0)");
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(gshut).as("BIRD's route: %s", shown.isEmpty() ? "" : shown.get(shown.size() - 1)).isTrue();
                assertThat(lab.birdc("show", "route", "all", VIP + "/32")).contains("BGP.local_pref: 0");
                assertThat(lab.route(VIP)).contains("via 192.0.2.11"); // still there while draining
                long out = lab.waitRoute(VIP, String::isEmpty, Duration.ofSeconds(10), t0);
                assertThat(out).isBetween(5900L, 8000L);
                measured("route gone after shutdown(6 s)", out);
                done.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(io.lvs4j.lab.NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(50),
                        () -> lab.birdLog().contains("lvs4j: shutdown"))).as(lab.birdLog()).isTrue();
            } finally {
                s.close();
            }
        }
    }

    @Test
    void twoSpeakersWithTheSameRoute_ecmpRouteThroughBoth() throws Exception {
        try (RouterLab lab = RouterLab.create("b5", 2)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001, "")
                    + RouterLab.birdNeighbor("s2", "192.0.2.12", 65001, "")));
            List<BgpEvent> e1 = new CopyOnWriteArrayList<>();
            List<BgpEvent> e2 = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s1 = speaker(lab, 1, 65001, e1, null); BgpSpeaker s2 = speaker(lab, 2, 65001, e2, null)) {
                s1.announce(ip(VIP));
                s2.announce(ip(VIP));
                s1.announce(ip(VIP6));
                s2.announce(ip(VIP6));
                s1.start();
                s2.start();

                long ecmp = lab.waitRoute(VIP, r -> r.contains("nexthop via 192.0.2.11") && r.contains(
                        "nexthop via 192.0.2.12"), Duration.ofSeconds(20), System.nanoTime());
                assertThat(ecmp).as("route: %s", lab.route(VIP)).isNotNegative();
                assertThat(lab.waitRoute(VIP6, r -> r.contains("via 2001:db8::11") && r.contains("via 2001:db8::12"),
                        Duration.ofSeconds(10), System.nanoTime())).as("route: %s", lab.route(VIP6)).isNotNegative();

                s1.withdraw(ip(VIP));
                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.12") && !r.contains("192.0.2.11"),
                        Duration.ofSeconds(10), System.nanoTime())).as("route: %s", lab.route(VIP)).isNotNegative();
            }
        }
    }

    @Test
    void passiveSpeaker_birdDialsIn() throws Exception {
        try (RouterLab lab = RouterLab.create("b6", 1)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001,
                    "  connect delay time 1;\n  connect retry time 1;\n")));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = speaker(lab, 1, 65001, events, BgpNeighbor.builder(RouterLab.ROUTER_IP).passive(true))) {
                s.announce(ip(VIP));
                s.start();

                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(20),
                        System.nanoTime())).as("route: %s; BIRD: %s", lab.route(VIP), lab.birdLog()).isNotNegative();
                assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new BgpEvent.StateChanged(
                        ip(RouterLab.ROUTER_IP), ((BgpEvent.StateChanged) e).nanos(), SessionState.ACTIVE,
                        SessionState.OPEN_SENT, TransitionReason.TCP_ACCEPTED)));
            }
        }
    }

    @Test
    void fourOctetLocalAs_birdSeesTheRealAsInThePath() throws Exception {
        try (RouterLab lab = RouterLab.create("b7", 1)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 4_200_000_011L, "")));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = speaker(lab, 1, 4_200_000_011L, events, null)) {
                s.announce(ip(VIP));
                s.start();

                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).isNotNegative();
                assertThat(lab.birdc("show", "route", "all", VIP + "/32")).contains("BGP.as_path: 4200000011");
            }
        }
    }

    @Test
    void ipv6Session_localAddressIsTheNextHopAndMd5OverIpv6() throws Exception {
        boolean md5 = BgpSpeaker.isTcpMd5Available();
        try (RouterLab lab = RouterLab.create("b9", 1)) {
            lab.bird(RouterLab.birdConfig("protocol bgp s1 {\n"
                    + "  local " + RouterLab.ROUTER_IP6 + " as 65000;\n"
                    + "  neighbor " + RouterLab.speakerIp6(1) + " as 65001;\n"
                    + "  hold time 3;\n"
                    + (md5 ? "  password \"lvs4j-md5-v6\";\n" : "")
                    + "  ipv6 { import filter from_directors; export none; };\n"
                    + "}\n"));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            BgpNeighbor.Builder n = BgpNeighbor.builder(RouterLab.ROUTER_IP6).remoteAs(65000)
                    .localAddress(RouterLab.speakerIp6(1)).holdTime(Duration.ofSeconds(3));
            if (md5) {
                n.password("lvs4j-md5-v6");
            }
            try (BgpSpeaker s = BgpSpeaker.builder().routerId(RouterLab.speakerIp(1)).localAs(65001)
                    .neighbor(n.build()).networkNamespace(lab.speakers.get(0)).listener(events::add).build()) {
                s.announce(ip(VIP6));
                s.announce(ip(VIP)); // no IPv4 next hop on an IPv6 session: not sent
                s.start();

                assertThat(lab.waitRoute(VIP6, r -> r.contains("via 2001:db8::11 dev eth0"), Duration.ofSeconds(15),
                        System.nanoTime())).as("route: %s; BIRD: %s", lab.route(VIP6), lab.birdLog()).isNotNegative();
                assertThat(s.sessions().get(0).families()).containsExactly(io.lvs4j.AddressFamily.INET6);
                assertThat(lab.route(VIP)).isEmpty();
            }
        }
    }

    @Test
    void tcpMd5_birdWithTheSamePassword_routesArrive() throws Exception {
        assumeTrue(BgpSpeaker.isTcpMd5Available(), () -> "TCP MD5: " + BgpSpeaker.tcpMd5UnavailabilityCause());
        try (RouterLab lab = RouterLab.create("b8", 1)) {
            lab.bird(RouterLab.birdConfig(RouterLab.birdNeighbor("s1", "192.0.2.11", 65001,
                    "  password \"lvs4j-md5-key\";\n")));
            List<BgpEvent> events = new CopyOnWriteArrayList<>();
            try (BgpSpeaker s = speaker(lab, 1, 65001, events,
                    BgpNeighbor.builder(RouterLab.ROUTER_IP).password("lvs4j-md5-key"))) {
                s.announce(ip(VIP));
                s.start();

                assertThat(lab.waitRoute(VIP, r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(15),
                        System.nanoTime())).as("BIRD: %s", lab.birdLog()).isNotNegative();
            }
        }
    }
}
