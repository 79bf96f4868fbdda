package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reload builds every new VRRP unit before it stops a running one: a unit that cannot be built
 * leaves everything as it was (issue 16, point 7). In-memory VRRP on a virtual clock, an in-memory
 * IPVS table. The director's node has no address of its own, so an instance without
 * {@code unicast_src_ip} is one the network refuses: the unit that cannot be built.
 */
class DirectorReloadTest {
    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final InMemoryIpvs table = new InMemoryIpvs();
    private final List<DirectorEvent> events = new ArrayList<>();
    private Director director;

    @AfterEach
    void close() {
        if (director != null) {
            director.close();
        }
    }

    private static String instance(String name, int vrid, int priority, String source, String vip) {
        return "vrrp_instance " + name + " {\n state BACKUP\n interface eth0\n virtual_router_id " + vrid
                + "\n priority " + priority + "\n advert_int 1\n"
                + (source == null ? "" : " unicast_src_ip " + source + "\n")
                + " virtual_ipaddress {\n  " + vip + "/24\n }\n}\n";
    }

    private static String service(String vip, int port, int weight) {
        return "virtual_server " + vip + " " + port + " {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.2 " + port + " {\n  weight " + weight + "\n }\n}\n";
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    /** The table as "service: rs=weight ..." lines, sorted: independent of the director's code. */
    private Map<String, String> rules() {
        Map<String, String> out = new TreeMap<>();
        for (ServiceState s : table.serviceStates()) {
            out.put(s.service().key().toString(), s.service().realServers().stream()
                    .map(r -> r.endpoint() + "=" + r.weight()).sorted().collect(Collectors.joining(" ")));
        }
        return out;
    }

    private Director start(String conf) throws Exception {
        director = Director.builder().config(parse(conf).toDirectorConfig())
                .ipvs(table).virtualClock(clock).inMemoryVrrp(network, "a")
                .listener(events::add).start();
        clock.advance(Duration.ofSeconds(5));
        return director;
    }

    private DirectorState.Instance view(String name) {
        return director.state().instance(name).orElseThrow();
    }

    @Test
    void apply_changedInstanceCannotBeBuilt_runningInstanceAndTableUntouched() throws Exception {
        start(instance("VI_1", 51, 100, "192.0.2.1", "192.0.2.100") + service("192.0.2.100", 80, 1));
        assertThat(view("VI_1").state()).isEqualTo(RouterState.MASTER);
        Map<String, String> before = rules();
        events.clear();
        // VI_1 changes (priority) and loses its source address; a service is added and one changes
        String bad = instance("VI_1", 51, 120, null, "192.0.2.100") + service("192.0.2.100", 80, 5)
                + service("192.0.2.100", 443, 1);

        assertThatThrownBy(() -> director.apply(parse(bad).toDirectorConfig()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("VRRP VI_1 cannot start: vrrp_instance VI_1 source address")
                .hasMessageEndingWith("; nothing was changed");

        clock.advance(Duration.ofSeconds(5));
        assertThat(view("VI_1").state()).isEqualTo(RouterState.MASTER);
        assertThat(view("VI_1").priority()).isEqualTo(100);
        assertThat(view("VI_1").addressesHeld()).isTrue();
        assertThat(rules()).isEqualTo(before);
        assertThat(events).noneMatch(e -> e instanceof DirectorEvent.VrrpTransition
                || e instanceof DirectorEvent.ConfigApplied || e instanceof DirectorEvent.KernelChange);
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.Failure).singleElement()
                .satisfies(e -> assertThat(((DirectorEvent.Failure) e).operation()).isEqualTo("reload"));
        // a good file afterwards is applied as usual
        director.apply(parse(instance("VI_1", 51, 120, "192.0.2.1", "192.0.2.100") + service("192.0.2.100", 80, 5))
                .toDirectorConfig());
        clock.advance(Duration.ofSeconds(5));
        assertThat(view("VI_1").priority()).isEqualTo(120);
        assertThat(view("VI_1").state()).isEqualTo(RouterState.MASTER);
        assertThat(rules()).containsExactlyEntriesOf(Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=5"));
    }

    @Test
    void apply_newInstanceCannotBeBuilt_removedAndChangedOnesKeepRunning() throws Exception {
        start(instance("VI_1", 51, 100, "192.0.2.1", "192.0.2.100") + instance("VI_2", 52, 100, "192.0.2.1",
                "192.0.2.101"));
        assertThat(view("VI_2").state()).isEqualTo(RouterState.MASTER);
        events.clear();
        // VI_1 goes, VI_2 changes, VI_3 is new and cannot be built
        String bad = instance("VI_2", 52, 110, "192.0.2.1", "192.0.2.101")
                + instance("VI_3", 53, 100, null, "192.0.2.102");

        assertThatThrownBy(() -> director.apply(parse(bad).toDirectorConfig()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("VRRP VI_3 cannot start: ");

        clock.advance(Duration.ofSeconds(5));
        assertThat(director.state().instances()).extracting(DirectorState.Instance::name)
                .containsExactly("VI_1", "VI_2");
        assertThat(view("VI_1").state()).isEqualTo(RouterState.MASTER);
        assertThat(view("VI_2").state()).isEqualTo(RouterState.MASTER);
        assertThat(view("VI_2").priority()).isEqualTo(100);
        assertThat(events).noneMatch(e -> e instanceof DirectorEvent.VrrpTransition);
    }

    /** A replaced unit's last events (its stop) are its own: the new unit of the same name starts clean. */
    @Test
    void apply_changedInstance_oldUnitsStopEventsDoNotReachTheNewOne() throws Exception {
        start(instance("VI_1", 51, 100, "192.0.2.1", "192.0.2.100"));
        events.clear();

        director.apply(parse(instance("VI_1", 51, 255, "192.0.2.1", "192.0.2.100")).toDirectorConfig());

        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.VrrpTransition)
                .extracting(e -> ((DirectorEvent.VrrpTransition) e).to())
                .containsExactly(RouterState.INIT, RouterState.MASTER);
        clock.advance(Duration.ofSeconds(5));
        assertThat(view("VI_1").state()).isEqualTo(RouterState.MASTER);
        assertThat(view("VI_1").addressesHeld()).isTrue();
    }
}
