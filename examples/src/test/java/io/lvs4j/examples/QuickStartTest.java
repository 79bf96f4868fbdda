package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorState;
import io.lvs4j.director.InMemoryDirector;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * README's shortest embedding, started in memory: right after {@code start()} its service holds both
 * real servers with their weights; after README's in-memory start, VI_1 is master. (The checks open
 * real sockets to 10.0.0.2 and .3, so what they find after the clock moves depends on this host's
 * network: the second case asserts nothing about the real servers.)
 */
class QuickStartTest {
    @Test
    void director_startedInMemory_installsTheServiceWithBothRealServersAndRunsVi1() throws Exception {
        VirtualClock clock = new VirtualClock();
        InMemoryIpvs ipvs = new InMemoryIpvs();
        try (Director director = QuickStart.director("eth0").ipvs(ipvs).virtualClock(clock)
                .inMemoryVrrp(new InMemoryNetwork(clock), "director-1", InetAddress.getByName("192.0.2.2")).start()) {
            DirectorState state = director.state();
            DirectorState.Service web = state.service(ServiceKey.of(Protocol.TCP, "192.0.2.10", 80)).orElseThrow();
            assertThat(web.installed()).isTrue();
            assertThat(web.realServer("10.0.0.2:80").orElseThrow().appliedWeight()).isEqualTo(3);
            assertThat(web.realServer("10.0.0.3:80").orElseThrow().appliedWeight()).isEqualTo(1);
            assertThat(state.instance("VI_1")).isPresent();
            assertThat(ipvs.serviceStates()).hasSize(1);
        }
        assertThat(ipvs.serviceStates()).isEmpty(); // close() removed the director's service
    }

    @Test
    void startInMemory_asReadmeShows_vi1IsMasterAndTheServiceIsInTheTable() {
        VirtualClock clock = new VirtualClock();
        InMemoryIpvs ipvs;
        try (InMemoryDirector director = QuickStart.startInMemory(clock)) {
            ipvs = director.table();
            assertThat(director.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
            assertThat(ipvs.serviceStates()).singleElement()
                    .satisfies(s -> assertThat(s.service().key()).isEqualTo(ServiceKey.of(Protocol.TCP, "192.0.2.10", 80)));
        }
        assertThat(ipvs.serviceStates()).isEmpty();
    }
}
