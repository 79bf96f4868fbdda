package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.TransitionReason;
import io.lvs4j.vrrp.InitialState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Director whose VRRP instance says {@code state MASTER} becomes master while it starts (on raw
 * sockets in a namespace of its own): the event stream and the state must show that start-up
 * transition and the VIP it added, as the kernel has it, and its removal at close.
 */
class DirectorVrrpStartIT {
    @Test
    void start_stateMasterInstance_startupTransitionAndVipReported() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root");
        try (HostLab lab = new HostLab("v")) {
            List<DirectorEvent> events = new ArrayList<>();
            String vip;
            try (Director d = Director.builder().netns(lab.j).ipvs(new InMemoryIpvs())
                    .vrrpInstance(HostLab.lvs4jInstance("VI_1", InitialState.MASTER, 81, 100, "192.0.2.111/24"))
                    .listener(e -> {
                        synchronized (events) {
                            events.add(e);
                        }
                    })
                    .start()) {
                assertThat(HostLab.waitUntil(Duration.ofSeconds(5), () -> d.state().instance("VI_1").get()
                        .addressesHeld())).as("state %s, events %s", d.state().instances(), events).isTrue();
                vip = HostLab.sh("ip", "-n", lab.j, "-4", "addr", "show", "dev", HostLab.J_IF);
                assertThat(d.state().instance("VI_1").get().state()).isEqualTo(RouterState.MASTER);
                synchronized (events) {
                    assertThat(events).filteredOn(e -> e instanceof DirectorEvent.VrrpTransition).singleElement()
                            .satisfies(e -> {
                                DirectorEvent.VrrpTransition t = (DirectorEvent.VrrpTransition) e;
                                assertThat(t.from()).isEqualTo(RouterState.INIT);
                                assertThat(t.to()).isEqualTo(RouterState.MASTER);
                                assertThat(t.reason()).isEqualTo(TransitionReason.STARTUP_AS_MASTER);
                            });
                    assertThat(events).filteredOn(e -> e instanceof DirectorEvent.VirtualAddresses).singleElement()
                            .satisfies(e -> assertThat(((DirectorEvent.VirtualAddresses) e).addresses())
                                    .extracting(a -> a.address().getHostAddress() + "/" + a.prefixLength())
                                    .containsExactly("192.0.2.111/24"));
                }
            }
            assertThat(vip).contains("inet 192.0.2.111/24");
            assertThat(HostLab.sh("ip", "-n", lab.j, "-4", "addr", "show", "dev", HostLab.J_IF))
                    .doesNotContain("192.0.2.111");
            synchronized (events) {
                assertThat(events).anyMatch(e -> e instanceof DirectorEvent.VirtualAddresses v && !v.held());
            }
        }
    }
}
