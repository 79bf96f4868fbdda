package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.ScriptPolicy;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The director's whole configuration as one value: each setter checked at once, references in build(). */
class DirectorConfigTest {
    private static final RealServer A = RealServer.of("198.51.100.2", 80).weight(3).route().build();
    private static final RealServer B = RealServer.of("198.51.100.3", 80).weight(1).route().build();
    private static final VirtualService WEB = VirtualService.tcp("192.0.2.10", 80).realServer(A).realServer(B).build();
    private static final ServiceKey KEY = WEB.key();

    private static VrrpInstance instance(String name) {
        int vrid = 50 + name.charAt(name.length() - 1) - '0'; // VI_1: 51, VI_2: 52
        return VrrpInstance.builder(name).interfaceName("eth0").virtualRouterId(vrid).priority(100)
                .virtualAddress("192.0.2.10/24").build();
    }

    private static ServiceHealth checked() {
        return ServiceHealth.builder(WEB).check(A, Checks.tcp().connectTimeout(Duration.ofSeconds(2)),
                CheckPolicy.DEFAULT).build();
    }

    /** One of each setting. */
    private static DirectorConfig.Builder full() {
        return DirectorConfig.builder()
                .service(checked())
                .quorumUp(KEY, DirectorConfig.Command.of("/usr/local/bin/up web"))
                .quorumDown(KEY, DirectorConfig.Command.of("/usr/local/bin/down web").runAs("nobody"))
                .notifyUp(KEY, A.address(), 80, DirectorConfig.Command.of("/bin/true"))
                .notifyDown(KEY, A.address(), 80, DirectorConfig.Command.of("/bin/false").runAs("nobody", "nogroup"))
                .vrrpInstance(instance("VI_1"))
                .vrrpInstance(instance("VI_2"))
                .vrrpScript(VrrpScript.builder("chk").command("/bin/true").build())
                .vrrpSyncGroup(VrrpSyncGroup.builder("G").member("VI_1").member("VI_2").build())
                .timeouts(Timeouts.ofSeconds(900, 30, 60))
                .syncDaemon(SyncDaemon.builder(SyncDaemon.Role.MASTER, "eth1").syncId(51).build(), "VI_1")
                .flushOnStart(true)
                .flushOnClose(true)
                .scriptPolicy(ScriptPolicy.builder().scriptSecurity(true).build())
                .strictFirewall("VI_1");
    }

    @Test
    void builder_nothingSet_defaults() {
        DirectorConfig c = DirectorConfig.builder().build();

        assertThat(c.services()).isEmpty();
        assertThat(c.vrrpInstances()).isEmpty();
        assertThat(c.vrrpScripts()).isEmpty();
        assertThat(c.vrrpSyncGroups()).isEmpty();
        assertThat(c.timeouts()).isEqualTo(Timeouts.UNCHANGED);
        assertThat(c.syncDaemon()).isEmpty();
        assertThat(c.syncDaemonInstance()).isEmpty();
        assertThat(c.flushOnStart()).isFalse();
        assertThat(c.flushOnClose()).isFalse();
        assertThat(c.scriptPolicy()).isEqualTo(ScriptPolicy.defaults());
        assertThat(c.routeHealthInjection()).isEmpty();
        assertThat(c.strictFirewall()).isEmpty();
        assertThat(c.quorumUp(KEY)).isEmpty();
        assertThat(c).isEqualTo(DirectorConfig.empty());
    }

    @Test
    void builder_everySetting_readBack() {
        DirectorConfig c = full().build();

        assertThat(c.services()).singleElement().satisfies(sh -> assertThat(sh.sameSettings(checked())).isTrue());
        assertThat(c.quorumUp(KEY)).hasValue(new DirectorConfig.Command("/usr/local/bin/up web", null, null));
        assertThat(c.quorumDown(KEY)).hasValue(new DirectorConfig.Command("/usr/local/bin/down web", "nobody", null));
        assertThat(c.notifyUp(KEY, A.address(), 80)).hasValue(DirectorConfig.Command.of("/bin/true"));
        assertThat(c.notifyDown(KEY, A.address(), 80)).hasValue(new DirectorConfig.Command("/bin/false", "nobody",
                "nogroup"));
        assertThat(c.notifyUp(KEY, B.address(), 80)).isEmpty();
        assertThat(c.vrrpInstances()).extracting(VrrpInstance::name).containsExactly("VI_1", "VI_2");
        assertThat(c.vrrpScripts()).extracting(VrrpScript::name).containsExactly("chk");
        assertThat(c.vrrpSyncGroups()).extracting(VrrpSyncGroup::name).containsExactly("G");
        assertThat(c.timeouts()).isEqualTo(Timeouts.ofSeconds(900, 30, 60));
        assertThat(c.syncDaemon()).hasValueSatisfying(d -> assertThat(d.syncId()).isEqualTo(51));
        assertThat(c.syncDaemonInstance()).hasValue("VI_1");
        assertThat(c.flushOnStart()).isTrue();
        assertThat(c.flushOnClose()).isTrue();
        assertThat(c.scriptPolicy().scriptSecurity()).isTrue();
        assertThat(c.strictFirewall()).containsExactly("VI_1");
    }

