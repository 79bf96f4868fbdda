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
 * Issue 16, point 6, against keepalived 2.2.7 in the next network namespace, both with AH
 * authentication (VRRPv2): keepalived runs as master for a while (its AH counter grows), then the
 * lvs4j director of higher priority starts, is master, stops (priority 0: keepalived takes over
 * and counts on) and starts again with its counter at 0. Each time keepalived must accept the
 * director's adverts and yield at once: it used to drop them as replays ("sequence number ...
 * already processed") until the director's counter passed keepalived's, and both held the VIP.
 */
class DirectorAhRestartIT {
    private static final String VIP = "192.0.2.131";

    private static String lvs4jConf() {
        return "vrrp_instance VI_1 {\n state BACKUP\n interface " + HostLab.J_IF + "\n virtual_router_id 93\n"
                + " priority 200\n advert_int 1\n authentication {\n  auth_type AH\n  auth_pass s3cret\n }\n"
                + " virtual_ipaddress {\n  " + VIP + "/24\n }\n}\n";
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private static boolean has(String ns, String dev) {
        return HostLab.holds(ns, dev, VIP);
    }

    @Test
    void ahPeerRestarted_keepalivedAcceptsItAtOnce_oneMaster() throws Exception {
        assumeTrue(HostLab.available(), "needs root, keepalived and nginx");
        try (HostLab lab = new HostLab("ah")) {
            Path log = lab.keepalived("global_defs {\n router_id ka\n vrrp_garp_master_delay 0\n}\n"
                    + "vrrp_instance VI_1 {\n state MASTER\n interface " + HostLab.KA_IF + "\n virtual_router_id 93\n"
                    + " priority 100\n advert_int 1\n authentication {\n  auth_type AH\n  auth_pass s3cret\n }\n"
                    + " virtual_ipaddress {\n  " + VIP + "/24\n }\n}\n");
            assertThat(HostLab.waitUntil(Duration.ofSeconds(10), () -> has(lab.ka, HostLab.KA_IF)))
                    .as("keepalived master holds the VIP; log:%n%s", HostLab.read(log)).isTrue();
            Thread.sleep(12_000); // keepalived's counter passes 12 before the director starts
            for (int run = 1; run <= 2; run++) {
                try (Director d = Director.builder().config(parse(lvs4jConf()).toDirectorConfig())
                        .netns(lab.j).ipvs(new InMemoryIpvs())
                        .start()) {
                    // the director's Master_Down_Interval is about 3.2 s; keepalived yields on its first advert
                    boolean one = HostLab.waitUntil(Duration.ofSeconds(7), () -> has(lab.j, HostLab.J_IF)
                            && !has(lab.ka, HostLab.KA_IF));
                    assertThat(one).as("run %d: the director alone holds the VIP; keepalived log:%n%s", run,
                            HostLab.read(log)).isTrue();
                    Thread.sleep(3000);
                    assertThat(d.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
                    assertThat(has(lab.ka, HostLab.KA_IF)).as("run %d: keepalived stays backup", run).isFalse();
                }
                // priority 0: keepalived takes over and counts on while the director is away
                assertThat(HostLab.waitUntil(Duration.ofSeconds(5), () -> has(lab.ka, HostLab.KA_IF))).isTrue();
                Thread.sleep(8000);
            }
        }
    }
}
