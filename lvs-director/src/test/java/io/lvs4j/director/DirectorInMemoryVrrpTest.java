package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.internal.Addresses;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.DropReason;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpRouter;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
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
 * A director's in-memory VRRP is the node that runs on Linux, over an in-memory network: what a
 * keepalived.conf says reaches the wire and the host the same way (the version, the notify
 * commands), and typed instances work without any keepalived record.
 */
class DirectorInMemoryVrrpTest {
    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final List<Director> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        started.forEach(Director::close);
    }

    private Director start(Director.Builder b, String node, String address) throws Exception {
        Director d = b.ipvs(new InMemoryIpvs()).virtualClock(clock)
                .inMemoryVrrp(network, node, InetAddress.getByName(address)).start();
        started.add(d);
        return d;
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private static RouterState state(Director d) {
        return d.state().instance("VI_1").orElseThrow().state();
    }

    /**
     * {@code vrrp_version 3} in global_defs: the instance (no version of its own) speaks VRRPv3, so
     * a VRRPv3 peer of lower priority hears the director and stays backup; lvs4j used to send VRRPv2
     * here, which the peer dropped ("wrong version"), and both held the VIP.
     */
    @Test
    void globalVrrpVersion3_instanceSpeaksV3_aV3PeerHearsIt() throws Exception {
        Director d = start(Director.builder().config(parse("global_defs {\n vrrp_version 3\n}\n"
                + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 200\n"
                + " virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n").toDirectorConfig()), "a", "192.0.2.1");
        VrrpInstance peerInstance = VrrpInstance.builder("peer").interfaceName("eth0").virtualRouterId(51)
                .version(3).priority(100).sourceAddress("192.0.2.2").virtualAddress("192.0.2.100/24").build();
        VrrpRouter peer = VrrpRouter.create(peerInstance, network.attach("b", Addresses.parse("192.0.2.2", "a")),
                clock);
        peer.start();
        clock.advance(Duration.ofSeconds(10));
        assertThat(state(d)).isEqualTo(RouterState.MASTER);
        assertThat(peer.state()).isEqualTo(RouterState.BACKUP);
        assertThat(peer.statistics().dropped(DropReason.VERSION_MISMATCH)).isZero();
        assertThat(peer.statistics().advertisementsAccepted()).isPositive();
    }

    /** The in-memory VRRP ran no notify commands; the one node runs them wherever it runs. */
    @Test
    void notifyMaster_inMemory_runsTheCommand() throws Exception {
        Path master = dir.resolve("master");
        Director d = start(Director.builder().vrrpInstance(VrrpInstance.builder("VI_1").interfaceName("eth0")
                .virtualRouterId(51).virtualAddress("192.0.2.100/24").virtualAddress("192.0.2.101/24")
                .notifyMaster("/usr/bin/touch " + master).build()), "a", "192.0.2.1");
        clock.advance(Duration.ofSeconds(5));
        assertThat(state(d)).isEqualTo(RouterState.MASTER);
        assertThat(d.state().instance("VI_1").orElseThrow().virtualAddresses())
                .containsExactly("192.0.2.100/24", "192.0.2.101/24");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(master) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(master).exists();
    }

    /** Typed scripts and instances, no keepalived record: the script's failure moves the priority. */
    @Test
    void typedScriptAndInstance_trackedScriptLowersPriority() throws Exception {
        Path flag = dir.resolve("ok");
        Files.writeString(flag, "");
        Director d = start(Director.builder()
                .vrrpScript(VrrpScript.builder("chk").command("/usr/bin/test -e " + flag).weight(-30).build())
                .vrrpInstance(VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51)
                        .virtualAddress("192.0.2.100/24").trackScript("chk").build()), "a", "192.0.2.1");
        clock.advance(Duration.ofSeconds(5));
        assertThat(state(d)).isEqualTo(RouterState.MASTER);
        Files.delete(flag);
        clock.advance(Duration.ofSeconds(2));
        assertThat(d.state().instance("VI_1").orElseThrow().effectivePriority()).isEqualTo(70);
    }

    /** Names given twice fail where they are given, naming the block, not at start(). */
    @Test
    void builder_scriptOrSyncGroupNameTwice_rejectedAtOnce() {
        VrrpScript chk = VrrpScript.builder("chk").command("/bin/true").build();
        Director.Builder b = Director.builder().vrrpScript(chk);
        assertThatThrownBy(() -> b.vrrpScript(chk.toBuilder().weight(-10).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_script: \"chk\" (expected: each name once)");
        VrrpSyncGroup g = VrrpSyncGroup.builder("G1").member("VI_1").member("VI_2").build();
        b.vrrpSyncGroup(g);
        assertThatThrownBy(() -> b.vrrpSyncGroup(g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_sync_group: \"G1\" (expected: each name once)");
    }

    /** No null needed: a node whose instances give their source address takes no node address. */
    @Test
    void inMemoryVrrp_withoutNodeAddress_instanceSendsFromItsSourceAddress() throws Exception {
        assertThatThrownBy(() -> Director.builder().inMemoryVrrp(network, "a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("address: null (expected: non-null)");
        Director d = Director.builder().ipvs(new InMemoryIpvs()).virtualClock(clock).inMemoryVrrp(network, "a")
                .vrrpInstance(VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51)
                        .sourceAddress("192.0.2.1").virtualAddress("192.0.2.100/24").build())
                .start();
        started.add(d);
        clock.advance(Duration.ofSeconds(5));
        assertThat(state(d)).isEqualTo(RouterState.MASTER);
    }
}
