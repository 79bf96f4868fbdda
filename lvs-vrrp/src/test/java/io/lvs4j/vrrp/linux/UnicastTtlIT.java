package io.lvs4j.vrrp.linux;

import static io.lvs4j.vrrp.linux.Lab.keepalivedConf;
import static io.lvs4j.vrrp.linux.Lab.keepalivedInstance;
import static io.lvs4j.vrrp.linux.Lab.lvs4jBuilder;
import static io.lvs4j.vrrp.linux.Lab.vip;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.DropReason;
import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.UnicastPeer;
import io.lvs4j.vrrp.VrrpNode;
import io.lvs4j.vrrp.VrrpRouter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code unicast_peer ADDR min_ttl N max_ttl M} against the real keepalived 2.2.7: keepalived, the
 * higher priority, sends its unicast adverts with {@code unicast_ttl 200}, as if they had crossed
 * routers. The lvs4j backup in the other namespace drops them when its bounds for that peer exclude
 * 200 (and so becomes master itself), and follows keepalived when they include 200.
 */
class UnicastTtlIT extends LabFixture {
    private VrrpRouter start(UnicastPeer peer) throws Exception {
        node = VrrpNode.builder(lab.network()).instance(lvs4jBuilder("VI_1", InitialState.BACKUP, 51, 100,
                Duration.ofSeconds(1), 2, null, List.of(vip("192.0.2.100", 24)), List.of(),
                Addresses.parse(Lab.J_ADDR, "src")).unicastPeer(peer).build()).start();
        return node.router("VI_1");
    }

    /** A copy of the counters, taken on the node's thread. */
    private Counts stats(VrrpRouter r) {
        return node.call(() -> new Counts(r.statistics().dropped(DropReason.TTL_OUT_OF_BOUNDS),
                r.statistics().droppedTotal(), r.statistics().advertisementsAccepted(), r.statistics().toString()));
    }

    private record Counts(long ttlDrops, long droppedTotal, long advertisementsAccepted, String text) {
        long dropped(DropReason reason) {
            return ttlDrops;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private RouterState state(VrrpRouter r) {
        return node.call(r::state);
    }

    private static boolean has(String ns, String dev, String vip) {
        return Lab.addresses(ns, dev).contains(" " + vip + "/");
    }

    @Test
    void keepalivedAdvertsWithTtl200_outsideThenInsideBounds_droppedThenFollowed() throws Exception {
        lab = new Lab("t");
        String unicast = "  unicast_ttl 200\n  unicast_src_ip " + Lab.KA_ADDR + "\n  unicast_peer {\n    " + Lab.J_ADDR
                + "\n  }\n";
        Lab.Keepalived k = lab.keepalived("kt", keepalivedConf("kt", keepalivedInstance("VI_1", "MASTER", 51, 150, "1",
                2, null, "192.0.2.100/24", unicast)));
        assertThat(Lab.waitUntil(Duration.ofSeconds(10), () -> has(lab.ka, Lab.KA_IF, "192.0.2.100")))
                .as("keepalived log:%n%s", k.log()).isTrue();

        // bounds 250..255: every advert of keepalived (TTL 200) is dropped, lvs4j hears no master
        VrrpRouter r = start(UnicastPeer.builder(Lab.KA_ADDR).minTtl(250).build());
        assertThat(Lab.waitUntil(Duration.ofSeconds(5),
                () -> stats(r).dropped(DropReason.TTL_OUT_OF_BOUNDS) >= 3)).as("%s", stats(r)).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(5), () -> state(r) == RouterState.MASTER)).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(2), () -> has(lab.j, Lab.J_IF, "192.0.2.100"))).isTrue();
        assertThat(stats(r).advertisementsAccepted()).as("%s", stats(r)).isZero();
        assertThat(stats(r).droppedTotal()).isEqualTo(stats(r).dropped(DropReason.TTL_OUT_OF_BOUNDS));
        node.close();
        node = null;

        // bounds 200..200: the same adverts are accepted and lvs4j stays backup
        VrrpRouter fits = start(UnicastPeer.builder(Lab.KA_ADDR).minTtl(200).maxTtl(200).build());
        assertThat(Lab.waitUntil(Duration.ofSeconds(5), () -> stats(fits).advertisementsAccepted() >= 3))
                .as("%s", stats(fits)).isTrue();
        assertThat(state(fits)).isEqualTo(RouterState.BACKUP);
        assertThat(stats(fits).droppedTotal()).as("%s", stats(fits)).isZero();
        assertThat(has(lab.j, Lab.J_IF, "192.0.2.100")).isFalse();
        assertThat(has(lab.ka, Lab.KA_IF, "192.0.2.100")).isTrue();
    }

    /**
     * The sending side: keepalived, the lower priority, accepts lvs4j's adverts only at TTL 200
     * ({@code min_ttl 200 max_ttl 200}). lvs4j at the default TTL 255 is not heard (keepalived
     * becomes master too); lvs4j with {@code unicastTtl(200)} is, and keepalived steps back.
     */
    @Test
    void lvs4jUnicastTtl_keepalivedPeerBounds200_defaultDroppedThen200Followed() throws Exception {
        lab = new Lab("u");
        String unicast = "  unicast_src_ip " + Lab.KA_ADDR + "\n  unicast_peer {\n    " + Lab.J_ADDR
                + " min_ttl 200 max_ttl 200\n  }\n";
        Lab.Keepalived k = lab.keepalived("ku", keepalivedConf("ku", keepalivedInstance("VI_1", "BACKUP", 52, 100, "1",
                2, null, "192.0.2.100/24", unicast)));
        java.util.function.IntFunction<VrrpRouter> lvs4j = ttl -> {
            try {
                node = VrrpNode.builder(lab.network()).instance(lvs4jBuilder("VI_1", InitialState.MASTER, 52, 150,
                        Duration.ofSeconds(1), 2, null, List.of(vip("192.0.2.100", 24)), List.of(),
                        Addresses.parse(Lab.J_ADDR, "src")).unicastPeer(Lab.KA_ADDR).unicastTtl(ttl).build()).start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return node.router("VI_1");
        };

        // TTL 255: keepalived drops every advert, hears no master and takes the address as well
        VrrpRouter r = lvs4j.apply(255);
        assertThat(Lab.waitUntil(Duration.ofSeconds(3), () -> state(r) == RouterState.MASTER)).isTrue();
        assertThat(Lab.waitUntil(Duration.ofSeconds(8), () -> has(lab.ka, Lab.KA_IF, "192.0.2.100")))
                .as("keepalived log:%n%s", k.log()).isTrue();
        node.close();
        node = null;

        // TTL 200: keepalived accepts the higher priority's adverts and gives the address up
        VrrpRouter fits = lvs4j.apply(200);
        assertThat(Lab.waitUntil(Duration.ofSeconds(6), () -> !has(lab.ka, Lab.KA_IF, "192.0.2.100")))
                .as("keepalived log:%n%s", k.log()).isTrue();
        assertThat(state(fits)).isEqualTo(RouterState.MASTER);
        assertThat(has(lab.j, Lab.J_IF, "192.0.2.100")).isTrue();
        // and stays backup: still without the address two adverts later
        Thread.sleep(2_000);
        assertThat(has(lab.ka, Lab.KA_IF, "192.0.2.100")).as("keepalived log:%n%s", k.log()).isFalse();
    }
}
