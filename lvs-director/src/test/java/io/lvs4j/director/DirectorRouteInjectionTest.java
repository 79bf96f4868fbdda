package io.lvs4j.director;

import static io.lvs4j.director.BgpTestPeer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.bgp.SessionState;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route health injection with the in-memory table, the director on a virtual clock (health from
 * checkers the test sets) and a real BGP session over loopback to {@link BgpTestPeer}, whose RIB
 * is what a router would install. With BIRD 2 in namespaces: {@code DirectorBirdIT}.
 */
class DirectorRouteInjectionTest {
    static final CheckPolicy FAST = CheckPolicy.builder().interval(Duration.ofSeconds(1)).retry(1)
            .delayBeforeRetry(Duration.ofSeconds(1)).build();
    static final ServiceKey WEB = ServiceKey.of(io.lvs4j.Protocol.TCP, "198.51.100.10", 80);

    private final VirtualClock clock = new VirtualClock();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** keepalived.conf text: virtual server 198.51.100.10:80 with one real server, 10.0.0.2. */
    private static final String WEB_CONF = """
            virtual_server 198.51.100.10 80 {
                lb_algo mh
                lb_kind DR
                protocol TCP
                real_server 10.0.0.2 80 {
                }
            }
            """;

    /**
     * keepalived.conf text: router 192.0.2.11 in AS 65001, no listener, no drain, one neighbor
     * 127.0.0.1:{@code port} in AS 65000.
     */
    private static String bgpSpeakerConf(int port) {
        return """
                bgp_speaker {
                    router_id 192.0.2.11
                    local_as 65001
                    listen_port 0
                    stop_drain 0
                    neighbor 127.0.0.1 {
                        remote_as 65000
                        port PORT
                    }
                }
                """.replace("PORT", String.valueOf(port));
    }

    private BgpTestPeer peer() throws Exception {
        BgpTestPeer p = new BgpTestPeer(65000);
        open.add(0, p);
        return p;
    }

