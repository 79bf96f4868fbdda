package io.lvs4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    private static VirtualService.Builder web() {
        return VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.WRR)
                .realServer(RealServer.of("10.0.0.2", 80).weight(3))
                .realServer(RealServer.of("10.0.0.3", 80).weight(1));
    }

    private static DirectorConfig config(VirtualService... services) {
        return DirectorConfig.builder().services(List.of(services)).build();
    }

    @Test
    void diff_sameState_isEmpty() {
        VirtualService s = web().build();
        assertThat(ConfigDiff.between(List.of(s), Timeouts.UNCHANGED, config(web().build())).isEmpty()).isTrue();
    }

    @Test
    void diff_fromNothing_addsServiceThenServers() {
        VirtualService s = web().build();
        assertThat(ConfigDiff.from(config(s)).changes()).containsExactly(
                Change.addService(s),
                Change.addServer(s, s.realServers().get(0)),
                Change.addServer(s, s.realServers().get(1)));
    }

    @Test
    void diff_weightChange_isOneEditNotDeleteAndAdd() {
        VirtualService have = web().build();
        VirtualService want = web().clearRealServers()
                .realServer(RealServer.of("10.0.0.2", 80).weight(3))
                .realServer(RealServer.of("10.0.0.3", 80).weight(7)).build();
        List<Change> changes = ConfigDiff.between(List.of(have), Timeouts.UNCHANGED, config(want)).changes();
        assertThat(changes).containsExactly(Change.editServer(want, want.realServers().get(1), have.realServers().get(1)));
    }

    @Test
    void diff_schedulerChange_editsServiceOnly() {
        VirtualService have = web().build();
        VirtualService want = web().scheduler(Scheduler.WLC).build();
        assertThat(ConfigDiff.between(List.of(have), Timeouts.UNCHANGED, config(want)).changes())
                .containsExactly(Change.editService(want));
    }

    @Test
    void diff_removedServerAndService_comeAfterAdditions() {
        VirtualService other = VirtualService.udp("192.0.2.10", 53).realServer(RealServer.of("10.0.0.9")).build();
        VirtualService have = web().build();
        VirtualService want = web().clearRealServers()
                .realServer(RealServer.of("10.0.0.2", 80).weight(3))
                .realServer(RealServer.of("10.0.0.4", 80)).build();
        List<Change> changes = ConfigDiff.between(List.of(other, have), Timeouts.UNCHANGED, config(want)).changes();
        assertThat(changes).extracting(Change::kind).containsExactly(
                Change.Kind.ADD_SERVER, Change.Kind.REMOVE_SERVER, Change.Kind.REMOVE_SERVICE);
        assertThat(changes.get(1).previous().endpoint()).isEqualTo("10.0.0.3:80");
        assertThat(changes.get(2).key()).isEqualTo(other.key());
    }

    @Test
    void diff_kernelLocalForwarding_equalsMasquerade() {
        VirtualService want = VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("127.0.0.1", 80).masquerade()).build();
        VirtualService have = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("127.0.0.1", 80).forwarding(Forwarding.LOCAL)).build();
        assertThat(ConfigDiff.between(List.of(have), Timeouts.UNCHANGED, config(want)).isEmpty()).isTrue();
    }

    @Test
    void diff_timeouts_onlyWhenAskedAndDifferent() {
        DirectorConfig want = DirectorConfig.builder().timeouts(Timeouts.ofSeconds(900, 0, 300)).build();
        assertThat(ConfigDiff.between(List.of(), Timeouts.ofSeconds(900, 120, 300), want).isEmpty()).isTrue();
        assertThat(ConfigDiff.between(List.of(), Timeouts.ofSeconds(900, 120, 60), want).changes())
                .containsExactly(Change.setTimeouts(Timeouts.ofSeconds(900, 0, 300)));
    }
}
