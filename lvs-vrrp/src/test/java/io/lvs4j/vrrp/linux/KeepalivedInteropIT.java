package io.lvs4j.vrrp.linux;

import static io.lvs4j.vrrp.linux.Lab.keepalivedConf;
import static io.lvs4j.vrrp.linux.Lab.keepalivedInstance;
import static io.lvs4j.vrrp.linux.Lab.lvs4jInstance;
import static io.lvs4j.vrrp.linux.Lab.vip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.vrrp.DropReason;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpRouter;
import io.lvs4j.vrrp.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.config.VrrpState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * lvs4j against the real keepalived 2.2.7, each in a network namespace of its own joined by a veth
 * pair. keepalived runs as a process killed by PID; lvs4j runs in this JVM with its sockets created
 * in its namespace. VIPs are checked with {@code ip -n NS addr}.
 */
class KeepalivedInteropIT {
    private Lab lab;
    private VrrpNode node;

    @BeforeAll
    static void needsRootAndKeepalived() {
        assumeTrue(Lab.available(), "needs root and keepalived");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (node != null) {
            node.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private VrrpNode start(VrrpInstanceConfig c) throws Exception {
        node = VrrpNode.builder().namespace(lab.j).instances(List.of(c)).start();
        return node;
    }

    private RouterState state(String instance) {
        return node.call(() -> node.router(instance).state());
    }

    private static boolean has(String ns, String dev, String vip) {
        return Lab.addresses(ns, dev).contains(" " + vip + "/");
    }

    @Test
    void keepalivedMaster_killed_lvs4jBackupTakesVipWithinMasterDownAndGivesItBackOnPreempt() throws Exception {
        lab = new Lab("a");
        Lab.Keepalived k = lab.keepalived("ka1", keepalivedConf("ka1", keepalivedInstance("VI_1", "MASTER", 51, 150, "1",
                2, null, "192.0.2.100/24", "")));
        assertThat(Lab.waitUntil(Duration.ofSeconds(10), () -> has(lab.ka, Lab.KA_IF, "192.0.2.100")))
                .as("keepalived master holds the VIP; log:%n%s", k.log()).isTrue();
        start(lvs4jInstance("VI_1", VrrpState.BACKUP, 51, 100, Duration.ofSeconds(1), 2, null,
                List.of(vip("192.0.2.100", 24)), List.of(), null));
        VrrpRouter r = node.router("VI_1");
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> node.call(() -> r.statistics().advertisementsAccepted()) >= 2))
                .isTrue();
        assertThat(state("VI_1")).isEqualTo(RouterState.BACKUP);
        assertThat(has(lab.j, Lab.J_IF, "192.0.2.100")).isFalse();

        long masterDown = node.call(r::masterDownIntervalMicros);
        long killed = System.nanoTime();
        k.kill9();
        assertThat(Lab.waitUntil(Duration.ofSeconds(6), () -> has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        long tookMicros = (System.nanoTime() - killed) / 1000;
        System.out.printf("takeover after kill -9: %.1f ms (master-down interval %.1f ms)%n", tookMicros / 1000.0,
                masterDown / 1000.0);
        assertThat(tookMicros).isLessThanOrEqualTo(masterDown + 100_000);
        assertThat(state("VI_1")).isEqualTo(RouterState.MASTER);
        assertThat(node.call(() -> r.statistics().droppedTotal())).isZero();

        Lab.Keepalived k2 = lab.keepalived("ka2", keepalivedConf("ka2", keepalivedInstance("VI_1", "BACKUP", 51, 200, "1",
                2, null, "192.0.2.100/24", "")));
        assertThat(Lab.waitUntil(Duration.ofSeconds(8), () -> state("VI_1") == RouterState.BACKUP))
                .as("keepalived log:%n%s", k2.log()).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(1), () -> !has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(5), () -> has(lab.ka, Lab.KA_IF, "192.0.2.100"))).isTrue();
        assertThat(k2.log()).contains("Entering MASTER STATE");
    }
}
