package io.lvs4j.vrrp.linux;

import static io.lvs4j.vrrp.linux.Lab.keepalivedConf;
import static io.lvs4j.vrrp.linux.Lab.keepalivedInstance;
import static io.lvs4j.vrrp.linux.Lab.lvs4jInstance;
import static io.lvs4j.vrrp.linux.Lab.vip;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpNode;
import io.lvs4j.vrrp.VrrpScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tracking and announcements on the real kernel beside keepalived 2.2.7: the seeds' nginx +
 * heartbeat problem (a vrrp_script failing on the lvs4j master lowers its priority and keepalived
 * takes the VIP), link down giving FAULT through rtnetlink link events, and gratuitous ARP /
 * unsolicited NA updating the peer's neighbour table.
 */
class TrackingIT extends LabFixture {
    private static boolean has(String ns, String dev, String vip) {
        return Lab.addresses(ns, dev).contains(" " + vip + "/");
    }

    private RouterState state() {
        return node.call(() -> node.router("VI_1").state());
    }

    private static VrrpInstance withScript(VrrpInstance c, String script, int weight) {
        return c.toBuilder().trackScript(script, weight).build();
    }

    @Test
    void failingCheckScriptOnLvs4jMaster_lowersPriority_keepalivedBackupTakesVip() throws Exception {
        lab = new Lab("s");
        Path ok = lab.dir.resolve("nginx-ok");
        Files.writeString(ok, "");
        Lab.Keepalived k = lab.keepalived("ks", keepalivedConf("ks", keepalivedInstance("VI_1", "BACKUP", 51, 100,
                "0.1", 3, null, "192.0.2.100/24", "")));
        VrrpScript chk = VrrpScript.builder("chk_nginx").command("/usr/bin/test -f " + ok)
                .interval(Duration.ofMillis(200)).timeout(Duration.ofSeconds(1)).weight(-60).rise(2).fall(2).build();
        node = VrrpNode.builder(lab.network()).scripts(List.of(chk)).instances(List.of(withScript(lvs4jInstance(
                "VI_1", InitialState.MASTER, 51, 150, Duration.ofMillis(100), 3, null, List.of(vip("192.0.2.100", 24)),
                List.of(), null), "chk_nginx", -60))).start();
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(10), () -> k.log().contains("Entering BACKUP STATE"))).isTrue();
        Thread.sleep(1000);
        assertThat(has(lab.ka, Lab.KA_IF, "192.0.2.100")).isFalse();

        Files.delete(ok); // nginx died
        assertThat(Lab.waitUntil(Duration.ofSeconds(5), () -> has(lab.ka, Lab.KA_IF, "192.0.2.100")))
                .as("keepalived log:%n%s", k.log()).isTrue();
        assertThat(node.call(() -> node.router("VI_1").effectivePriority())).isEqualTo(90);
        assertThat(Lab.waitUntil(Duration.ofSeconds(2), () -> !has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        assertThat(state()).isEqualTo(RouterState.BACKUP);

        Files.writeString(ok, ""); // nginx back: priority 150 again, lvs4j preempts
        assertThat(Lab.waitUntil(Duration.ofSeconds(5), () -> has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(2), () -> !has(lab.ka, Lab.KA_IF, "192.0.2.100"))).isTrue();
    }

    @Test
    void trackScriptWithoutItsVrrpScript_isIgnored_instanceStartsAndTakesVip() throws Exception {
        lab = new Lab("u");
        node = VrrpNode.builder(lab.network()).instances(List.of(withScript(lvs4jInstance("VI_1", InitialState.MASTER,
                51, 150, Duration.ofMillis(100), 3, null, List.of(vip("192.0.2.100", 24)), List.of(), null),
                "no_such_script", -60))).start();
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        assertThat(state()).isEqualTo(RouterState.MASTER);
        assertThat(node.call(() -> node.router("VI_1").effectivePriority())).isEqualTo(150);
    }

    @Test
    void linkDown_givesFaultAndDropsVip_linkUpRecovers() throws Exception {
        lab = new Lab("l");
        node = VrrpNode.builder(lab.network()).instances(List.of(lvs4jInstance("VI_1", InitialState.MASTER, 51, 150,
                Duration.ofMillis(100), 3, null, List.of(vip("192.0.2.100", 24)), List.of(), null))).start();
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> state() == RouterState.MASTER)).isTrue();
        Lab.sh("ip", "-n", lab.j, "link", "set", Lab.J_IF, "down");
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> state() == RouterState.FAULT)).isTrue();
        Lab.sh("ip", "-n", lab.j, "link", "set", Lab.J_IF, "up");
        assertThat(Lab.waitUntil(Duration.ofSeconds(5), () -> state() == RouterState.MASTER)).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(2), () -> has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
    }

    @Test
    void takeover_announcesVipsByGratuitousArpAndNeighbourAdvert() throws Exception {
        lab = new Lab("g");
        Lab.sh("ip", "netns", "exec", lab.ka, "sysctl", "-q", "-w", "net.ipv4.conf." + Lab.KA_IF + ".arp_accept=1");
        Lab.sh("ip", "netns", "exec", lab.ka, "sysctl", "-q", "-w",
                "net.ipv6.conf." + Lab.KA_IF + ".accept_untracked_na=1");
        // RFC 9131: only a router (forwarding on) creates an entry from an unsolicited NA
        Lab.sh("ip", "netns", "exec", lab.ka, "sysctl", "-q", "-w", "net.ipv6.conf." + Lab.KA_IF + ".forwarding=1");
        String mac = Lab.sh("ip", "-n", lab.j, "-br", "link", "show", "dev", Lab.J_IF).trim().split("\\s+")[2];
        node = VrrpNode.builder(lab.network()).instances(List.of(
                lvs4jInstance("VI_1", InitialState.MASTER, 51, 150, Duration.ofMillis(100), 3, null,
                        List.of(vip("192.0.2.100", 24)), List.of(), null),
                lvs4jInstance("VI_6", InitialState.MASTER, 52, 150, Duration.ofMillis(100), 3, null,
                        List.of(vip("2001:db8::100", 64)), List.of(), null))).start();
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> neigh(lab.ka).contains("192.0.2.100 dev " + Lab.KA_IF
                + " lladdr " + mac))).as(neigh(lab.ka)).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> neigh(lab.ka).contains("2001:db8::100 dev " + Lab.KA_IF
                + " lladdr " + mac))).as(neigh(lab.ka)).isTrue();
    }

    private static String neigh(String ns) {
        try {
            return Lab.sh("ip", "-n", ns, "neigh", "show");
        } catch (Exception e) {
            return "";
        }
    }
}
