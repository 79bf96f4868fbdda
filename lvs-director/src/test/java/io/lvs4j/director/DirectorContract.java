package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.ServiceState;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a {@link Director} does to an IPVS table, whichever table it is: run against
 * {@link io.lvs4j.table.InMemoryIpvs} by {@link DirectorContractTest} and against the kernel
 * inside User-Mode Linux by {@link DirectorContractIT}. Each scenario gets an empty table and
 * leaves it empty. No VRRP, no checks: the director's own thread in real time.
 */
final class DirectorContract {
    private DirectorContract() {}

    interface Check {
        void run(IpvsTable empty) throws Exception;
    }

    record Scenario(String name, Check check) {}

    static List<Scenario> scenarios() {
        return List.of(new Scenario("fromKeepalivedConf_installsWhatKeepalivedInstalls", DirectorContract::installs),
                new Scenario("weightChange_isOneSet", DirectorContract::weight),
                new Scenario("removeIdleRealServer_isOneDelete", DirectorContract::removeIdle),
                new Scenario("reload_onlyTheDifference", DirectorContract::reload),
                new Scenario("kernelRefusesMidReconcile_stateIsTheTables", DirectorContract::refused),
                new Scenario("close_removesTheRulesAndIsIdempotent", DirectorContract::close));
    }

    static final ServiceKey WEB = ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.100", 80);

    static String conf(int weight3) {
        return "virtual_server 192.0.2.100 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n persistence_timeout 50\n"
                + " real_server 198.51.100.2 80 {\n  weight 3\n }\n"
                + " real_server 198.51.100.3 80 {\n  weight " + weight3 + "\n }\n}\n"
                + "virtual_server 192.0.2.100 53 {\n lb_algo rr\n lb_kind NAT\n protocol UDP\n"
                + " real_server 198.51.100.2 5353 {\n }\n}\n";
    }

    static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    /** The table as "service: real servers with weights", sorted. */
    static Map<String, String> rules(IpvsTable t) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (ServiceState s : t.serviceStates()) {
            out.put(s.service().key().toString(), s.service().realServers().stream()
                    .map(r -> r.endpoint() + "=" + r.weight()).sorted().collect(Collectors.joining(" ")));
        }
        return out;
    }

    /** The director's state says what the table holds: every service and real server, and their weights. */
    static void assertStateIsTheTables(Director d, IpvsTable t) throws Exception {
        List<ServiceState> table = t.serviceStates();
        for (DirectorState.Service s : d.state().services()) {
            Optional<ServiceState> k = table.stream().filter(x -> x.service().key().equals(s.key())).findFirst();
            assertThat(s.installed()).as("%s in the table", s.key()).isEqualTo(k.isPresent());
            for (DirectorState.Server r : s.realServers()) {
                int w = k.flatMap(x -> x.realServer(r.configured().address(), r.configured().port()))
                        .map(x -> x.server().weight()).orElse(-1);
                assertThat(r.appliedWeight()).as("%s %s weight in the table", s.key(), r.configured().endpoint())
                        .isEqualTo(w);
            }
        }
    }

    static void installs(IpvsTable t) throws Exception {
        KeepalivedConfig c = parse(conf(1));
        try (Director d = Director.builder().config(c.toDirectorConfig()).ipvs(t).start()) {
            Map<String, String> want = new TreeMap<>();
            for (VirtualService s : c.virtualServices()) {
                want.put(s.key().toString(), s.realServers().stream().map(r -> r.endpoint() + "=" + r.weight()).sorted()
                        .collect(Collectors.joining(" ")));
            }
            assertThat(rules(t)).isEqualTo(want).hasSize(2);
            List<ServiceState> table = t.serviceStates();
            for (VirtualService s : c.virtualServices()) {
                VirtualService k = table.stream().filter(x -> x.service().key().equals(s.key())).findFirst().orElseThrow()
                        .service();
                assertThat(k.toBuilder().clearRealServers().build()).isEqualTo(s.toBuilder().clearRealServers().build());
            }
            assertStateIsTheTables(d, t);
        }
    }

    static void weight(IpvsTable t) throws Exception {
        try (Director d = Director.builder().config(parse(conf(1)).toDirectorConfig()).ipvs(t).start()) {
            ReconcileResult r = d.weight(WEB, InetAddress.getByName("198.51.100.3"), 80, 9);
            assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
            assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=9");
            assertStateIsTheTables(d, t);
        }
    }

    static void removeIdle(IpvsTable t) throws Exception {
        try (Director d = Director.builder().config(parse(conf(1)).toDirectorConfig())
                .ipvs(t).drainTimeout(java.time.Duration.ofMinutes(1))
                .start()) {
            ReconcileResult r = d.removeRealServer(WEB, InetAddress.getByName("198.51.100.3"), 80);
            assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.REMOVE_SERVER);
            assertThat(r.draining()).isEmpty(); // no connections: deleted at once
            assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3");
            assertStateIsTheTables(d, t);
            r = d.putRealServer(WEB, RealServer.of("198.51.100.3", 80).route().weight(2).build());
            assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.ADD_SERVER);
            assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=2");
        }
    }

    static void reload(IpvsTable t) throws Exception {
        try (Director d = Director.builder().config(parse(conf(1)).toDirectorConfig()).ipvs(t).start()) {
            ReconcileResult r = d.apply(parse(conf(5)).toDirectorConfig());
            assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.EDIT_SERVER);
            r = d.apply(parse(conf(5)).toDirectorConfig());
            assertThat(r.applied()).isEmpty();
            assertThat(rules(t)).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=5");
            assertStateIsTheTables(d, t);
        }
    }

    static void refused(IpvsTable t) throws Exception {
        try (Director d = Director.builder().config(parse(conf(1)).toDirectorConfig()).ipvs(t).start()) {
            String text = conf(1) + "virtual_server 192.0.2.100 443 {\n lb_algo twos\n protocol TCP\n"
                    + " real_server 198.51.100.2 443 {\n }\n}\n"
                    + "virtual_server 192.0.2.100 8080 {\n lb_algo rr\n protocol TCP\n real_server 198.51.100.2 8080 {\n }\n}\n";
            // the lab's kernel (and the in-memory table) have no twos module: ENOENT for that service only
            assertThatThrownBy(() -> d.apply(parse(text).toDirectorConfig()))
                    .isInstanceOfSatisfying(ReconcileException.class, e -> {
                assertThat(e.failures()).isNotEmpty().allSatisfy(f -> assertThat(f.change().key().port()).isEqualTo(443));
                assertThat(e.failures().get(0).error().errno()).isEqualTo(2);
                assertThat(e.applied()).extracting(c -> c.key().port()).contains(8080).doesNotContain(443);
            });
            assertThat(rules(t)).containsOnlyKeys("TCP 192.0.2.100:80", "UDP 192.0.2.100:53", "TCP 192.0.2.100:8080");
            assertThat(d.state().service(ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.100", 443)).orElseThrow()
                    .installed()).isFalse();
            assertStateIsTheTables(d, t);
        }
    }

    static void close(IpvsTable t) throws Exception {
        Director d = Director.builder().config(parse(conf(1)).toDirectorConfig()).ipvs(t).start();
        assertThat(rules(t)).hasSize(2);
        d.close();
        assertThat(rules(t)).isEmpty();
        d.close();
        assertThat(d.isClosed()).isTrue();
    }
}
