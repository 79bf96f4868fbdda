package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@link VrrpNode} does with its typed inputs, whatever the network: the same tests run in
 * memory on a virtual clock ({@code VrrpNodeInMemoryTest}) and on raw sockets in a network
 * namespace ({@code VrrpNodeLinuxIT}). One node alone on its link: it becomes master after its
 * Master_Down_Interval, holds both virtual addresses, runs its notify command, and its tracked
 * script moves its priority.
 */
public abstract class VrrpNodeContract {
    /**
     * A script's timeout defaults to its interval (100 ms here); a fork and exec on a loaded machine
     * can take longer, which fails the check and lowers the priority before the test changes anything.
     */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    protected Path dir;

    private final List<VrrpNode> nodes = new ArrayList<>();
    protected final List<VrrpEvent> events = new ArrayList<>();

    /** The interface instances run on. */
    protected abstract String interfaceName();

    /** A node builder on the network under test (the VIPs are .100 and .101 of its 192.0.2.0/24). */
    protected abstract VrrpNode.Builder<?> builder();

    /** Lets time pass until {@code condition} holds, at most {@code max}; whether it held. */
    protected abstract boolean await(Duration max, BooleanSupplier condition);

    /** Whether the host has {@code vip} on the instance's interface (in memory: what the events said). */
    protected abstract boolean holds(String vip);

    protected VrrpNode start(VrrpNode.Builder<?> b) throws Exception {
        VrrpNode n = b.listener(e -> {
            synchronized (events) {
                events.add(e);
            }
        }).start();
        nodes.add(n);
        return n;
    }

    /** Closes the nodes started (idempotent); a subclass tearing down its network calls it first. */
    @AfterEach
    protected void closeNodes() {
        nodes.forEach(VrrpNode::close);
    }

    protected VrrpInstance.Builder instance(String name, int vrid) {
        return VrrpInstance.builder(name).interfaceName(interfaceName()).virtualRouterId(vrid).version(3)
                .advertInterval(Duration.ofMillis(100));
    }

    private static RouterState state(VrrpNode n, String instance) {
        return n.call(() -> n.router(instance).state());
    }

    private static int priority(VrrpNode n, String instance) {
        return n.call(() -> n.router(instance).effectivePriority());
    }

    @Test
    void alone_becomesMasterWithBothAddresses_andRunsItsNotifyCommand() throws Exception {
        Path notified = dir.resolve("master");
        VrrpNode n = start(builder().instance(instance("VI_1", 61).virtualAddress("192.0.2.100/24")
                .virtualAddress("192.0.2.101/24").notifyMaster("/usr/bin/touch " + notified).build()));
        assertThat(await(Duration.ofSeconds(3), () -> state(n, "VI_1") == RouterState.MASTER)).isTrue();
        assertThat(await(Duration.ofSeconds(2), () -> holds("192.0.2.100") && holds("192.0.2.101"))).isTrue();
        assertThat(await(Duration.ofSeconds(3), () -> Files.exists(notified))).as("notify_master ran").isTrue();
        n.close();
        assertThat(holds("192.0.2.100")).as("closed: addresses given up").isFalse();
    }

    @Test
    void trackedScript_failing_lowersPriority_succeedingAgain_restoresIt() throws Exception {
        Path flag = dir.resolve("healthy");
        Files.writeString(flag, "");
        VrrpScript chk = VrrpScript.builder("chk").command("/usr/bin/test -e " + flag)
                .interval(Duration.ofMillis(100)).timeout(SCRIPT_TIMEOUT).weight(-10).build();
        VrrpNode n = start(builder().script(chk).instance(instance("VI_1", 62).virtualAddress("192.0.2.100/24")
                .trackScript("chk").build()));
        assertThat(await(Duration.ofSeconds(3), () -> state(n, "VI_1") == RouterState.MASTER)).isTrue();
        assertThat(priority(n, "VI_1")).isEqualTo(100);
        Files.delete(flag);
        assertThat(await(Duration.ofSeconds(3), () -> priority(n, "VI_1") == 90)).isTrue();
        Files.writeString(flag, "");
        assertThat(await(Duration.ofSeconds(3), () -> priority(n, "VI_1") == 100)).isTrue();
    }

