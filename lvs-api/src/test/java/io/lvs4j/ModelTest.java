package io.lvs4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelTest {

    private static VirtualService web() {
        return VirtualService.tcp("192.0.2.10", 80)
                .scheduler(Scheduler.WRR)
                .persistence(Duration.ofSeconds(50))
                .realServer(RealServer.of("10.0.0.2", 80).weight(3).route())
                .realServer(RealServer.of("10.0.0.3", 80).weight(1).route())
                .build();
    }

    @Test
    void builder_defaults_followIpvsadm() {
        VirtualService s = VirtualService.udp("192.0.2.10", 53).realServer(RealServer.of("10.0.0.2")).build();
        assertThat(s.scheduler()).isEqualTo(Scheduler.WLC);
        assertThat(s.isPersistent()).isFalse();
        assertThat(s.persistenceNetmask()).isEqualTo(0xFFFFFFFF);
        RealServer r = s.realServers().get(0);
        assertThat(r.weight()).isEqualTo(1);
        assertThat(r.forwarding()).isEqualTo(Forwarding.ROUTE);
        assertThat(r.port()).isEqualTo(53);
    }

    @Test
    void toBuilder_roundTrip_givesEqualValue() {
        VirtualService s = web();
        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
        RealServer r = s.realServers().get(0);
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }

    @Test
    void toBuilder_change_leavesOriginalUntouched() {
        VirtualService s = web();
        VirtualService t = s.toBuilder().scheduler(Scheduler.RR).build();
        assertThat(s.scheduler()).isEqualTo(Scheduler.WRR);
        assertThat(t.scheduler()).isEqualTo(Scheduler.RR);
        assertThat(t.sameSettings(s)).isFalse();
        assertThat(t.realServers()).isEqualTo(s.realServers());
    }

    @Test
    void realServers_areUnmodifiable() {
        VirtualService s = web();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.realServers().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withWeight_changesOnlyTheWeight() {
        RealServer r = web().realServers().get(0);
        RealServer q = r.withWeight(0);
        assertThat(q.isQuiesced()).isTrue();
        assertThat(q.toBuilder().weight(3).build()).isEqualTo(r);
    }

    @Test
    void serviceKey_equalAddressesSpelledDifferently_areEqual() {
        assertThat(ServiceKey.of(Protocol.TCP, "2001:db8::1", 80))
                .isEqualTo(ServiceKey.of(Protocol.TCP, "2001:0DB8:0:0::1", 80));
        assertThat(ServiceKey.of(Protocol.TCP, "2001:db8::1", 80))
                .isNotEqualTo(ServiceKey.of(Protocol.UDP, "2001:db8::1", 80));
        assertThat(ServiceKey.fwmark(1)).isNotEqualTo(ServiceKey.fwmark(1, AddressFamily.INET6));
    }

    @Test
    void serviceKey_toString_readsLikeIpvsadm() {
        assertThat(ServiceKey.of(Protocol.SCTP, "2001:db8::1", 80)).hasToString("SCTP [2001:db8::1]:80");
        assertThat(ServiceKey.fwmark(7)).hasToString("FWM 7");
    }

    @Test
    void directorConfig_keepsOrderAndFindsByKey() {
        VirtualService a = web();
        VirtualService b = VirtualService.fwmark(3).scheduler("sh").flags(SchedulerFlag.SH_PORT).persistent()
                .realServer(RealServer.of("10.0.0.5", 443).masquerade()).build();
        DirectorConfig c = DirectorConfig.builder().service(a).service(b)
                .timeouts(Timeouts.ofSeconds(900, 120, 300)).build();
        assertThat(c.services()).containsExactly(a, b);
        assertThat(c.service(ServiceKey.fwmark(3))).contains(b);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        DirectorConfig d = c.toBuilder().removeService(a.key()).build();
        assertThat(d.services()).containsExactly(b);
        assertThat(d.service(a.key())).isEmpty();
    }

    @Test
    void fwmarkService_keepsRealServerPorts() {
        VirtualService s = VirtualService.fwmark(3).realServer(RealServer.of("10.0.0.5", 443).route()).build();
        assertThat(s.realServers().get(0).port()).isEqualTo(443);
    }
}
