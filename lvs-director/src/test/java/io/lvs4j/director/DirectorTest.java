package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.ServiceState;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The director on a virtual clock: in-memory VRRP, an in-memory IPVS table (the kernel's answers,
 * see {@link InMemoryIpvs}), health from checkers the test sets. What the kernel backend does is
 * proved in {@code DirectorIT} inside User-Mode Linux.
 */
class DirectorTest {
    private static final ServiceKey WEB = ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.100", 80);
    private static final CheckPolicy FAST = CheckPolicy.builder().interval(Duration.ofSeconds(2)).retry(1)
            .delayBeforeRetry(Duration.ofSeconds(1)).build();

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final List<Director> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(Director::close);
    }

    private static String conf(int priority, String extraGlobal, String rs2Weight) {
        return "global_defs {\n router_id t\n" + extraGlobal + "}\n"
                + "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n priority " + priority
                + "\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
                + "virtual_server 192.0.2.100 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.2 80 {\n  weight 3\n }\n"
                + " real_server 198.51.100.3 80 {\n  weight " + rs2Weight + "\n }\n}\n";
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private Director start(Director.Builder b, String node, String address, List<DirectorEvent> events)
            throws Exception {
        if (events != null) {
            b.listener(events::add);
        }
        Director d = b.virtualClock(clock).inMemoryVrrp(network, node, InetAddress.getByName(address)).start();
        started.add(d);
        return d;
    }

    private void advance(Duration d) {
        clock.advance(d);
    }

    /** The table as "service: rs=weight ..." lines, sorted: independent of the director's code. */
    private static Map<String, String> rules(InMemoryIpvs t) {
        Map<String, String> out = new TreeMap<>();
        for (ServiceState s : t.serviceStates()) {
            out.put(s.service().key().toString(), s.service().realServers().stream()
                    .map(r -> r.endpoint() + "=" + r.weight()).sorted().collect(Collectors.joining(" ")));
        }
        return out;
    }

    private static VirtualService web(int w2, int w3) {
        return VirtualService.tcp("192.0.2.100", 80).scheduler("wrr")
                .realServer(RealServer.of("198.51.100.2", 80).weight(w2).route())
                .realServer(RealServer.of("198.51.100.3", 80).weight(w3).route()).build();
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void reconciles_startThenWeightChange_countedWithTheirTime() throws Exception {
        Director d = Director.builder().ipvs(new InMemoryIpvs()).service(web(3, 1)).start(); // real clock, own thread
        started.add(d);
        long atStart = d.reconciles().count();
        assertThat(atStart).isEqualTo(1);
        d.weight(WEB, ip("198.51.100.2"), 80, 5);
        d.weight(WEB, ip("198.51.100.3"), 80, 5);
        Director.Reconciles r = d.reconciles();
        assertThat(r.count()).isEqualTo(atStart + 2);
        assertThat(r.nanos()).isPositive().isLessThan(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void failover_masterCloses_backupTakesVipsAndBothKeptRules() throws Exception {
        InMemoryIpvs ta = new InMemoryIpvs();
        InMemoryIpvs tb = new InMemoryIpvs();
        List<DirectorEvent> eb = new ArrayList<>();
        Director a = start(Director.builder().config(parse(conf(100, "", "1")).toDirectorConfig())
                .ipvs(ta), "a", "192.0.2.1", null);
        Director b = start(Director.builder().config(parse(conf(99, "", "1")).toDirectorConfig())
                .ipvs(tb), "b", "192.0.2.2", eb);
        advance(Duration.ofSeconds(5));

        assertThat(a.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
        assertThat(a.state().instance("VI_1").orElseThrow().addressesHeld()).isTrue();
        assertThat(b.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.BACKUP);
        assertThat(b.state().instance("VI_1").orElseThrow().addressesHeld()).isFalse();
        Map<String, String> expected = Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=1");
        assertThat(rules(ta)).isEqualTo(expected); // rules on master and backup alike
        assertThat(rules(tb)).isEqualTo(expected);

        a.close();
        assertThat(rules(ta)).isEmpty(); // keepalived removes its rules on stop
        advance(Duration.ofSeconds(2)); // priority 0 from the old master: takeover after Skew_Time
        assertThat(b.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
        assertThat(b.state().instance("VI_1").orElseThrow().addressesHeld()).isTrue();
        assertThat(rules(tb)).isEqualTo(expected);
        assertThat(eb).filteredOn(e -> e instanceof DirectorEvent.VrrpTransition t && t.to() == RouterState.MASTER)
                .hasSize(1);
        assertThat(eb).filteredOn(e -> e instanceof DirectorEvent.VirtualAddresses v && v.held()).hasSize(1);
    }

    @Test
    void checkFails_realServerLeavesTableThenReturnsAtConfiguredWeight() throws Exception {
        SettableChecker c2 = new SettableChecker("rs2");
        InMemoryIpvs t = new InMemoryIpvs();
        List<DirectorEvent> events = new ArrayList<>();
        VirtualService web = web(3, 1);
        start(Director.builder().ipvs(t).service(ServiceHealth.builder(web)
                .check(web.realServers().get(0), c2, FAST).build()), "a", "192.0.2.1", events);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=1");

        c2.up(false);
        advance(Duration.ofSeconds(5)); // a check at <= 2 s fails, the retry 1 s later too: down
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.3:80=1");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DirectorEvent.Health.class,
                h -> assertThat(h.event().type()).isEqualTo(HealthEvent.Type.REAL_SERVER_DOWN)));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DirectorEvent.KernelChange.class,
                k -> assertThat(k.applied()).extracting(Change::kind).containsExactly(Change.Kind.REMOVE_SERVER)));

        c2.up(true);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=1");
    }

    @Test
    void inhibitOnFailure_downServerStaysAtWeightZeroThenRestored() throws Exception {
        SettableChecker c2 = new SettableChecker("rs2");
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().ipvs(t).service(ServiceHealth.builder(web(3, 1))
                .check(web(3, 1).realServers().get(0), c2, FAST).inhibitOnFailure().build()), "a", "192.0.2.1", null);
        c2.up(false);
        advance(Duration.ofSeconds(5));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=0 198.51.100.3:80=1");
        DirectorState.Server s = d.state().service(WEB).orElseThrow().realServer("198.51.100.2:80").orElseThrow();
        assertThat(s.health()).isEqualTo(DirectorState.Health.DOWN);
        assertThat(s.appliedWeight()).isZero();
        assertThat(s.configured().weight()).isEqualTo(3);
        c2.up(true);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=1");
    }

    @Test
    void inhibitOnFailure_perRealServer_onlyThatOneStaysAtZero() throws Exception {
        // keepalived.conf: the real server's own inhibit_on_failure, else the virtual server's
        String text = "virtual_server 192.0.2.100 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
                + " inhibit_on_failure\n"
                + " real_server 198.51.100.2 80 {\n  weight 3\n }\n"
                + " real_server 198.51.100.3 80 {\n  weight 1\n  inhibit_on_failure false\n }\n}\n";
        ServiceHealth mapped = parse(text).toDirectorConfig().services().get(0);
        assertThat(mapped.inhibitOnFailure(RealServer.of("198.51.100.2", 80).build())).isTrue();
        assertThat(mapped.inhibitOnFailure(RealServer.of("198.51.100.3", 80).build())).isFalse();

        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(3, 1);
        SettableChecker c2 = new SettableChecker("rs2");
        SettableChecker c3 = new SettableChecker("rs3");
        start(Director.builder().ipvs(t).service(ServiceHealth.builder(web).check(web.realServers().get(0), c2, FAST)
                .check(web.realServers().get(1), c3, FAST).inhibitOnFailure(web.realServers().get(0)).build()),
                "a", "192.0.2.1", null);
        c2.up(false);
        c3.up(false);
        advance(Duration.ofSeconds(5));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=0");
    }

    /** A checker whose answers the test gives, one per check, in order: none until it does. */
    private static final class AnsweredChecker implements io.lvs4j.health.Checker {
        final java.util.Deque<java.util.concurrent.CompletableFuture<io.lvs4j.health.CheckResult>> pending =
                new java.util.ArrayDeque<>();

        @Override
        public java.util.concurrent.CompletionStage<io.lvs4j.health.CheckResult> check(io.lvs4j.health.CheckContext c) {
            var f = new java.util.concurrent.CompletableFuture<io.lvs4j.health.CheckResult>();
            pending.add(f);
            return f;
        }

        void answer(boolean up) {
            pending.remove().complete(up ? io.lvs4j.health.CheckResult.up(1000)
                    : io.lvs4j.health.CheckResult.down(io.lvs4j.health.FailureReason.REFUSED, "test", 1000));
        }

        @Override
        public String describe() {
            return "ANSWERED";
        }
    }

    private static final CheckPolicy ALPHA = CheckPolicy.builder().interval(Duration.ofSeconds(2)).retry(1)
            .delayBeforeRetry(Duration.ofSeconds(1)).alpha().build();

    @Test
    void alpha_atStart_noRealServerUntilItsFirstGoodCheck() throws Exception {
        // keepalived's init_service_rs: with alpha a checked real server is not added at start
        AnsweredChecker c2 = new AnsweredChecker();
        AnsweredChecker c3 = new AnsweredChecker();
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(3, 1);
        start(Director.builder().ipvs(t).service(ServiceHealth.builder(web).check(web.realServers().get(0), c2, ALPHA)
                .check(web.realServers().get(1), c3, ALPHA).build()), "a", "192.0.2.1", null);
        assertThat(c2.pending).hasSize(1); // the first checks are out, unanswered (they hold the clock)
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "");
        c2.answer(true);
        c3.answer(false);
        advance(Duration.ofMillis(100));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3");
    }

    @Test
    void alpha_withInhibitAndSorryServer_atStartInhibitedAtZeroAndSorryServerIn() throws Exception {
        // keepalived: inhibit_on_failure adds the not-yet-checked real server at weight 0; quorum is
        // down at start, so the sorry server serves until a first good check
        AnsweredChecker c2 = new AnsweredChecker();
        AnsweredChecker c3 = new AnsweredChecker();
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(3, 1);
        start(Director.builder().ipvs(t).service(ServiceHealth.builder(web).check(web.realServers().get(0), c2, ALPHA)
                .check(web.realServers().get(1), c3, ALPHA).inhibitOnFailure(web.realServers().get(0))
                .sorryServer(RealServer.of("203.0.113.9", 80).route().build()).build()), "a", "192.0.2.1", null);
        assertThat(c3.pending).hasSize(1);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=0 203.0.113.9:80=1");
        c2.answer(false);
        c3.answer(true);
        advance(Duration.ofMillis(100));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=0 198.51.100.3:80=1");
    }

    @Test
    void quorumWithHysteresis_atStartBelowQuorumPlusHysteresis_sorryServerServes() throws Exception {
        // keepalived's set_quorum_states: up at start only with quorum + hysteresis (here 2 < 2 + 1)
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(1, 1);
        start(Director.builder().ipvs(t).service(ServiceHealth.builder(web)
                .check(web.realServers().get(0), new SettableChecker("rs2"), FAST)
                .check(web.realServers().get(1), new SettableChecker("rs3"), FAST).quorum(2, 1)
                .sorryServer(RealServer.of("203.0.113.9", 80).route().build()).build()), "a", "192.0.2.1", null);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "203.0.113.9:80=1");
    }

    @Test
    void quorumLost_sorryServerComesInAndLeavesWhenRegained() throws Exception {
        SettableChecker c2 = new SettableChecker("rs2");
        SettableChecker c3 = new SettableChecker("rs3");
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(1, 1);
        Director d = start(Director.builder().ipvs(t).service(ServiceHealth.builder(web)
                .check(web.realServers().get(0), c2, FAST).check(web.realServers().get(1), c3, FAST)
                .sorryServer(RealServer.of("203.0.113.9", 80).route().build()).build()), "a", "192.0.2.1", null);
        c2.up(false);
        advance(Duration.ofSeconds(5));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.3:80=1"); // quorum 1 still met
        c3.up(false);
        advance(Duration.ofSeconds(5));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "203.0.113.9:80=1");
        DirectorState.Service s = d.state().service(WEB).orElseThrow();
        assertThat(s.quorumUp()).isFalse();
        assertThat(s.realServers()).anySatisfy(r -> {
            assertThat(r.role()).isEqualTo(DirectorState.Role.SORRY_SERVER);
            assertThat(r.installed()).isTrue();
        });
        c3.up(true);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.3:80=1");
        assertThat(d.state().service(WEB).orElseThrow().quorumUp()).isTrue();
    }

    @Test
    void sorryServerInhibit_fromConfig_inAtWeightZeroWhileQuorumMet() throws Exception {
        String text = "virtual_server 192.0.2.100 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
                + " sorry_server 203.0.113.9 80\n sorry_server_inhibit\n"
                + " real_server 198.51.100.2 80 {\n  weight 3\n }\n}\n";
        assertThat(parse(text).toDirectorConfig().services().get(0).sorryServerInhibit()).isTrue();
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().config(parse(text).toDirectorConfig()).ipvs(t), "a", "192.0.2.1", null);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 203.0.113.9:80=0");
        DirectorState.Server sorry = d.state().service(WEB).orElseThrow().realServer("203.0.113.9:80").orElseThrow();
        assertThat(sorry.role()).isEqualTo(DirectorState.Role.SORRY_SERVER);
        assertThat(sorry.appliedWeight()).isZero();
        assertThat(d.state().service(WEB).orElseThrow().quorumUp()).isTrue();

        // without sorry_server_inhibit the sorry server is not in the table while quorum is met
        InMemoryIpvs plain = new InMemoryIpvs();
        start(Director.builder().config(parse(text.replace(" sorry_server_inhibit\n", "")).toDirectorConfig())
                .ipvs(plain), "b", "192.0.2.2", null);
        assertThat(rules(plain)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3");
    }

    @Test
    void sorryServerInhibit_quorumLostAndRegained_sorryServerEditedNeverRemoved() throws Exception {
        SettableChecker c2 = new SettableChecker("rs2");
        SettableChecker c3 = new SettableChecker("rs3");
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(1, 1);
        start(Director.builder().ipvs(t).service(ServiceHealth.builder(web)
                .check(web.realServers().get(0), c2, FAST).check(web.realServers().get(1), c3, FAST)
                .sorryServer(RealServer.of("203.0.113.9", 80).route().build()).sorryServerInhibit().build()),
                "a", "192.0.2.1", null);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=1 198.51.100.3:80=1 203.0.113.9:80=0");
        c2.up(false);
        c3.up(false);
        advance(Duration.ofSeconds(5));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "203.0.113.9:80=1");
        c3.up(true);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.3:80=1 203.0.113.9:80=0");
        assertThat(t.requests()).filteredOn(q -> q.contains("203.0.113.9")).containsExactly(
                "ADD_SERVER TCP 192.0.2.100:80 -> 203.0.113.9:80",
                "EDIT_SERVER TCP 192.0.2.100:80 -> 203.0.113.9:80 weight 0 -> 1",
                "EDIT_SERVER TCP 192.0.2.100:80 -> 203.0.113.9:80 weight 1 -> 0");
    }

    /** keepalived: when the sorry server comes in, real servers still alive leave; they return with quorum. */
    @Test
    void quorumLost_aliveRealServersLeaveWhileSorryServerServes() throws Exception {
        SettableChecker c3 = new SettableChecker("rs3");
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(3, 1);
        Director d = start(Director.builder().ipvs(t).service(ServiceHealth.builder(web)
                .check(web.realServers().get(1), c3, FAST).quorum(4, 0)
                .sorryServer(RealServer.of("203.0.113.9", 80).route().build()).build()), "a", "192.0.2.1", null);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=1");
        c3.up(false);
        advance(Duration.ofSeconds(5)); // alive weight 3 < quorum 4: 198.51.100.2 (alive) leaves too
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "203.0.113.9:80=1");
        assertThat(d.state().service(WEB).orElseThrow().realServer("198.51.100.2:80").orElseThrow().health())
                .isEqualTo(DirectorState.Health.UNCHECKED); // it is healthy, but out while the sorry server serves
        c3.up(true);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=1");
    }

    @Test
    void runtimeWeightChange_isOneSetAndNoDeleteOrAdd() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().ipvs(t).service(web(3, 1)), "a", "192.0.2.1", null);
        int before = t.requests().size();
        ReconcileResult r = d.weight(WEB, ip("198.51.100.3"), 80, 5);
        assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
        assertThat(t.requests().subList(before, t.requests().size())).hasSize(1)
                .allSatisfy(q -> assertThat(q).startsWith("EDIT_SERVER"));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=5");
        assertThat(d.state().service(WEB).orElseThrow().realServer("198.51.100.3:80").orElseThrow().appliedWeight())
                .isEqualTo(5);
    }

    @Test
    void runtimeChange_keepsHealthStateOfUnchangedRealServer() throws Exception {
        SettableChecker c2 = new SettableChecker("rs2");
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService web = web(3, 1);
        Director d = start(Director.builder().ipvs(t).service(ServiceHealth.builder(web)
                .check(web.realServers().get(0), c2, FAST).build()), "a", "192.0.2.1", null);
        c2.up(false);
        advance(Duration.ofSeconds(5));
        int checks = c2.checks;
        int before = t.requests().size();
        d.weight(WEB, ip("198.51.100.3"), 80, 2); // the other real server
        d.putRealServer(WEB, RealServer.of("198.51.100.4", 80).route().build()); // a new one
        // the down server stays out: its state was kept, it was not restarted as up
        assertThat(t.requests().subList(before, t.requests().size())).noneMatch(q -> q.contains("198.51.100.2"));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.3:80=2 198.51.100.4:80=1");
        advance(Duration.ofSeconds(3));
        assertThat(c2.checks).isGreaterThan(checks); // its checks go on
        c2.up(true);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80",
                "198.51.100.2:80=3 198.51.100.3:80=2 198.51.100.4:80=1");
    }

    @Test
    void removedRealServerWithConnections_drainsAtWeightZeroThenGoes() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().ipvs(t).drainTimeout(Duration.ofSeconds(60))
                .refreshInterval(Duration.ofSeconds(1)).service(web(3, 1)), "a", "192.0.2.1", null);
        t.connections(WEB, "198.51.100.3", 80, 2, 1);
        ReconcileResult r = d.removeRealServer(WEB, ip("198.51.100.3"), 80);
        assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=0");
        assertThat(d.state().service(WEB).orElseThrow().realServer("198.51.100.3:80").orElseThrow().role())
                .isEqualTo(DirectorState.Role.DRAINING);
        advance(Duration.ofSeconds(3));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=0");
        t.connections(WEB, "198.51.100.3", 80, 0, 0); // the last connection ended
        advance(Duration.ofSeconds(2));
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3");
        assertThat(d.state().service(WEB).orElseThrow().realServers()).hasSize(1);
    }

    @Test
    void reload_serviceAddedChangedRemoved_configAppliedCarriesTypedChanges() throws Exception {
        List<DirectorEvent> events = new ArrayList<>();
        String mail = "virtual_server 192.0.2.101 25 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.4 25 {\n  weight 1\n }\n}\n";
        String dns = "virtual_server 192.0.2.102 53 {\n lb_algo rr\n lb_kind DR\n protocol UDP\n"
                + " real_server 198.51.100.5 53 {\n  weight 1\n }\n}\n";
        Director d = start(Director.builder().config(parse(conf(100, "", "1") + mail).toDirectorConfig())
                .ipvs(new InMemoryIpvs()), "a",
                "192.0.2.1", events);
        advance(Duration.ofSeconds(5));
        events.clear();

        d.apply(parse(conf(100, "", "4") + dns).toDirectorConfig());

        DirectorEvent.ConfigApplied c = events.stream().filter(DirectorEvent.ConfigApplied.class::isInstance)
                .map(DirectorEvent.ConfigApplied.class::cast).findFirst().orElseThrow();
        ServiceKey mailKey = ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.101", 25);
        ServiceKey dnsKey = ServiceKey.of(io.lvs4j.Protocol.UDP, "192.0.2.102", 53);
        assertThat(c.servicesChanged()).containsExactly(new ServiceChange(ServiceChange.Kind.REMOVED, mailKey),
                new ServiceChange(ServiceChange.Kind.CHANGED, WEB), new ServiceChange(ServiceChange.Kind.ADDED, dnsKey));
        assertThat(c.servicesChanged()).extracting(Object::toString)
                .containsExactly("-TCP 192.0.2.101:25", "~TCP 192.0.2.100:80", "+UDP 192.0.2.102:53");
    }

    @Test
    void reload_changesOnlyTheDifference_vrrpInstanceKeepsRunning() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(conf(100, "", "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", events);
        advance(Duration.ofSeconds(5));
        assertThat(d.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
        events.clear();
        int before = t.requests().size();

        ReconcileResult r = d.apply(parse(conf(100, "", "4")).toDirectorConfig());

        assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
        assertThat(t.requests().subList(before, t.requests().size())).hasSize(1);
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=4");
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.ConfigApplied).singleElement()
                .satisfies(e -> assertThat(((DirectorEvent.ConfigApplied) e).vrrpKept()).containsExactly("VI_1"));
        advance(Duration.ofSeconds(5));
        assertThat(events).noneMatch(e -> e instanceof DirectorEvent.VrrpTransition);
        assertThat(d.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);

        // a changed instance restarts (priority 0 then up again), a dropped service leaves
        String changed = conf(100, "", "4").replace("priority 100", "priority 120")
                .replace("virtual_server 192.0.2.100 80", "virtual_server 192.0.2.101 80");
        d.apply(parse(changed).toDirectorConfig());
        advance(Duration.ofSeconds(5));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DirectorEvent.VrrpTransition.class,
                v -> assertThat(v.to()).isEqualTo(RouterState.INIT)));
        assertThat(d.state().instance("VI_1").orElseThrow().priority()).isEqualTo(120);
        assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.101:80");
    }

    @Test
    void kernelRefusesMidReconcile_failureReportedAndStateIsTheTables() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(conf(100, "", "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", events);
        String two = conf(100, "", "1") + "virtual_server 192.0.2.100 443 {\n lb_algo twos\n protocol TCP\n"
                + " real_server 198.51.100.2 443 {\n }\n}\n"
                + "virtual_server 192.0.2.100 8080 {\n lb_algo rr\n protocol TCP\n real_server 198.51.100.2 8080 {\n }\n}\n";

        assertThatThrownBy(() -> d.apply(parse(two).toDirectorConfig()))
                .isInstanceOfSatisfying(ReconcileException.class, e -> {
            // the twos scheduler has no module: the service is refused (ENOENT), then its real server (ESRCH)
            assertThat(e.failures()).extracting(f -> f.change().kind())
                    .containsExactly(Change.Kind.ADD_SERVICE, Change.Kind.ADD_SERVER);
            assertThat(e.failures()).allSatisfy(f -> assertThat(f.change().key())
                    .isEqualTo(ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.100", 443)));
            assertThat(e.failures().get(0).error().errno()).isEqualTo(2);
            assertThat(e.applied()).extracting(c -> c.key().toString()).contains("TCP 192.0.2.100:8080");
        });
        DirectorState s = d.state();
        assertThat(s.service(ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.100", 443)).orElseThrow().installed())
                .isFalse();
        assertThat(s.service(ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.100", 8080)).orElseThrow().installed())
                .isTrue();
        assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.100:80", "TCP 192.0.2.100:8080");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(DirectorEvent.Failure.class));
        // the director goes on: a later change is applied; the refused service is tried again and reported again
        assertThatThrownBy(() -> d.weight(WEB, ip("198.51.100.3"), 80, 7))
                .isInstanceOfSatisfying(ReconcileException.class, e -> {
                    assertThat(e.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
                    assertThat(e.failures()).allSatisfy(f -> assertThat(f.change().key().port()).isEqualTo(443));
                });
        assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=7");
        // a configuration without it is clean again
        ReconcileResult r = d.apply(parse(conf(100, "", "1")).toDirectorConfig());
        assertThat(r.applied()).extracting(Change::kind).containsExactlyInAnyOrder(Change.Kind.REMOVE_SERVICE,
                Change.Kind.EDIT_SERVER);
        assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.100:80");
    }

    @Test
    void kernelRefusesSchedulerChange_stateShowsTheTablesSchedulerAndNotApplied() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().config(parse(conf(100, "", "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", null);
        String twos = conf(100, "", "1").replace("lb_algo wrr", "lb_algo twos");

        assertThatThrownBy(() -> d.apply(parse(twos).toDirectorConfig()))
                .isInstanceOfSatisfying(ReconcileException.class,
                e -> assertThat(e.failures()).extracting(f -> f.change().kind())
                        .containsExactly(Change.Kind.EDIT_SERVICE));
        Scheduler inTable = t.serviceStates().stream().filter(s -> s.service().key().equals(WEB)).findFirst()
                .orElseThrow().service().scheduler();
        assertThat(inTable).isEqualTo(Scheduler.WRR);
        DirectorState.Service s = d.state().service(WEB).orElseThrow();
        assertThat(s.installed()).isTrue();
        assertThat(s.scheduler()).isEqualTo(inTable);
        assertThat(s.applied().scheduler()).isEqualTo(inTable);
        assertThat(s.configured().scheduler()).isEqualTo(Scheduler.TWOS);
        assertThat(s.settingsApplied()).isFalse();

        // a scheduler the kernel has: applied, and the state follows the table again
        d.apply(parse(conf(100, "", "1").replace("lb_algo wrr", "lb_algo rr")).toDirectorConfig());
        DirectorState.Service after = d.state().service(WEB).orElseThrow();
        assertThat(t.serviceStates().get(0).service().scheduler()).isEqualTo(Scheduler.RR);
        assertThat(after.scheduler()).isEqualTo(Scheduler.RR);
        assertThat(after.settingsApplied()).isTrue();
    }

    @Test
    void close_isGracefulAndIdempotent() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        List<DirectorEvent> events = new ArrayList<>();
        Director d = start(Director.builder().config(parse(conf(100, "", "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", events);
        advance(Duration.ofSeconds(5));
        d.close();
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DirectorEvent.VirtualAddresses.class,
                v -> assertThat(v.held()).isFalse()));
        assertThat(d.state().instance("VI_1").orElseThrow().addressesHeld()).isFalse();
        assertThat(rules(t)).isEmpty();
        int n = events.size();
        d.close();
        assertThat(events).hasSize(n);
        assertThat(d.isClosed()).isTrue();
        assertThatThrownBy(() -> d.weight(WEB, ip("198.51.100.3"), 80, 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_keepRules_leavesTheTable() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().ipvs(t).keepRulesOnClose(true).service(web(3, 1)), "a", "192.0.2.1",
                null);
        d.close();
        assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.100:80");
    }

    @Test
    void close_lvsFlushOnstop_flushesEvenWithKeepRules() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().config(parse(conf(100, " lvs_flush_onstop\n", "1")).toDirectorConfig())
                .ipvs(t)
                .keepRulesOnClose(true), "a", "192.0.2.1", null);
        assertThat(rules(t)).hasSize(1);
        d.close();
        assertThat(rules(t)).isEmpty();
        assertThat(t.requests()).last().isEqualTo("FLUSH");
    }

    /** keepalived's "lvs_flush_on_stop VS" removes only the file's virtual servers, not the whole table. */
    @Test
    void close_lvsFlushOnStopVs_removesOwnServicesOnly() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService other = VirtualService.tcp("198.51.100.50", 443).realServer(RealServer.of("198.51.100.51", 443).build())
                .build();
        t.apply(List.of(Change.addService(other), Change.addServer(other, other.realServers().get(0))));
        Director d = start(Director.builder().config(parse(conf(100, " lvs_flush_on_stop VS\n", "1"))
                .toDirectorConfig()).ipvs(t), "a",
                "192.0.2.1", null);
        assertThat(rules(t)).hasSize(2);
        d.close();
        assertThat(rules(t)).containsOnlyKeys("TCP 198.51.100.50:443");
        assertThat(t.requests()).doesNotContain("FLUSH");
    }

    @Test
    void globalDefs_timeoutsAppliedAndSyncDaemonFollowsInstance() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        String g = " lvs_timeouts tcp 7200 tcpfin 60 udp 30\n lvs_sync_daemon eth0 VI_1 id 7\n";
        Director d = start(Director.builder().config(parse(conf(100, g, "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", null);
        assertThat(t.timeouts()).isEqualTo(Timeouts.ofSeconds(7200, 60, 30));
        assertThat(t.daemons()).singleElement().satisfies(s -> {
            assertThat(s.role()).isEqualTo(SyncDaemon.Role.BACKUP);
            assertThat(s.syncId()).isEqualTo(7);
            assertThat(s.interfaceName()).isEqualTo("eth0");
        });
        advance(Duration.ofSeconds(5)); // alone on the network: master
        assertThat(t.daemons()).extracting(SyncDaemon::role).containsExactly(SyncDaemon.Role.MASTER);
        d.close();
        assertThat(t.daemons()).isEmpty();
    }

    @Test
    void syncDaemon_withoutId_syncIdIsTheInstancesVrid() throws Exception {
        // keepalived's default: two pairs on one link keep their connections apart, and a keepalived
        // backup (which drops messages of another sync id) accepts what an lvs4j master sends
        InMemoryIpvs t = new InMemoryIpvs();
        Director d = start(Director.builder().config(parse(conf(100, " lvs_sync_daemon eth1 VI_1\n", "1"))
                .toDirectorConfig()).ipvs(t), "a",
                "192.0.2.1", null);
        assertThat(t.daemons()).singleElement().satisfies(s -> {
            assertThat(s.role()).isEqualTo(SyncDaemon.Role.BACKUP);
            assertThat(s.syncId()).isEqualTo(51);
            assertThat(s.interfaceName()).isEqualTo("eth1");
        });
        advance(Duration.ofSeconds(5));
        assertThat(t.daemons()).singleElement().satisfies(s -> {
            assertThat(s.role()).isEqualTo(SyncDaemon.Role.MASTER);
            assertThat(s.syncId()).isEqualTo(51);
        });
        d.close();
    }

    @Test
    void syncDaemon_explicitIdZero_staysZero() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        start(Director.builder().config(parse(conf(100, " lvs_sync_daemon eth1 VI_1 id 0\n", "1")).toDirectorConfig())
                .ipvs(t), "a",
                "192.0.2.1", null);
        assertThat(t.daemons()).singleElement().satisfies(s -> assertThat(s.syncId()).isZero());
    }

    @Test
    void syncDaemon_instKeyword_namesTheInstance() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        start(Director.builder().config(parse(conf(100, " lvs_sync_daemon eth1 inst VI_1 port 8849\n", "1"))
                .toDirectorConfig()).ipvs(t), "a",
                "192.0.2.1", null);
        assertThat(t.daemons()).singleElement().satisfies(s -> {
            assertThat(s.syncId()).isEqualTo(51);
            assertThat(s.port()).isEqualTo(8849);
        });
    }

    /** The reader refuses an unknown instance at its word; a configuration built by hand is refused by its mapping. */
    @Test
    void syncDaemon_unknownInstance_rejectedNamingIt() throws Exception {
        assertThatThrownBy(() -> parse(conf(100, " lvs_sync_daemon eth1 VI_9\n", "1")))
                .isInstanceOf(io.lvs4j.director.config.ConfigException.class)
                .hasMessageContaining("keepalived.conf:3:23: lvs_sync_daemon instance: \"VI_9\" (expected: one of VI_1)");
        assertThatThrownBy(() -> parse(conf(100, " lvs_sync_daemon eth1 inst\n", "1")))
                .isInstanceOf(io.lvs4j.director.config.ConfigException.class)
                .hasMessageContaining("keepalived.conf:3:2: lvs_sync_daemon: missing instance (expected: INTERFACE"
                        + " [[inst] VRRP_INSTANCE]");
        KeepalivedConfig c = parse(conf(100, "", "1"));
        io.lvs4j.director.config.GlobalDefs g = c.globalDefs();
        io.lvs4j.director.config.GlobalDefs byHand = new io.lvs4j.director.config.GlobalDefs(g.routerId(),
                g.notificationEmail(), g.notificationEmailFrom(), g.smtpServer(), g.smtpConnectTimeout(), g.smtpAlert(),
                g.lvsTimeoutTcp(), g.lvsTimeoutTcpFin(), g.lvsTimeoutUdp(), g.lvsFlush(), g.vrrpStrict(),
                g.enableScriptSecurity(), g.scriptUser(), g.vrrpVersion(), g.vrrpHigherPrioSendAdvert(),
                new io.lvs4j.director.config.LvsSyncDaemonConfig("eth1", "VI_9", null, null, null, null, null),
                null, null, g.vrrpGarp(), g.vmacPrefix(), g.otherSettings());
        KeepalivedConfig unknown = new KeepalivedConfig(byHand, c.vrrpScripts(), c.vrrpInstances(),
                c.vrrpSyncGroups(), c.virtualServerGroups(), c.virtualServers(), c.ssl());
        assertThatThrownBy(unknown::toDirectorConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lvs_sync_daemon instance: \"VI_9\" (expected: one of the vrrp_instances)");
    }

    /** keepalived 2.2.7 takes {@code lvs_sync_daemon IFACE} alone: master and backup both, not following VRRP. */
    @Test
    void syncDaemon_withoutInstance_masterAndBackupFromTheStartUntilClose() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        String text = "global_defs {\n lvs_sync_daemon eth1 id 9 port 8849\n}\n"
                + "virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + " real_server 198.51.100.2 8080 {\n }\n}\n";
        io.lvs4j.director.config.LvsSyncDaemonConfig read = parse(text).globalDefs().lvsSyncDaemon();
        assertThat(read.instance()).isNull();
        assertThat(parse(parse(text).toKeepalivedConf()).globalDefs().lvsSyncDaemon()).isEqualTo(read);
        Director d = start(Director.builder().config(parse(text).toDirectorConfig()).ipvs(t), "a", "192.0.2.1", null);

        assertThat(t.daemons()).extracting(SyncDaemon::role)
                .containsExactlyInAnyOrder(SyncDaemon.Role.MASTER, SyncDaemon.Role.BACKUP);
        assertThat(t.daemons()).allSatisfy(s -> {
            assertThat(s.syncId()).isEqualTo(9);
            assertThat(s.port()).isEqualTo(8849);
            assertThat(s.interfaceName()).isEqualTo("eth1");
        });
        advance(Duration.ofSeconds(5));
        assertThat(t.daemons()).hasSize(2);
        d.close();
        assertThat(t.daemons()).isEmpty();
    }

    @Test
    void syncDaemon_withoutInstanceWithVrrp_bothRunAndIdIsZero() throws Exception {
        // an instance in the file changes nothing: without "inst NAME" the daemon follows none
        InMemoryIpvs t = new InMemoryIpvs();
        start(Director.builder().config(parse(conf(100, " lvs_sync_daemon eth1\n", "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", null);

        assertThat(t.daemons()).extracting(SyncDaemon::role)
                .containsExactlyInAnyOrder(SyncDaemon.Role.MASTER, SyncDaemon.Role.BACKUP);
        assertThat(t.daemons()).allSatisfy(s -> assertThat(s.syncId()).isZero());
        advance(Duration.ofSeconds(5)); // VI_1 master now: both still run
        assertThat(t.daemons()).extracting(SyncDaemon::role)
                .containsExactlyInAnyOrder(SyncDaemon.Role.MASTER, SyncDaemon.Role.BACKUP);
    }

    @Test
    void pureLvsConfig_withoutVrrp_installsServices() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        String text = "virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + " real_server 198.51.100.2 8080 {\n weight 2\n }\n}\n";
        Director d = start(Director.builder().config(parse(text).toDirectorConfig()).ipvs(t), "a", "192.0.2.1", null);
        assertThat(rules(t)).isEqualTo(Map.of("TCP 192.0.2.100:80", "198.51.100.2:8080=2"));
        assertThat(d.state().instances()).isEmpty();
        assertThat(d.state().services()).singleElement().satisfies(s -> assertThat(s.installed()).isTrue());
    }

    @Test
    void removeService_leavesOnlyOthers() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService other = VirtualService.udp("192.0.2.100", 53).scheduler("rr")
                .realServer(RealServer.of("198.51.100.2", 53).masquerade()).build();
        Director d = start(Director.builder().ipvs(t).service(web(3, 1)).service(other), "a", "192.0.2.1", null);
        ReconcileResult r = d.removeService(WEB);
        assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.REMOVE_SERVICE);
        assertThat(rules(t)).containsOnlyKeys("UDP 192.0.2.100:53");
        assertThat(d.state().services()).extracting(DirectorState.Service::key).containsExactly(other.key());
    }

    @Test
    void foreignService_inTheTableBeforeStart_isLeftAloneAndSurvivesClose() throws Exception {
        InMemoryIpvs t = new InMemoryIpvs();
        VirtualService foreign = VirtualService.tcp("192.0.2.200", 22).scheduler("rr")
                .realServer(RealServer.of("198.51.100.9", 22).masquerade()).build();
        io.lvs4j.table.Reconciler.builder(t).build().reconcile(io.lvs4j.DirectorConfig.builder().service(foreign).build());
        Director d = start(Director.builder().config(parse(conf(100, "", "1")).toDirectorConfig())
                .ipvs(t), "a", "192.0.2.1", null);
        assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.100:80", "TCP 192.0.2.200:22");
        d.apply(parse(conf(100, "", "2")).toDirectorConfig());
        d.removeService(WEB);
        assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.200:22");
        d.putService(web(3, 1));
        d.close();
        assertThat(rules(t)).isEqualTo(Map.of("TCP 192.0.2.200:22", "198.51.100.9:22=1"));
    }

    @Test
    void builder_rejectsBadSettings() {
        assertThatThrownBy(() -> Director.builder().drainTimeout(Duration.ofSeconds(-1)))
                .hasMessage("drain timeout: PT-1S (expected: 0 to 365 days)");
        assertThatThrownBy(() -> Director.builder().service(web(1, 1)).service(web(2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("each service once");
        assertThatThrownBy(() -> Director.builder().netns("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