    @Test
    void equals_sameSettingsBuiltTwice_equalSameHash_oneSettingApart_notEqual() {
        DirectorConfig a = full().build();
        DirectorConfig b = full().build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(full().flushOnClose(false).build());
        assertThat(a).isNotEqualTo(full().timeouts(Timeouts.ofSeconds(901, 30, 60)).build());
        assertThat(a).isNotEqualTo(full().quorumUp(KEY, DirectorConfig.Command.of("/usr/local/bin/UP")).build());
        assertThat(a).isNotEqualTo(full().notifyUp(KEY, B.address(), 80, DirectorConfig.Command.of("/bin/true"))
                .build());
        ServiceHealth weightChanged = ServiceHealth.builder(WEB.toBuilder().clearRealServers()
                .realServer(A.withWeight(4)).realServer(B).build()).build();
        DirectorConfig.Builder other = DirectorConfig.builder().service(weightChanged);
        assertThat(DirectorConfig.builder().service(ServiceHealth.builder(WEB).build()).build())
                .isNotEqualTo(other.build());
    }

    @Test
    void toBuilder_unchanged_equal_changedCopy_leavesOriginal() {
        DirectorConfig a = full().build();

        assertThat(a.toBuilder().build()).isEqualTo(a);
        DirectorConfig b = a.toBuilder().flushOnStart(false)
                .notifyUp(KEY, B.address(), 80, DirectorConfig.Command.of("/bin/echo b")).build();
        assertThat(b.flushOnStart()).isFalse();
        assertThat(b.notifyUp(KEY, B.address(), 80)).isPresent();
        assertThat(a.flushOnStart()).isTrue();
        assertThat(a.notifyUp(KEY, B.address(), 80)).isEmpty();
        assertThat(b.notifyUp(KEY, A.address(), 80)).hasValue(DirectorConfig.Command.of("/bin/true"));
    }

