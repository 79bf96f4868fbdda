package io.lvs4j.vrrp;

import static io.lvs4j.vrrp.Sim.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.vrrp.config.AuthType;
import io.lvs4j.vrrp.config.GarpSettings;
import io.lvs4j.vrrp.config.VirtualIpAddress;
import io.lvs4j.vrrp.config.VrrpAuthentication;
import io.lvs4j.vrrp.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.config.VrrpState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VrrpInstanceTest {
    static VrrpInstance.Builder base() {
        return VrrpInstance.builder("VI_1").virtualRouterId(51).primaryAddress(ip("192.0.2.1"))
                .virtualAddresses(ip("192.0.2.100"));
    }

    @Test
    void defaults_areKeepalivedDefaults() {
        VrrpInstance i = base().build();
        assertThat(i.version()).isEqualTo(2);
        assertThat(i.priority()).isEqualTo(100);
        assertThat(i.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(i.initialState()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.nopreempt()).isFalse();
        assertThat(i.acceptMode()).isFalse();
        assertThat(base().priority(255).build().acceptMode()).isTrue();
    }

    @Test
    void setters_rejectOutOfRange() {
        assertThatThrownBy(() -> base().priority(0)).hasMessage("priority: 0 (expected: 1..255)");
        assertThatThrownBy(() -> base().virtualRouterId(256)).hasMessage("virtual_router_id: 256 (expected: 1..255)");
        assertThatThrownBy(() -> base().version(4)).hasMessage("version: 4 (expected: 2..3)");
        assertThatThrownBy(() -> base().advertInterval(Duration.ofMillis(15)))
                .hasMessage("advert_int: PT0.015S (expected: a multiple of 10ms from 10ms to 255s)");
    }

    @Test
    void build_rejectsConflicts() {
        assertThatThrownBy(() -> base().advertInterval(Duration.ofMillis(1500)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("advert_int: PT1.5S (expected: whole seconds 1..255 for VRRPv2)");
        assertThatThrownBy(() -> base().version(3).advertInterval(Duration.ofSeconds(41)).build())
                .hasMessage("advert_int: PT41S (expected: 10ms..40.95s for VRRPv3)");
        assertThatThrownBy(() -> base().version(3).authentication(new VrrpAuthentication(AuthType.PASS, "x")).build())
                .hasMessage("authentication: VrrpAuthentication[type=PASS, password=<redacted>]"
                        + " (expected: none for VRRPv3 (RFC 5798 removed it))");
        assertThatThrownBy(() -> base().primaryAddress(ip("fe80::1")).virtualAddresses(ip("2001:db8::1")).build())
                .hasMessage("version: 2 (expected: 3 for IPv6 (RFC 3768 is IPv4 only))");
        assertThatThrownBy(() -> base().virtualAddresses(ip("2001:db8::1")).build())
                .hasMessage("virtual_ipaddress: \"2001:db8::1\" (expected: IPv4 like the primary address)");
        assertThatThrownBy(() -> base().nopreempt(true).initialState(VrrpState.MASTER).build())
                .hasMessage("nopreempt: \"with state MASTER\" (expected: initial state BACKUP (keepalived: nopreempt needs it))");
        assertThatThrownBy(() -> VrrpInstance.builder("x").virtualRouterId(1).virtualAddresses(ip("192.0.2.1")).build())
                .hasMessage("primary address: null (expected: the interface address, or unicast_src_ip)");
    }

    @Test
    void toString_redactsPassword() {
        String s = base().authentication(new VrrpAuthentication(AuthType.PASS, "hunter2")).build().toString();
        assertThat(s).doesNotContain("hunter2").contains("<redacted>");
    }

    @Test
    void fromConfig_mapsKeepalivedFields() {
        VrrpInstanceConfig c = new VrrpInstanceConfig("VI_9", VrrpState.BACKUP, "eth0", 9, 150, Duration.ofMillis(500),
                3, null, List.of(new VirtualIpAddress(ip("192.0.2.9"), 24, null, "eth0", null, "eth0:9", List.of())),
                List.of(), List.of(), List.of(), ip("192.0.2.1"), List.of(ip("192.0.2.2")), null, true,
                Duration.ofSeconds(3), List.of(), List.of(), List.of(), false, Map.of(), null, Boolean.TRUE,
                new GarpSettings(Duration.ofSeconds(1), 3, null, null, null, null),
                Map.of("higher_prio_send_advert", List.of()));
        VrrpInstance i = VrrpInstance.fromConfig(c).build();
        assertThat(i.virtualRouterId()).isEqualTo(9);
        assertThat(i.priority()).isEqualTo(150);
        assertThat(i.advertIntervalCentis()).isEqualTo(50);
        assertThat(i.version()).isEqualTo(3);
        assertThat(i.nopreempt()).isTrue();
        assertThat(i.preemptDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(i.acceptMode()).isTrue();
        assertThat(i.primaryAddress()).isEqualTo(ip("192.0.2.1"));
        assertThat(i.unicastPeers()).containsExactly(ip("192.0.2.2"));
        assertThat(i.virtualAddresses().get(0).label()).isEqualTo("eth0:9");
        assertThat(i.garp().masterRepeat()).isEqualTo(3);
        assertThat(i.higherPrioritySendAdvert()).isTrue();
        assertThat(i.toBuilder().build().toString()).isEqualTo(i.toString());
    }

    @Test
    void routerState_transitionTable() {
        assertThat(RouterState.INIT.canTransitionTo(RouterState.MASTER)).isTrue();
        assertThat(RouterState.FAULT.canTransitionTo(RouterState.MASTER)).isFalse();
        assertThat(RouterState.BACKUP.canTransitionTo(RouterState.BACKUP)).isFalse();
        assertThat(RouterState.MASTER.canTransitionTo(RouterState.INIT)).isTrue();
        int legal = 0;
        for (RouterState a : RouterState.values()) {
            for (RouterState b : RouterState.values()) {
                legal += a.canTransitionTo(b) ? 1 : 0;
            }
        }
        assertThat(legal).isEqualTo(11);
    }

    @Test
    void skewAndMasterDownInterval_microseconds() {
        Sim sim = new Sim();
        VrrpRouter v3 = sim.router("a", "192.0.2.1", 254, b -> b.advertInterval(Duration.ofMillis(30)));
        // (256-254) * 3 cs / 256 = 0.0234375 cs = 234.375 us
        assertThat(v3.skewTimeMicros()).isEqualTo(234L);
        assertThat(v3.masterDownIntervalMicros()).isEqualTo(90_234L);
        VrrpRouter v2 = sim.router("b", "192.0.2.2", 1, b -> b.version(2).advertInterval(Duration.ofSeconds(3)));
        // v2 skew does not scale with the interval: 255/256 s
        assertThat(v2.skewTimeMicros()).isEqualTo(996_093L);
        assertThat(v2.masterDownIntervalMicros()).isEqualTo(9_996_093L);
    }

    @Test
    void unicastPeers_sendToEachPeer() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200,
                b -> b.unicastPeers(List.of(ip("192.0.2.2"), ip("192.0.2.3"))));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100, x -> x.unicastPeers(List.of(ip("192.0.2.1"), ip("192.0.2.3"))));
        VrrpRouter c = sim.router("C", "192.0.2.3", 50, x -> x.unicastPeers(List.of(ip("192.0.2.1"), ip("192.0.2.2"))));
        sim.startAll();
        sim.runTo(20 * Sim.S);
        assertThat(sim.masters()).containsExactly("A");
        assertThat(a.statistics().advertisementsSent()).isEqualTo(34);
        assertThat(b.statistics().advertisementsAccepted()).isEqualTo(17);
        assertThat(c.statistics().advertisementsAccepted()).isEqualTo(17);
        assertThat(b.statistics().droppedTotal()).isZero();
    }
}
