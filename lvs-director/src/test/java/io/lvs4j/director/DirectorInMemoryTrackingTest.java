package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory VRRP of a {@link Director} tracks as the raw-socket one does: the instance's
 * interface and its {@code track_interface}s follow the network's simulated link state, and
 * {@code track_script}s run for real on the virtual clock. Two directors (priority 100 and 99)
 * on one in-memory network.
 */
class DirectorInMemoryTrackingTest {
    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final List<Director> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        started.forEach(Director::close);
    }

    private static String conf(int priority, String tracking) {
        return "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n priority " + priority
                + "\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n" + tracking + "}\n";
    }

    private Director start(String text, String node, String address) throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
        Director d = Director.builder().config(c.toDirectorConfig()).ipvs(new InMemoryIpvs()).virtualClock(clock)
                .inMemoryVrrp(network, node, InetAddress.getByName(address)).start();
        started.add(d);
        return d;
    }

    private void advance(Duration d) {
        clock.advance(d);
    }

    private static RouterState state(Director d) {
        return d.state().instance("VI_1").orElseThrow().state();
    }

    @Test
    void trackInterface_linkDown_fault_backupTakesOver_linkUp_preemptsBack() throws Exception {
        Director a = start(conf(100, " track_interface {\n  eth1\n }\n"), "a", "192.0.2.1");
        Director b = start(conf(99, ""), "b", "192.0.2.2");
        advance(Duration.ofSeconds(5));
        assertThat(state(a)).isEqualTo(RouterState.MASTER);
        assertThat(state(b)).isEqualTo(RouterState.BACKUP);

        network.interfaceUp("a", "eth1", false);
        advance(Duration.ofSeconds(5));
        assertThat(state(a)).isEqualTo(RouterState.FAULT);
        assertThat(state(b)).isEqualTo(RouterState.MASTER);

        network.interfaceUp("b", "eth1", false); // another node's interface: b tracks no eth1, a unaffected
        network.interfaceUp("a", "eth1", true);
        advance(Duration.ofSeconds(5));
        assertThat(state(a)).isEqualTo(RouterState.MASTER);
        assertThat(state(b)).isEqualTo(RouterState.BACKUP);
    }

    @Test
    void trackInterface_weighted_lowersPriorityInsteadOfFault() throws Exception {
        Director a = start(conf(100, " track_interface {\n  eth1 weight -5\n }\n"), "a", "192.0.2.1");
        Director b = start(conf(99, ""), "b", "192.0.2.2");
        advance(Duration.ofSeconds(5));
        network.interfaceUp("a", "eth1", false);
        advance(Duration.ofSeconds(5));
        assertThat(a.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(95);
        assertThat(state(a)).isEqualTo(RouterState.BACKUP);
        assertThat(state(b)).isEqualTo(RouterState.MASTER);
    }

    @Test
    void primaryInterfaceDown_fault_unlessDontTrackPrimary() throws Exception {
        Director a = start(conf(100, ""), "a", "192.0.2.1");
        Director c = start(conf(98, " dont_track_primary\n").replace("virtual_router_id 51", "virtual_router_id 52"),
                "a", "192.0.2.3");
        advance(Duration.ofSeconds(5));
        assertThat(state(a)).isEqualTo(RouterState.MASTER);
        assertThat(state(c)).isEqualTo(RouterState.MASTER);
        network.interfaceUp("a", "eth0", false);
        advance(Duration.ofSeconds(1));
        assertThat(state(a)).isEqualTo(RouterState.FAULT);
        assertThat(state(c)).isEqualTo(RouterState.MASTER);
    }

    @Test
    void trackScript_notDefined_ignoredAsKeepalivedDoes() throws Exception {
        Director a = start(conf(100, " track_script {\n  nosuch\n }\n"), "a", "192.0.2.1");
        advance(Duration.ofSeconds(5));
        assertThat(state(a)).isEqualTo(RouterState.MASTER);
        assertThat(a.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(100);
    }

    @Test
    void trackScript_runsOnTheVirtualClock_failureLowersPriority_successRestores() throws Exception {
        Path flag = dir.resolve("healthy");
        Files.writeString(flag, "");
        String script = "vrrp_script chk {\n script \"/usr/bin/test -e " + flag + "\"\n interval 1\n weight -10\n"
                + " fall 2\n rise 1\n}\n";
        Director a = start(script + conf(100, " track_script {\n  chk\n }\n"), "a", "192.0.2.1");
        Director b = start(conf(95, ""), "b", "192.0.2.2");
        advance(Duration.ofSeconds(5));
        assertThat(state(a)).isEqualTo(RouterState.MASTER);
        assertThat(a.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(100);

        Files.delete(flag);
        advance(Duration.ofSeconds(1)); // one failure: fall 2 not reached
        assertThat(a.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(100);
        advance(Duration.ofSeconds(1)); // the second: failed, priority 90
        assertThat(a.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(90);
        advance(Duration.ofSeconds(5)); // b ignores the lower priority adverts; its master down timer fires
        assertThat(state(a)).isEqualTo(RouterState.BACKUP);
        assertThat(state(b)).isEqualTo(RouterState.MASTER);

        Files.writeString(flag, "");
        advance(Duration.ofSeconds(5));
        assertThat(a.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(100);
        assertThat(state(a)).isEqualTo(RouterState.MASTER);
    }

    @Test
    void state_scriptFailsInterfaceDown_trackedObjectsWithResultAndWeight() throws Exception {
        Path flag = dir.resolve("healthy");
        Files.writeString(flag, "");
        String script = "vrrp_script chk {\n script \"/usr/bin/test -e " + flag + "\"\n interval 1\n weight -10\n"
                + " fall 1\n rise 1\n}\n";
        Director a = start(script + conf(100, " track_script {\n  chk\n }\n track_interface {\n  eth1 weight -5\n }\n"),
                "a", "192.0.2.1");
        advance(Duration.ofSeconds(3));
        DirectorState.Instance up = a.state().instance("VI_1").orElseThrow();
        assertThat(up.trackedScripts()).extracting(t -> t.name() + " " + t.isUp() + " " + t.weight())
                .containsExactly("chk true -10");
        assertThat(up.trackedInterfaces()).extracting(t -> t.name() + " " + t.isUp() + " " + t.weight())
                .contains("eth1 true -5");

        Files.delete(flag);
        network.interfaceUp("a", "eth1", false);
        advance(Duration.ofSeconds(3));
        DirectorState.Instance down = a.state().instance("VI_1").orElseThrow();
        assertThat(down.effectivePriority()).isEqualTo(85);
        assertThat(down.trackedScripts()).singleElement().satisfies(t -> {
            assertThat(t.isUp()).isFalse();
            assertThat(t.kind()).isEqualTo(io.lvs4j.vrrp.TrackedObject.Kind.SCRIPT);
        });
        assertThat(down.trackedInterfaces()).extracting(t -> t.name() + " " + t.isUp() + " " + t.weight())
                .contains("eth1 false -5");
    }
}
