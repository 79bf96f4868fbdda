package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Endpoint;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import io.lvs4j.lab.NetnsLab;
import io.lvs4j.table.InMemoryIpvs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Route health injection against a real router: BIRD 2 in a network namespace of this host
 * (lvs-bgp's README configuration: host routes only, into its kernel table), a director in
 * another, linked by a veth pair. The director's table is in memory (the host kernel has no
 * IPVS); its health check is a real TCP_CHECK, from the director's namespace, of a listener on
 * that namespace's loopback; the announced address goes on the namespace's {@code lo}.
 * <pre>
 *   router   eth0 192.0.2.1/24  (BIRD 2, AS 65000, hold time 3)
 *   director eth0 192.0.2.11/24 (AS 65001; 198.51.100.10 on lo while announced)
 * </pre>
 * Root and {@code bird2} (lab/install-deps) needed; run under the lab lock.
 */
class DirectorBirdIT {
    private static final String VIP = "198.51.100.10";
    private static final String VIP6 = "2001:db8:100::10";

    private NetnsLab lab;
    private String router;
    private String director;
    private String birdSocket;
    private Process backend;
    private final List<Director> directors = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetnsLab.isRoot() && Files.isExecutable(Path.of("/usr/sbin/bird")), "needs root and BIRD 2");
        lab = new NetnsLab("rhi" + ProcessHandle.current().pid() % 100000, "lvs4j-rhi", Duration.ofSeconds(3));
        Files.setPosixFilePermissions(lab.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        router = lab.namespace("r");
        director = lab.namespace("d");
        NetnsLab.noDad(router);
        NetnsLab.noDad(director);
        NetnsLab.veth(router, "eth0", director, "eth0");
        NetnsLab.addr(router, "eth0", "192.0.2.1/24");
        NetnsLab.addr(director, "eth0", "192.0.2.11/24");
        NetnsLab.addr(router, "eth0", "2001:db8::1/64");
        NetnsLab.addr(director, "eth0", "2001:db8::11/64");
        NetnsLab.up(router, "eth0");
        NetnsLab.up(director, "eth0");
        NetnsLab.up(director, "lo");
        NetnsLab.waitOperUp(router, "eth0", Duration.ofSeconds(5));
        NetnsLab.waitOperUp(director, "eth0", Duration.ofSeconds(5));
        bird();
    }

    @AfterEach
    void tearDown() {
        for (Director d : directors) {
            d.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private void bird() throws IOException, InterruptedException {
        Path dir = lab.dir().resolve("bird");
        Files.createDirectories(dir);
        Path conf = dir.resolve("bird.conf");
        Files.writeString(conf, "log \"" + dir.resolve("bird.log") + "\" all;\n"
                + "router id 192.0.2.1;\n"
                + "protocol device { scan time 1; }\n"
                + "protocol direct { ipv4; ipv6; interface \"eth0\"; }\n"
                + "protocol kernel k4 { ipv4 { export where source = RTS_BGP; }; merge paths on; }\n"
                + "protocol kernel k6 { ipv6 { export where source = RTS_BGP; }; merge paths on; }\n"
                + "filter from_directors {\n"
                + "  if net.len != 32 && net.len != 128 then reject;\n"
                + "  if (65535, 0) ~ bgp_community then bgp_local_pref = 0;\n"
                + "  accept;\n"
                + "}\n"
                + "protocol bgp director1 {\n"
                + "  local 192.0.2.1 as 65000;\n"
                + "  neighbor 192.0.2.11 as 65001;\n"
                + "  hold time 3;\n"
                + "  ipv4 { import filter from_directors; export none; };\n"
                + "  ipv6 { import filter from_directors; export none; };\n"
                + "}\n");
        birdSocket = dir.resolve("bird.ctl").toString();
        Path pid = dir.resolve("bird.pid");
        lab.killAtClose(pid);
        lab.track(new ProcessBuilder("ip", "netns", "exec", router, "/usr/sbin/bird", "-f", "-c", conf.toString(),
                "-s", birdSocket, "-P", pid.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("bird.out").toFile()).start());
        if (!NetnsLab.waitUntil(Duration.ofSeconds(10), Duration.ofMillis(20),
                () -> Files.exists(Path.of(birdSocket)))) {
            throw new IOException("BIRD did not start: " + NetnsLab.read(dir.resolve("bird.out")));
        }
    }

    /** A TCP listener on 127.0.0.1:port in the director's namespace, accepting and closing. */
    private void startBackend(int port) throws IOException, InterruptedException {
        startBackend(port, false);
    }

    /** The same on [::1] when {@code v6}. */
    private void startBackend(int port, boolean v6) throws IOException, InterruptedException {
        String py = "import socket\n"
                + "s = socket.socket(socket." + (v6 ? "AF_INET6" : "AF_INET") + ")\n"
                + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                + "s.bind(('" + (v6 ? "::1" : "127.0.0.1") + "', " + port + "))\n"
                + "s.listen(16)\n"
                + "while True:\n"
                + "    c, a = s.accept()\n"
                + "    c.close()\n";
        backend = lab.track(new ProcessBuilder("ip", "netns", "exec", director, "python3", "-c", py)
                .redirectErrorStream(true).redirectOutput(lab.dir().resolve("backend.log").toFile()).start());
        Path log = lab.dir().resolve("backend.log");
        assertThat(NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(20), () -> {
            try {
                return NetnsLab.sh("ip", "netns", "exec", director, "ss", "-Hltn").contains(":" + port + " ");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        })).as("backend listening: %s", NetnsLab.read(log)).isTrue();
    }

    private String route(String prefix) {
        try {
            return NetnsLab.sh("ip", prefix.contains(":") ? "-6" : "-4", "-n", router, "route", "show", prefix).trim();
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }

    private String vipOnLo() {
        try {
            return NetnsLab.sh("ip", "-n", director, "-o", "addr", "show", "dev", "lo");
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }

    /** Milliseconds until the router's route for the VIP satisfies {@code condition} (polled every 10 ms), or -1. */
    private long waitRoute(Predicate<String> condition, Duration max) throws InterruptedException {
        return waitRoute(VIP, condition, max);
    }

    private long waitRoute(String prefix, Predicate<String> condition, Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + max.toNanos();
        while (System.nanoTime() < end) {
            if (condition.test(route(prefix))) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(10);
        }
        return condition.test(route(prefix)) ? (System.nanoTime() - t0) / 1_000_000 : -1;
    }

    private String diagnostics() {
        try {
            return NetnsLab.sh("birdc", "-s", birdSocket, "show", "protocols", "all", "director1") + "\n"
                    + NetnsLab.read(lab.dir().resolve("bird/bird.log"));
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    @Test
    void backendFailsThenDirectorStops_routeFollowsHealthAndStop() throws Exception {
        int port = 18080;
        startBackend(port);
        RealServer rs = RealServer.of("127.0.0.1", port).masquerade().build();
        VirtualService web = VirtualService.tcp(VIP, 80).scheduler("mh").realServer(rs).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofMillis(500)).retry(0)
                .delayBeforeRetry(Duration.ofMillis(500)).build();
        BgpSpeaker bgp = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(65000).holdTime(Duration.ofSeconds(3)).build())
                .build();
        List<DirectorEvent> events = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        Director d = Director.builder().netns(director).ipvs(new InMemoryIpvs())
                .service(ServiceHealth.builder(web).check(rs, TcpChecker.of(Endpoint.of("127.0.0.1", port)), policy)
                        .build())
                .routeHealthInjection(RouteHealthInjection.builder(bgp).addressOnDevice(true)
                        // 5 s: the withdrawal (some 10 ms when quiet) must be seen while close()
                        // still drains, also on a loaded machine
                        .stopDrain(Duration.ofSeconds(5)).build())
                .listener(events::add).start();
        directors.add(d);

        long up = waitRoute(r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(20));
        assertThat(up).as("route installed by BIRD: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        System.out.printf("start() to the /32 in BIRD's kernel table: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(route(VIP)).startsWith(VIP + " via 192.0.2.11 dev eth0 proto bird");
        assertThat(vipOnLo()).contains(VIP + "/32");
        assertThat(d.bgpSessions()).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(io.lvs4j.bgp.SessionState.ESTABLISHED));

        // the backend dies: its check fails, quorum is lost, the route goes (the session stays)
        long killed = System.nanoTime();
        backend.destroyForcibly().waitFor();
        long gone = waitRoute(String::isEmpty, Duration.ofSeconds(30));
        assertThat(gone).as("route withdrawn after the check failed: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        System.out.printf("backend killed to the /32 gone from BIRD's kernel table: %d ms%n",
                (System.nanoTime() - killed) / 1_000_000);
        assertThat(vipOnLo()).doesNotContain(VIP);
        assertThat(d.state().service(web.key()).orElseThrow().quorumUp()).isFalse();
        assertThat(d.bgpSessions().get(0).state()).isEqualTo(io.lvs4j.bgp.SessionState.ESTABLISHED);

        // it comes back: announced again
        startBackend(port);
        assertThat(waitRoute(r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(30)))
                .as("route back: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        assertThat(vipOnLo()).contains(VIP + "/32");

        // a planned stop: withdrawn first, the rules stay for the drain, then everything goes
        long stop = System.nanoTime();
        Thread closer = new Thread(d::close, "closer");
        closer.start();
        long withdrawn = waitRoute(String::isEmpty, Duration.ofSeconds(5)); // no longer than the drain
        assertThat(withdrawn).as("route withdrawn on stop: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        assertThat(closer.isAlive()).as("still draining when the route was gone").isTrue();
        closer.join(30_000);
        System.out.printf("close() to the /32 gone: %d ms; close() took %d ms (stop drain 5 s)%n", withdrawn,
                (System.nanoTime() - stop) / 1_000_000);
        assertThat(vipOnLo()).doesNotContain(VIP);
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.Routes).hasSize(4);
    }

    @Test
    void ipv6Service_128InBirdsKernelTableFollowsHealthAndStop() throws Exception {
        int port = 18081;
        startBackend(port, true);
        RealServer rs = RealServer.of("::1", port).masquerade().build();
        VirtualService web = VirtualService.tcp(VIP6, 80).scheduler("mh").realServer(rs).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofMillis(500)).retry(0)
                .delayBeforeRetry(Duration.ofMillis(500)).build();
        BgpSpeaker bgp = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(65000).holdTime(Duration.ofSeconds(3))
                        .ipv6NextHop("2001:db8::11").build())
                .build();
        Director d = Director.builder().netns(director).ipvs(new InMemoryIpvs())
                .service(ServiceHealth.builder(web).check(rs, TcpChecker.of(Endpoint.of("::1", port)), policy).build())
                .routeHealthInjection(RouteHealthInjection.builder(bgp).addressOnDevice(true)
                        .stopDrain(Duration.ZERO).build())
                .start();
        directors.add(d);

        assertThat(waitRoute(VIP6, r -> r.contains("via 2001:db8::11"), Duration.ofSeconds(20)))
                .as("/128 installed by BIRD: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        assertThat(route(VIP6)).startsWith(VIP6 + " via 2001:db8::11 dev eth0 proto bird");
        assertThat(vipOnLo()).contains(VIP6 + "/128");

        long killed = System.nanoTime();
        backend.destroyForcibly().waitFor();
        assertThat(waitRoute(VIP6, String::isEmpty, Duration.ofSeconds(10)))
                .as("/128 withdrawn after the check failed: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        System.out.printf("IPv6: backend killed to the /128 gone from BIRD's kernel table: %d ms%n",
                (System.nanoTime() - killed) / 1_000_000);
        assertThat(vipOnLo()).doesNotContain(VIP6);

        startBackend(port, true);
        assertThat(waitRoute(VIP6, r -> r.contains("via 2001:db8::11"), Duration.ofSeconds(10)))
                .as("/128 back: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        d.close();
        assertThat(waitRoute(VIP6, String::isEmpty, Duration.ofSeconds(5))).as("/128 withdrawn on stop")
                .isGreaterThanOrEqualTo(0);
        assertThat(vipOnLo()).doesNotContain(VIP6);
    }

    /**
     * A reload that adds a neighbour keeps BIRD's session up (no flap, the route stays); one that
     * removes BIRD's neighbour block ends it with a Cease "Peer De-configured" BIRD reports, and
     * the route goes.
     */
    @Test
    void reload_neighborAddedThenBirdsRemoved_sessionStaysThenPeerDeconfigured() throws Exception {
        int port = 18082;
        startBackend(port);
        String services = "virtual_server " + VIP + " 80 {\n delay_loop 1\n lb_algo mh\n lb_kind NAT\n protocol TCP\n"
                + " real_server 127.0.0.1 " + port + " {\n  TCP_CHECK {\n   connect_timeout 1\n  }\n }\n}\n";
        String bird = " neighbor 192.0.2.1 {\n  remote_as 65000\n  hold_time 3\n }\n";
        String other = " neighbor 192.0.2.2 {\n  remote_as 65002\n }\n";
        java.util.function.Function<String, io.lvs4j.director.config.KeepalivedConfig> conf = neighbors -> {
            try {
                return io.lvs4j.director.config.KeepalivedConfig.parse("keepalived.conf", services
                        + "bgp_speaker {\n router_id 192.0.2.11\n local_as 65001\n stop_drain 0\n" + neighbors + "}\n",
                        io.lvs4j.director.config.ReadOptions.defaults()).config();
            } catch (io.lvs4j.director.config.ConfigException e) {
                throw new IllegalStateException(e);
            }
        };
        List<DirectorEvent> events = Collections.synchronizedList(new ArrayList<>());
        Director d = Director.builder().config(conf.apply(bird).toDirectorConfig())
                .netns(director).ipvs(new InMemoryIpvs()).listener(events::add)
                .start();
        directors.add(d);
        assertThat(waitRoute(r -> r.contains("via 192.0.2.11"), Duration.ofSeconds(20)))
                .as("route installed by BIRD: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        long ups = birdLog().lines().filter(l -> l.contains("director1: State changed to up")).count();

        d.apply(conf.apply(bird + other).toDirectorConfig());

        Thread.sleep(4000); // longer than the hold time: a flap would show
        assertThat(birdLog().lines().filter(l -> l.contains("director1: State changed to up")).count())
                .as("BIRD's session came up again: %s", diagnostics()).isEqualTo(ups);
        assertThat(route(VIP)).startsWith(VIP + " via 192.0.2.11 dev eth0 proto bird");
        assertThat(d.bgpSessions()).hasSize(2).first().satisfies(s -> {
            assertThat(s.state()).isEqualTo(io.lvs4j.bgp.SessionState.ESTABLISHED);
            assertThat(s.establishedTransitions()).isEqualTo(1);
        });

        long t0 = System.nanoTime();
        d.apply(conf.apply(other).toDirectorConfig());

        long gone = waitRoute(String::isEmpty, Duration.ofSeconds(5));
        assertThat(gone).as("route gone after the neighbour was removed: %s", diagnostics()).isGreaterThanOrEqualTo(0);
        System.out.printf("reload removing BIRD's neighbour to the /32 gone: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(NetnsLab.waitUntil(Duration.ofSeconds(5), Duration.ofMillis(50),
                () -> birdLog().toLowerCase(java.util.Locale.ROOT).contains("peer de-configured")))
                .as("BIRD got the Cease: %s", diagnostics()).isTrue();
        assertThat(events).noneMatch(e -> e instanceof DirectorEvent.Failure);
    }

    private String birdLog() {
        return NetnsLab.read(lab.dir().resolve("bird/bird.log"));
    }
}
