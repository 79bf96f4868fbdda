package io.lvs4j.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.director.DirectorConfig;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.vrrp.VrrpInstance;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** keepalived.conf onto the director's typed configuration: the same value the fluent builders give. */
class KeepalivedMapperTest {
    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private static final String CONF = "global_defs {\n lvs_timeouts tcp 900 tcpfin 30 udp 60\n lvs_flush\n"
            + " lvs_sync_daemon eth1 VI_1\n vrrp_strict\n}\n"
            + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n"
            + " virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n"
            + "virtual_server 192.0.2.10 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
            + " quorum_up /usr/local/bin/quorum-up\n"
            + " real_server 198.51.100.2 {\n  weight 3\n  notify_down /bin/false\n"
            + "  TCP_CHECK {\n   connect_timeout 2\n  }\n }\n}\n";

    @Test
    void toDirectorConfig_fileAndFluentBuilders_equal() throws Exception {
        DirectorConfig fromFile = parse(CONF).toDirectorConfig();

        RealServer rs = RealServer.of("198.51.100.2", 80).weight(3).route().build(); // DR: the service's port
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.WRR).realServer(rs).build();
        DirectorConfig fluent = DirectorConfig.builder()
                .service(ServiceHealth.builder(web)
                        .check(rs, Checks.tcp().connectTimeout(Duration.ofSeconds(2)), CheckPolicy.builder().build())
                        .build())
                .quorumUp(web.key(), DirectorConfig.Command.of("/usr/local/bin/quorum-up"))
                .notifyDown(web.key(), rs.address(), 80, DirectorConfig.Command.of("/bin/false"))
                .vrrpInstance(fromFile.vrrpInstances().get(0)) // VrrpMappingTest compares instances
                .timeouts(Timeouts.ofSeconds(900, 30, 60))
                .flushOnStart(true)
                .syncDaemon(SyncDaemon.builder(SyncDaemon.Role.MASTER, "eth1").syncId(51).build(), "VI_1")
                .strictFirewall("VI_1")
                .build();
        assertThat(fromFile).isEqualTo(fluent);
        assertThat(fromFile.services().get(0).checks().get(0).checker())
                .isEqualTo(fluent.services().get(0).checks().get(0).checker());
    }

    @Test
    void toDirectorConfig_realServerWithoutPortInNatService_checksAndNotifyOnServicePort() throws Exception {
        DirectorConfig c = parse("virtual_server 192.0.2.10 80 {\n lb_kind NAT\n protocol TCP\n"
                + " real_server 198.51.100.2 {\n  notify_up /bin/true\n  TCP_CHECK {\n  }\n }\n"
                + " real_server 198.51.100.2 8080 {\n  TCP_CHECK {\n   connect_timeout 2\n  }\n }\n}\n")
                .toDirectorConfig();

        ServiceHealth sh = c.services().get(0);
        RealServer on80 = RealServer.of("198.51.100.2", 80).build();
        RealServer on8080 = RealServer.of("198.51.100.2", 8080).build();
        assertThat(sh.checks()).hasSize(2);
        assertThat(sh.checks().get(0).realServer().port()).isEqualTo(80);
        assertThat(sh.checks().get(0).checker()).isEqualTo(ServiceHealth.builder(sh.service())
                .check(on80, Checks.tcp(), CheckPolicy.DEFAULT).build().checks().get(0).checker());
        assertThat(sh.checks().get(1).realServer().port()).isEqualTo(8080);
        assertThat(sh.checked(on8080)).isTrue();
        assertThat(c.notifyUp(sh.service().key(), on80.address(), 80)).hasValue(DirectorConfig.Command.of("/bin/true"));
        assertThat(c.notifyUp(sh.service().key(), on80.address(), 8080)).isEmpty();
    }

    @Test
    void map_sameMapperOneWeightChanged_unchangedServicesSameObjects() throws Exception {
        String two = CONF + "virtual_server 192.0.2.11 80 {\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.3 80 {\n  weight 1\n }\n}\n";
        KeepalivedMapper mapper = KeepalivedMapper.create();
        DirectorConfig first = mapper.map(parse(two));

        DirectorConfig second = mapper.map(parse(two.replace("weight 1\n", "weight 2\n")));

        assertThat(second.services().get(0)).isSameAs(first.services().get(0));
        assertThat(second.services().get(1)).isNotSameAs(first.services().get(1));
        assertThat(second.services().get(1).service().realServers().get(0).weight()).isEqualTo(2);
        // a fresh mapper maps every block again: equal settings, other objects
        DirectorConfig fresh = KeepalivedMapper.create().map(parse(two));
        assertThat(fresh).isEqualTo(first);
        assertThat(fresh.services().get(0)).isNotSameAs(first.services().get(0));
    }

    @Test
    void toDirectorConfig_noVrrp_noInstances() throws Exception {
        DirectorConfig c = parse("virtual_server 192.0.2.10 80 {\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.2 80 {\n }\n}\n").toDirectorConfig();

        assertThat(c.vrrpInstances()).extracting(VrrpInstance::name).isEmpty();
        assertThat(c.syncDaemon()).isEmpty();
        assertThat(c.flushOnStart()).isFalse();
        assertThat(c.services()).hasSize(1);
    }
}