    @Test
    void trackedScriptNobodyDefines_isIgnored_asKeepalivedDoes() throws Exception {
        VrrpNode n = start(builder().instance(instance("VI_1", 63).virtualAddress("192.0.2.100/24")
                .trackScript("nosuch", -60).build()));
        assertThat(await(Duration.ofSeconds(3), () -> state(n, "VI_1") == RouterState.MASTER)).isTrue();
        assertThat(priority(n, "VI_1")).isEqualTo(100);
    }

    @Test
    void syncGroupTracking_appliesToEveryMember() throws Exception {
        Path flag = dir.resolve("up");
        Files.writeString(flag, "");
        VrrpScript chk = VrrpScript.builder("chk").command("/usr/bin/test -e " + flag)
                .interval(Duration.ofMillis(100)).timeout(SCRIPT_TIMEOUT).build();
        VrrpNode n = start(builder().script(chk)
                .instance(instance("VI_1", 64).virtualAddress("192.0.2.100/24").build())
                .instance(instance("VI_2", 65).virtualAddress("192.0.2.101/24").build())
                .syncGroup(VrrpSyncGroup.builder("G1").member("VI_1").member("VI_2").trackScript("chk").build()));
        assertThat(await(Duration.ofSeconds(3), () -> state(n, "VI_1") == RouterState.MASTER
                && state(n, "VI_2") == RouterState.MASTER)).isTrue();
        Files.delete(flag); // weight 0: the script failing puts every member in FAULT
        assertThat(await(Duration.ofSeconds(3), () -> state(n, "VI_1") == RouterState.FAULT
                && state(n, "VI_2") == RouterState.FAULT)).isTrue();
        assertThat(await(Duration.ofSeconds(2), () -> !holds("192.0.2.100") && !holds("192.0.2.101"))).isTrue();
    }

    @Test
    void start_twoInstancesOnOneVmacName_refusedNamingBoth() {
        VrrpInstance v4 = instance("VI_4", 66).virtualAddress("192.0.2.100/24").useVmac().build();
        VrrpInstance v6 = instance("VI_6", 66).sourceAddress("fe80::1").virtualAddress("2001:db8::100/64").useVmac()
                .build();
        assertThatThrownBy(() -> start(builder().instance(v4).instance(v6))).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_6 use_vmac: \"vrrp.66\" (expected: a macvlan name no other instance uses"
                        + " (VI_4 does))");
    }

    @Test
    void start_syncGroupOfAnUnknownInstance_orAnInstanceInTwoGroups_refused() {
        VrrpInstance vi1 = instance("VI_1", 67).virtualAddress("192.0.2.100/24").build();
        VrrpInstance vi2 = instance("VI_2", 68).virtualAddress("192.0.2.101/24").build();
        assertThatThrownBy(() -> start(builder().instance(vi1).syncGroup(VrrpSyncGroup.builder("G1").member("VI_1")
                .member("VI_9").build()))).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_sync_group G1 group: \"VI_9\" (expected: one of the vrrp_instances [VI_1])");
        assertThatThrownBy(() -> start(builder().instance(vi1).instance(vi2)
                .syncGroup(VrrpSyncGroup.builder("G1").member("VI_1").member("VI_2").build())
                .syncGroup(VrrpSyncGroup.builder("G2").member("VI_2").member("VI_1").build())))
                .hasMessage("vrrp_sync_group G2 group: \"VI_2\" (expected: an instance in no other sync group)");
        assertThatThrownBy(() -> builder().instance(vi1).instance(vi1))
                .hasMessage("vrrp_instance: \"VI_1\" (expected: each name once)");
    }
}