    @Test
    void services_returned_immutable() {
        DirectorConfig c = full().build();

        assertThatThrownBy(() -> c.services().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.strictFirewall().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void service_sameKeyTwice_refusedAtOnce() {
        DirectorConfig.Builder b = DirectorConfig.builder().service(WEB);

        assertThatThrownBy(() -> b.service(checked())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("service: TCP 192.0.2.10:80 (expected: each service once)");
    }

    @Test
    void namedSettings_sameNameTwice_refusedAtOnce() {
        DirectorConfig.Builder b = full();

        assertThatThrownBy(() -> b.vrrpInstance(instance("VI_1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_instance: \"VI_1\" (expected: each name once)");
        assertThatThrownBy(() -> b.vrrpScript(VrrpScript.builder("chk").command("/bin/false").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_script: \"chk\" (expected: each name once)");
        assertThatThrownBy(() -> b.vrrpSyncGroup(VrrpSyncGroup.builder("G").member("VI_1").member("VI_2").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_sync_group: \"G\" (expected: each name once)");
        assertThatThrownBy(() -> b.strictFirewall("VI_1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strict firewall instance: \"VI_1\" (expected: each instance once)");
    }

    @Test
    void setters_null_refusedAtOnce() {
        DirectorConfig.Builder b = DirectorConfig.builder();

        assertThatThrownBy(() -> b.service((ServiceHealth) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("service: null (expected: non-null)");
        assertThatThrownBy(() -> b.timeouts(null)).hasMessage("timeouts: null (expected: non-null)");
        assertThatThrownBy(() -> b.scriptPolicy(null)).hasMessage("script policy: null (expected: non-null)");
        assertThatThrownBy(() -> b.routeHealthInjection(null))
                .hasMessage("routeHealthInjection: null (expected: non-null)");
        assertThatThrownBy(() -> b.syncDaemon(null)).hasMessage("sync daemon: null (expected: non-null)");
        assertThatThrownBy(() -> b.quorumUp(null, DirectorConfig.Command.of("/bin/true")))
                .hasMessage("service key: null (expected: non-null)");
        assertThatThrownBy(() -> b.quorumDown(KEY, null)).hasMessage("quorum down command: null (expected: non-null)");
        assertThatThrownBy(() -> b.vrrpInstance(null)).hasMessage("vrrp_instance: null (expected: non-null)");
        assertThat(b.build()).as("nothing half-set").isEqualTo(DirectorConfig.empty());
    }

    @Test
    void notify_portOutOfRange_refusedAtOnce() {
        DirectorConfig.Builder b = DirectorConfig.builder();

        assertThatThrownBy(() -> b.notifyUp(KEY, A.address(), 65536, DirectorConfig.Command.of("/bin/true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port: 65536 (expected: ");
        assertThat(b.build()).as("nothing half-set").isEqualTo(DirectorConfig.empty());
    }

    @Test
    void command_blankOrGroupWithoutUser_refused() {
        assertThatThrownBy(() -> DirectorConfig.Command.of(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command: \" \" (expected: a command line)");
        assertThatThrownBy(() -> new DirectorConfig.Command("/bin/true", null, "wheel"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("group: \"wheel\" (expected: a group name, with a user)");
        assertThat(DirectorConfig.Command.of("/bin/true").runAs("nobody", "nogroup"))
                .isEqualTo(new DirectorConfig.Command("/bin/true", "nobody", "nogroup"));
    }

    @Test
    void build_commandOfUnknownService_refused() {
        ServiceKey other = VirtualService.tcp("192.0.2.11", 80).build().key();
        DirectorConfig.Builder b = DirectorConfig.builder().service(WEB)
                .quorumUp(other, DirectorConfig.Command.of("/bin/true"));

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command's service: TCP 192.0.2.11:80 (expected: one of the services)");
    }

    @Test
    void build_notifyOfUnknownRealServer_refused() throws Exception {
        DirectorConfig.Builder b = DirectorConfig.builder().service(WEB)
                .notifyDown(KEY, InetAddress.getByName("198.51.100.9"), 80, DirectorConfig.Command.of("/bin/true"));

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("notify down real server: \"198.51.100.9:80\" (expected: one of TCP 192.0.2.10:80's real"
                        + " servers)");
    }

    @Test
    void build_syncDaemonOrStrictFirewallOfUnknownInstance_refused() {
        SyncDaemon d = SyncDaemon.builder(SyncDaemon.Role.MASTER, "eth1").build();

        assertThatThrownBy(() -> DirectorConfig.builder().vrrpInstance(instance("VI_1")).syncDaemon(d, "VI_2").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sync daemon instance: \"VI_2\" (expected: one of the vrrp instances [VI_1])");
        assertThatThrownBy(() -> DirectorConfig.builder().vrrpInstance(instance("VI_1")).strictFirewall("VI_3").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strict firewall instance: \"VI_3\" (expected: one of the vrrp instances [VI_1])");
    }

    @Test
    void build_syncGroupOfUnknownInstance_refused() {
        DirectorConfig.Builder b = DirectorConfig.builder().vrrpInstance(instance("VI_1"))
                .vrrpSyncGroup(VrrpSyncGroup.builder("G").member("VI_1").member("VI_3").build());

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VI_3").hasMessageContaining("expected: one of the vrrp_instances");
    }

    @Test
    void directorBuilder_configThenSetters_addToIt_configReplacesEarlierSetters() throws Exception {
        VirtualService other = VirtualService.tcp("192.0.2.11", 80).realServer(B).build();
        VirtualService dropped = VirtualService.tcp("192.0.2.12", 80).realServer(B).build();
        InMemoryIpvs t = new InMemoryIpvs();
        try (Director d = Director.builder().service(dropped).config(DirectorConfig.builder().service(WEB).build())
                .service(other).ipvs(t).virtualClock(new VirtualClock()).start()) {
            assertThat(t.serviceStates()).extracting(ServiceState::service).extracting(VirtualService::key)
                    .containsExactlyInAnyOrder(KEY, other.key());

            d.apply(DirectorConfig.builder().service(other).build());

            assertThat(t.serviceStates()).extracting(ServiceState::service).extracting(VirtualService::key)
                    .containsExactly(other.key());
        }
        assertThatThrownBy(() -> Director.builder().config(DirectorConfig.builder().service(WEB).build()).service(WEB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("service: TCP 192.0.2.10:80 (expected: each service once)");
    }
}