    static BgpSpeaker speaker(int port) {
        return BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).listen(false)
                .connectRetry(Duration.ofMillis(50), Duration.ofMillis(200))
                .neighbor(BgpNeighbor.builder("127.0.0.1").remoteAs(65000).port(port).build()).build();
    }

    private static VirtualService service(String address, int port, String... realServers) {
        VirtualService.Builder b = VirtualService.tcp(address, port).scheduler("mh");
        for (String r : realServers) {
            b.realServer(RealServer.of(r, port).route());
        }
        return b.build();
    }

    private Director start(Director.Builder b, List<DirectorEvent> events) throws Exception {
        if (events != null) {
            b.listener(events::add);
        }
        Director d = b.ipvs(new InMemoryIpvs()).virtualClock(clock).start();
        open.add(0, d);
        return d;
    }

    static final CheckPolicy EVERY_1S = CheckPolicy.builder().interval(Duration.ofSeconds(1)).retry(0).build();
    static final CheckPolicy EVERY_4S = CheckPolicy.builder().interval(Duration.ofSeconds(4)).retry(0).build();

    /**
     * A started director on {@code table}: 198.51.100.10:80 (mh) with rs1 10.0.0.2 checked by
     * {@code c1} and rs2 10.0.0.3 by {@code c2}, its route to {@code peer} (no drain, then
     * {@code rhi}); at each announcement the table's real servers, as the table lists them, go into
     * {@code whenAnnounced}.
     */
    private Director twoRealServers(BgpTestPeer peer, InMemoryIpvs table, SettableChecker c1, CheckPolicy p1,
            SettableChecker c2, CheckPolicy p2, java.util.function.UnaryOperator<RouteHealthInjection.Builder> rhi,
            List<List<String>> whenAnnounced) throws Exception {
        VirtualService web = service("198.51.100.10", 80, "10.0.0.2", "10.0.0.3");
        ServiceHealth health = ServiceHealth.builder(web).check(web.realServers().get(0), c1, p1)
                .check(web.realServers().get(1), c2, p2).build();
        Director d = Director.builder().service(health).ipvs(table).virtualClock(clock)
                .listener(e -> {
                    if (e instanceof DirectorEvent.Routes r && !r.announced().isEmpty()) {
                        whenAnnounced.add(table.serviceStates().get(0).realServers().stream()
                                .map(x -> x.server().address().getHostAddress()).toList());
                    }
                })
                .routeHealthInjection(rhi.apply(RouteHealthInjection.builder(speaker(peer.port()))
                        .stopDrain(Duration.ZERO)).build()).start();
        open.add(0, d);
        return d;
    }

    @Test
    void quorumLostAndBack_routeWithdrawnThenAnnouncedAgain() throws Exception {
        BgpTestPeer peer = peer();
        SettableChecker c1 = new SettableChecker("rs1");
        SettableChecker c2 = new SettableChecker("rs2");
        VirtualService web = service("198.51.100.10", 80, "10.0.0.2", "10.0.0.3");
        ServiceHealth health = ServiceHealth.builder(web).check(web.realServers().get(0), c1, FAST)
                .check(web.realServers().get(1), c2, FAST).build();
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().service(health).routeHealthInjection(
                RouteHealthInjection.builder(speaker(peer.port())).stopDrain(Duration.ZERO).build()), events);

        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();
        assertThat(d.announcedAddresses()).containsExactly(InetAddress.getByName("198.51.100.10"));
        // the session records what it announced after sending it: the peer may have the route first
        assertThat(waitUntil(() -> d.bgpSessions().size() == 1 && !d.bgpSessions().get(0).announced().isEmpty()))
                .isTrue();
        assertThat(d.bgpSessions()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(s.announced()).containsExactly(InetAddress.getByName("198.51.100.10"));
        });

        c1.up(false); // one of two down: quorum (1) still met
        clock.advance(Duration.ofSeconds(3));
        Thread.sleep(200);
        assertThat(peer.routes()).containsExactly("198.51.100.10/32");

        c2.up(false); // none left: quorum lost
        clock.advance(Duration.ofSeconds(3));
        assertThat(waitUntil(() -> peer.routes().isEmpty())).isTrue();
        assertThat(d.announcedAddresses()).isEmpty();
        assertThat(peer.established()).isTrue(); // the session stays, only the route goes

        c2.up(true); // quorum back with rs2 alone (rs1 still down): a partial table waits 10 s
        clock.advance(Duration.ofSeconds(3));
        Thread.sleep(300);
        assertThat(peer.routes()).isEmpty();
        assertThat(d.announcedAddresses()).isEmpty();
        clock.advance(Duration.ofSeconds(10)); // held unchanged for 10 s: out
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.Routes).extracting(Object::toString)
                .map(s -> s.replaceFirst("#\\d+ ", ""))
                .containsExactly("BGP announced [198.51.100.10] withdrew []", "BGP announced [] withdrew [198.51.100.10]",
                        "BGP announced [198.51.100.10] withdrew []");

        d.close();
        assertThat(waitUntil(() -> peer.routes().isEmpty() && !peer.established())).isTrue();
        assertThat(peer.notifications()).containsExactly("6/2"); // Cease, Administrative Shutdown
    }

    /**
     * The comeback defect (ScaleOutIT): quorum returns with the first real server whose check
     * passes; announced then, the table holds that one alone and the kernel's mh sends every flow
     * the routers move here to it. Announced only once the other's check reported too.
     */
    @Test
    void quorumBackOneByOne_announcedOnlyOnceEveryRealServerReported() throws Exception {
        BgpTestPeer peer = peer();
        SettableChecker c1 = new SettableChecker("rs1");
        SettableChecker c2 = new SettableChecker("rs2");
        InMemoryIpvs table = new InMemoryIpvs();
        List<List<String>> whenAnnounced = new java.util.concurrent.CopyOnWriteArrayList<>();
        Director d = twoRealServers(peer, table, c1, EVERY_1S, c2, EVERY_4S, r -> r, whenAnnounced);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        c1.up(false); // both down (rs1 at 1 s, rs2 at 4 s): quorum lost, withdrawn
        c2.up(false);
        clock.advance(Duration.ofSeconds(4));
        assertThat(waitUntil(() -> peer.routes().isEmpty())).isTrue();

        c1.up(true); // both reachable again; rs1 is checked at 5 s, rs2 not before 8 s
        c2.up(true);
        clock.advance(Duration.ofSeconds(1));
        Thread.sleep(300);
        assertThat(table.serviceStates().get(0).realServers()).hasSize(1); // quorum met with rs1 alone
        assertThat(d.announcedAddresses()).as("announced with one of two real servers in the table").isEmpty();
        assertThat(peer.routes()).isEmpty();

        clock.advance(Duration.ofSeconds(3)); // rs2's check at 8 s: the table is whole, the route goes out
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();
        assertThat(whenAnnounced).extracting(List::size).containsExactly(2, 2);
    }

    /**
     * The comeback's split view (ScaleOutIT, before its routes went in one batch): quorum returns
     * and the service settles while a real server the other directors have is down from here
     * alone (its route not back yet). Announced then, this director's mh table holds one server
     * and sends the flows the routers move here to it. The partial table waits; when the other
     * comes back within the delay, the whole table goes out at once.
     */
    @Test
    void quorumBackWithOneStillDownHereOnly_partialTableWaitsAndTheWholeOneGoesOut() throws Exception {
        BgpTestPeer peer = peer();
        SettableChecker c1 = new SettableChecker("rs1");
        SettableChecker c2 = new SettableChecker("rs2");
        InMemoryIpvs table = new InMemoryIpvs();
        List<List<String>> whenAnnounced = new java.util.concurrent.CopyOnWriteArrayList<>();
        Director d = twoRealServers(peer, table, c1, EVERY_1S, c2, EVERY_1S,
                r -> r.partialTableDelay(Duration.ofSeconds(5)), whenAnnounced);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        c1.up(false); // both down: quorum lost, withdrawn
        c2.up(false);
        clock.advance(Duration.ofSeconds(2));
        assertThat(waitUntil(() -> peer.routes().isEmpty())).isTrue();

        c1.up(true); // rs1 back; rs2 still down from here: quorum met, settled, one of two in the table
        clock.advance(Duration.ofSeconds(3));
        Thread.sleep(300);
        assertThat(table.serviceStates().get(0).realServers()).hasSize(1);
        assertThat(d.announcedAddresses()).as("announced with one of two real servers in the table").isEmpty();
        assertThat(peer.routes()).isEmpty();

        c2.up(true); // back within the delay: the whole table goes out at its next check
        clock.advance(Duration.ofSeconds(1));
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();
        assertThat(whenAnnounced).extracting(List::size).containsExactly(2, 2);
    }

    /**
     * The comeback with the real servers back in the other order (ScaleOutIT): the kernel puts a
     * new real server at the head of its list and mh builds its table in list order, so rs2 then
     * rs1 would give another table than the other directors' (rs1, rs2 added at start) and a moved
     * flow the wrong server. When announced, the table holds them as added in the configured order.
     */
    @Test
    void quorumBackInTheOtherOrder_announcedWithTheRealServersInConfiguredOrder() throws Exception {
        BgpTestPeer peer = peer();
        SettableChecker c1 = new SettableChecker("rs1");
        SettableChecker c2 = new SettableChecker("rs2");
        InMemoryIpvs table = new InMemoryIpvs();
        List<List<String>> orderWhenAnnounced = new java.util.concurrent.CopyOnWriteArrayList<>();
        Director d = twoRealServers(peer, table, c1, EVERY_4S, c2, EVERY_1S, r -> r, orderWhenAnnounced);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        c1.up(false); // both down: quorum lost, withdrawn, both out of the table
        c2.up(false);
        clock.advance(Duration.ofSeconds(4));
        assertThat(waitUntil(() -> peer.routes().isEmpty())).isTrue();
        assertThat(waitUntil(() -> table.serviceStates().get(0).realServers().isEmpty())).isTrue();

        c1.up(true); // both reachable again; rs2 is checked at 5 s, rs1 not before 8 s
        c2.up(true);
        clock.advance(Duration.ofSeconds(1));
        Thread.sleep(300);
        assertThat(peer.routes()).isEmpty();

        clock.advance(Duration.ofSeconds(3)); // rs1's check at 8 s: added in front of rs2
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();
        // listed as the kernel lists them, the last added first: rs2 after rs1, at start and now
        assertThat(orderWhenAnnounced).containsExactly(List.of("10.0.0.3", "10.0.0.2"),
                List.of("10.0.0.3", "10.0.0.2"));
    }

    @Test
    void close_withdrawsFirstDrainsThenRemovesRules() throws Exception {
        BgpTestPeer peer = peer();
        InMemoryIpvs table = new InMemoryIpvs();
        Director d = Director.builder().service(service("198.51.100.10", 80, "10.0.0.2")).ipvs(table)
                .virtualClock(clock).routeHealthInjection(RouteHealthInjection.builder(speaker(peer.port()))
                        .stopDrain(Duration.ofMillis(800)).build()).start();
        open.add(0, d);
        assertThat(waitUntil(() -> !peer.routes().isEmpty())).isTrue();

        // while close() drains, the route is gone and the rules are still there
        Thread closer = new Thread(d::close);
        long t0 = System.nanoTime();
        closer.start();
        assertThat(waitUntil(() -> peer.routes().isEmpty())).isTrue();
        long withdrawnMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(table.serviceStates()).hasSize(1);
        closer.join(5000);
        long closedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(table.serviceStates()).isEmpty();
        assertThat(withdrawnMs).isLessThan(700);
        assertThat(closedMs).isGreaterThanOrEqualTo(800);
    }

    @Test
    void noAnnounceAndFwmarkAddresses_onlyWhatIsAsked() throws Exception {
        BgpTestPeer peer = peer();
        VirtualService mark = VirtualService.builder(ServiceKey.fwmark(7)).scheduler("mh")
                .realServer(RealServer.of("10.0.0.2", 0).route()).build();
        VirtualService plainFwmark = VirtualService.builder(ServiceKey.fwmark(8)).scheduler("mh")
                .realServer(RealServer.of("10.0.0.2", 0).route()).build();
        VirtualService hidden = service("198.51.100.20", 80, "10.0.0.2");
        VirtualService shown = service("198.51.100.30", 443, "10.0.0.2");
        Director d = start(Director.builder().service(mark).service(plainFwmark).service(hidden).service(shown)
                .routeHealthInjection(RouteHealthInjection.builder(speaker(peer.port())).stopDrain(Duration.ZERO)
                        .noAnnounce(hidden.key())
                        .announce(mark.key(), InetAddress.getByName("198.51.100.40"),
                                InetAddress.getByName("198.51.100.41"))
                        .build()), null);

        assertThat(waitUntil(() -> peer.routes().size() == 3)).isTrue();
        Thread.sleep(200);
        assertThat(peer.routes()).containsExactlyInAnyOrder("198.51.100.30/32", "198.51.100.40/32",
                "198.51.100.41/32");
        assertThat(d.announcedAddresses()).hasSize(3);
    }

    @Test
    void twoServicesOneAddress_announcedWhileEitherHasQuorum() throws Exception {
        BgpTestPeer peer = peer();
        SettableChecker c80 = new SettableChecker("80");
        SettableChecker c443 = new SettableChecker("443");
        VirtualService http = service("198.51.100.10", 80, "10.0.0.2");
        VirtualService https = service("198.51.100.10", 443, "10.0.0.2");
        Director d = start(Director.builder()
                .service(ServiceHealth.builder(http).check(http.realServers().get(0), c80, FAST).build())
                .service(ServiceHealth.builder(https).check(https.realServers().get(0), c443, FAST).build())
                .routeHealthInjection(RouteHealthInjection.builder(speaker(peer.port())).stopDrain(Duration.ZERO)
                        .build()), null);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        c80.up(false);
        clock.advance(Duration.ofSeconds(3));
        Thread.sleep(200);
        assertThat(peer.routes()).containsExactly("198.51.100.10/32");
        c443.up(false);
        clock.advance(Duration.ofSeconds(3));
        assertThat(waitUntil(() -> peer.routes().isEmpty())).isTrue();
        assertThat(d.announcedAddresses()).isEmpty();
    }

    @Test
    void fluentAndFile_sameSettingsSameRoutesSameServices() throws Exception {
        BgpTestPeer filePeer = peer();
        BgpTestPeer fluentPeer = peer();
        String conf = WEB_CONF + """
                virtual_server 198.51.100.20 80 {
                    lb_algo mh
                    lb_kind DR
                    protocol TCP
                    no_announce
                    real_server 10.0.0.2 80 {
                    }
                }
                virtual_server fwmark 7 {
                    lb_algo mh
                    lb_kind DR
                    announce 198.51.100.40
                    real_server 10.0.0.2 0 {
                    }
                }
                virtual_server_group G {
                    198.51.100.50-51 80
                }
                virtual_server group G {
                    lb_algo mh
                    lb_kind DR
                    protocol TCP
                    real_server 10.0.0.2 80 {
                    }
                }
                """ + bgpSpeakerConf(filePeer.port());
        io.lvs4j.director.config.KeepalivedConfig config = parse(conf);
        InMemoryIpvs fileTable = new InMemoryIpvs();
        Director fromFile = Director.builder().config(config.toDirectorConfig())
                .ipvs(fileTable).virtualClock(clock).start();
        open.add(0, fromFile);

        VirtualService mark = VirtualService.builder(ServiceKey.fwmark(7)).scheduler("mh")
                .realServer(RealServer.of("10.0.0.2", 0).route()).build();
        VirtualService hidden = service("198.51.100.20", 80, "10.0.0.2");
        java.util.function.IntFunction<RouteHealthInjection> settings = port -> RouteHealthInjection.builder(
                BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).listen(false)
                        .neighbor(BgpNeighbor.builder("127.0.0.1").remoteAs(65000).port(port).build()).build())
                .stopDrain(Duration.ZERO).noAnnounce(hidden.key())
                .announce(mark.key(), ip("198.51.100.40")).build();
        RouteHealthInjection rhi = settings.apply(fluentPeer.port());
        assertThat(config.toDirectorConfig().routeHealthInjection()).hasValue(settings.apply(filePeer.port()));
        InMemoryIpvs fluentTable = new InMemoryIpvs();
        Director fluent = Director.builder().service(service("198.51.100.10", 80, "10.0.0.2")).service(hidden)
                .service(mark).service(service("198.51.100.50", 80, "10.0.0.2"))
                .service(service("198.51.100.51", 80, "10.0.0.2")).routeHealthInjection(rhi).ipvs(fluentTable)
                .virtualClock(clock).start();
        open.add(0, fluent);

        Set<String> expected = Set.of("198.51.100.10/32", "198.51.100.40/32", "198.51.100.50/32", "198.51.100.51/32");
        assertThat(waitUntil(() -> filePeer.routes().equals(expected))).as("file: %s", filePeer.routes()).isTrue();
        assertThat(waitUntil(() -> fluentPeer.routes().equals(expected))).as("fluent: %s", fluentPeer.routes()).isTrue();
        assertThat(keys(fileTable)).isEqualTo(keys(fluentTable)).hasSize(5);
        assertThat(fromFile.announcedAddresses()).containsExactlyInAnyOrderElementsOf(fluent.announcedAddresses());
    }

    /** A neighbor block for a {@link BgpTestPeer} at {@code address}:{@code port}, with {@code extra} lines. */
    private static String neighbor(String address, int port, String extra) {
        return "    neighbor " + address + " {\n        remote_as 65000\n        port " + port + "\n" + extra + "    }\n";
    }

    /** keepalived.conf text: bgp_speaker 192.0.2.11 AS 65001, no listener, no drain, these neighbor blocks. */
    private static String bgpSpeaker(String routerId, String... neighbors) {
        return "bgp_speaker {\n    router_id " + routerId + "\n    local_as 65001\n    listen_port 0\n"
                + "    stop_drain 0\n" + String.join("", neighbors) + "}\n";
    }

    private BgpTestPeer peer(String address) throws Exception {
        BgpTestPeer p = new BgpTestPeer(65000, InetAddress.getByName(address));
        open.add(0, p);
        return p;
    }

    private static List<DirectorEvent> failures(List<DirectorEvent> events) {
        return events.stream().filter(e -> e instanceof DirectorEvent.Failure).toList();
    }

    @Test
    void reload_sameBgpSpeaker_nothingChanges() throws Exception {
        BgpTestPeer peer = peer();
        String conf = WEB_CONF + bgpSpeakerConf(peer.port());
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(conf).toDirectorConfig()), events);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        d.apply(parse(conf).toDirectorConfig());

        Thread.sleep(300);
        assertThat(failures(events)).isEmpty();
        assertThat(peer.sessions()).isEqualTo(1);
        assertThat(peer.notifications()).isEmpty();
    }

    @Test
    void reload_neighborAdded_keptSessionStaysAndTheNewPeerGetsTheRoute() throws Exception {
        BgpTestPeer one = peer();
        BgpTestPeer two = peer("127.0.0.2");
        String n1 = neighbor("127.0.0.1", one.port(), "");
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(WEB_CONF + bgpSpeaker("192.0.2.11", n1))
                .toDirectorConfig()), events);
        assertThat(waitUntil(() -> one.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        d.apply(parse(WEB_CONF + bgpSpeaker("192.0.2.11", n1, neighbor("127.0.0.2", two.port(), "")))
                .toDirectorConfig());

        assertThat(waitUntil(() -> two.routes().equals(Set.of("198.51.100.10/32")))).as("%s", two.routes()).isTrue();
        assertThat(d.bgpSessions()).extracting(s -> s.neighbor().address().getHostAddress())
                .containsExactly("127.0.0.1", "127.0.0.2");
        assertThat(one.sessions()).as("sessions the first peer accepted").isEqualTo(1);
        assertThat(one.notifications()).isEmpty();
        assertThat(one.routes()).containsExactly("198.51.100.10/32");
        assertThat(failures(events)).isEmpty();
    }

    @Test
    void reload_neighborRemoved_itGetsCeasePeerDeconfiguredAndTheOtherStays() throws Exception {
        BgpTestPeer one = peer();
        BgpTestPeer two = peer("127.0.0.2");
        String n1 = neighbor("127.0.0.1", one.port(), "");
        String n2 = neighbor("127.0.0.2", two.port(), "");
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(WEB_CONF + bgpSpeaker("192.0.2.11", n1, n2))
                .toDirectorConfig()), events);
        assertThat(waitUntil(() -> one.routes().equals(Set.of("198.51.100.10/32"))
                && two.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        d.apply(parse(WEB_CONF + bgpSpeaker("192.0.2.11", n2)).toDirectorConfig());

        assertThat(waitUntil(() -> one.notifications().contains("6/3"))).as("%s", one.notifications()).isTrue();
        assertThat(waitUntil(() -> !one.established() && one.routes().isEmpty())).isTrue();
        assertThat(two.sessions()).isEqualTo(1);
        assertThat(two.notifications()).isEmpty();
        assertThat(two.routes()).containsExactly("198.51.100.10/32");
        assertThat(d.bgpSessions()).extracting(s -> s.neighbor().address().getHostAddress()).containsExactly("127.0.0.2");
        assertThat(failures(events)).isEmpty();
    }

    @Test
    void reload_holdTimeChangedAndServiceReplaced_thatSessionRestartsAndRoutesFollow() throws Exception {
        BgpTestPeer peer = peer();
        String conf = WEB_CONF + bgpSpeakerConf(peer.port());
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(conf).toDirectorConfig()), events);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        d.apply(parse(conf.replace("198.51.100.10", "198.51.100.11").replace("port " + peer.port(),
                "port " + peer.port() + "\n hold_time 30")).toDirectorConfig());

        assertThat(waitUntil(() -> peer.notifications().contains("6/6"))).as("%s", peer.notifications()).isTrue();
        assertThat(waitUntil(() -> peer.sessions() == 2 && peer.routes().equals(Set.of("198.51.100.11/32"))))
                .as("%s", peer.routes()).isTrue();
        assertThat(d.bgpSessions()).singleElement()
                .satisfies(s -> assertThat(s.neighbor().holdTime()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(failures(events)).isEmpty();
    }

    @Test
    void reload_bgpSpeakerAdded_speakerStartsAndAnnounces() throws Exception {
        BgpTestPeer peer = peer();
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(WEB_CONF).toDirectorConfig()), events);
        assertThat(d.bgpSessions()).isEmpty();

        d.apply(parse(WEB_CONF + bgpSpeakerConf(peer.port())).toDirectorConfig());

        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).as("%s", peer.routes()).isTrue();
        assertThat(d.bgpSessions()).singleElement().satisfies(s ->
                assertThat(s.neighbor().address().getHostAddress()).isEqualTo("127.0.0.1"));
        assertThat(d.announcedAddresses()).containsExactly(InetAddress.getByName("198.51.100.10"));
        assertThat(failures(events)).isEmpty();
    }

    @Test
    void reload_bgpSpeakerRemoved_routesWithdrawnBeforeTheCease() throws Exception {
        BgpTestPeer peer = peer();
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(WEB_CONF + bgpSpeakerConf(peer.port()))
                .toDirectorConfig()), events);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();

        d.apply(parse(WEB_CONF).toDirectorConfig());

        assertThat(waitUntil(() -> peer.notifications().contains("6/2"))).as("%s", peer.log()).isTrue();
        List<String> log = peer.log();
        assertThat(log).contains("withdraw 198.51.100.10/32");
        assertThat(log.indexOf("withdraw 198.51.100.10/32")).isLessThan(log.indexOf("notification 6/2"));
        assertThat(d.bgpSessions()).isEmpty();
        assertThat(d.announcedAddresses()).isEmpty();
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.Routes).last()
                .satisfies(e -> assertThat(((DirectorEvent.Routes) e).withdrawn()).containsExactly(ip("198.51.100.10")));
        assertThat(failures(events)).isEmpty();
    }

    @Test
    void reload_listenPortChanged_newSpeakerAndTheRouteBack() throws Exception {
        BgpTestPeer peer = peer();
        String conf = WEB_CONF + bgpSpeakerConf(peer.port());
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(conf).toDirectorConfig()), events);
        assertThat(waitUntil(() -> peer.routes().equals(Set.of("198.51.100.10/32")))).isTrue();
        int listen;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listen = s.getLocalPort();
        }

        d.apply(parse(conf.replace("listen_port 0", "listen_port " + listen)).toDirectorConfig());

        assertThat(waitUntil(() -> peer.sessions() == 2 && peer.routes().equals(Set.of("198.51.100.10/32"))))
                .as("%s", peer.log()).isTrue();
        try (java.net.Socket s = new java.net.Socket(InetAddress.getByName("127.0.0.1"), listen)) {
            assertThat(s.isConnected()).as("the new speaker listens").isTrue();
        }
        assertThat(failures(events)).isEmpty();
    }

    private static io.lvs4j.director.config.KeepalivedConfig parse(String text) throws Exception {
        return io.lvs4j.director.config.KeepalivedConfig.parse("keepalived.conf", text,
                io.lvs4j.director.config.ReadOptions.defaults()).config();
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Set<String> keys(InMemoryIpvs t) {
        Set<String> out = new java.util.TreeSet<>();
        for (io.lvs4j.table.ServiceState s : t.serviceStates()) {
            out.add(s.service().key().toString());
        }
        return out;
    }

    @Test
    void settings_badValuesFailInTheSetterNamingThem() {
        RouteHealthInjection.Builder b = RouteHealthInjection.builder(speaker(179));
        assertThatThrownBy(() -> b.stopDrain(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stopDrain: PT-1S (expected: 0..1 h)");
        assertThatThrownBy(() -> b.partialTableDelay(Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partialTableDelay: PT2H (expected: 0..1 h)");
        assertThatThrownBy(() -> b.device("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device: \"a/b\" (expected: an interface name");
        assertThatThrownBy(() -> b.announce(WEB, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("announce TCP 198.51.100.10:80 addresses: \"none\" (expected: at least one)");
        b.noAnnounce(WEB);
        assertThatThrownBy(() -> b.announce(WEB, InetAddress.getLoopbackAddress()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settings_toStringHidesTheNeighborsPassword() {
        BgpSpeaker s = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(65000).password("sesame").build()).build();
        RouteHealthInjection r = RouteHealthInjection.builder(s).build();
        assertThat(r.toString()).doesNotContain("sesame").contains("password=***");
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }
}
