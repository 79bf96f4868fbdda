package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.vrrp.RouterState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code vrrp_version 3} in {@code global_defs}, against keepalived 2.2.7 in the next network
 * namespace, both configured alike (no {@code version} in the instance): lvs4j used to warn and
 * keep sending VRRPv2, keepalived dropped those adverts ("wrong version. Received 2 and expect
 * 3"), lvs4j dropped keepalived's VRRPv3 ones, and both held the VIP. Now lvs4j speaks VRRPv3:
 * it hears keepalived's master and stays backup, and at a higher priority (a reload) keepalived
 * hears it and yields.
 */
class DirectorVrrpVersionIT {
    private static final String VIP = "192.0.2.121";

    private static String lvs4jConf(int priority) {
        return "global_defs {\n vrrp_version 3\n}\n"
                + "vrrp_instance VI_1 {\n state BACKUP\n interface " + HostLab.J_IF + "\n virtual_router_id 91\n"
                + " priority " + priority + "\n advert_int 1\n virtual_ipaddress {\n  " + VIP + "/24\n }\n}\n";
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private static boolean has(String ns, String dev) {
        return HostLab.holds(ns, dev, VIP);
    }

    @Test
    void globalVrrpVersion3_keepalivedPeer_eachHearsTheOther_oneMasterAtATime() throws Exception {
        assumeTrue(HostLab.available(), "needs root, keepalived and nginx");
        try (HostLab lab = new HostLab("q")) {
            Path log = lab.keepalived("global_defs {\n router_id ka\n vrrp_version 3\n vrrp_garp_master_delay 0\n}\n"
                    + HostLab.keepalivedInstance("VI_1", "MASTER", 91, 150, VIP + "/24"));
            assertThat(HostLab.waitUntil(Duration.ofSeconds(10), () -> has(lab.ka, HostLab.KA_IF)))
                    .as("keepalived master holds the VIP; log:%n%s", HostLab.read(log)).isTrue();
            try (Director d = Director.builder().config(parse(lvs4jConf(100)).toDirectorConfig())
                    .netns(lab.j).ipvs(new InMemoryIpvs())
                    .start()) {
                // longer than the backup's Master_Down_Interval (3.61 s): had it not heard the master, it would be one
                Thread.sleep(5000);
                assertThat(d.state().instance("VI_1").orElseThrow().state()).as("keepalived log:%n%s",
                        HostLab.read(log)).isEqualTo(RouterState.BACKUP);
                assertThat(has(lab.j, HostLab.J_IF)).isFalse();
                assertThat(has(lab.ka, HostLab.KA_IF)).isTrue();

                d.apply(parse(lvs4jConf(200)).toDirectorConfig()); // now lvs4j preempts, and keepalived must hear it
                assertThat(HostLab.waitUntil(Duration.ofSeconds(8), () -> has(lab.j, HostLab.J_IF)
                        && !has(lab.ka, HostLab.KA_IF))).as("keepalived log:%n%s", HostLab.read(log)).isTrue();
                assertThat(d.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
                assertThat(HostLab.read(log)).contains("Entering BACKUP STATE");
            }
            assertThat(HostLab.read(log)).doesNotContain("wrong version");
        }
    }
}
